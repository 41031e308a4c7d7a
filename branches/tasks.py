"""Celery tasks of the organisation department: thin wrappers around services."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from branches import services


@shared_task(name="branches.tasks.send_weekly_reminders")
def send_weekly_reminders(today: str | None = None) -> dict:
    """Notify secretaries and department heads whose items are behind pace or due (idempotent per week)."""
    result = services.send_reminders(today=date.fromisoformat(today) if today else None)
    return {"items": result.items, "created": result.created, "users": result.users, "emailed": result.emailed}
