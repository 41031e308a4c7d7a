"""Where reminders come from. The organisation's own (plans, pace, tasks, targets, exchanges) are in
branches.selectors.reminder_items; apps above add theirs (supervision: rectifications, re-checks) by registering
a source in their AppConfig.ready, so this layer never imports them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from branches.selectors import plan_missing_items, reminder_items

__all__ = ["all_reminder_items", "plan_missing_items", "register_source"]

ReminderSource = Callable[[date], list]
_SOURCES: list[ReminderSource] = []


def register_source(source: ReminderSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def all_reminder_items(*, today: date) -> list:
    """Everything due or overdue as of `today`, from every source."""
    items = list(reminder_items(today=today))
    for source in _SOURCES:
        items.extend(source(today))
    return items
