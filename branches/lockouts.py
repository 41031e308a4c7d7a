"""Logins locked after too many wrong passwords (django-axes), and unlocking them.

A lock is per user name AND address together: someone guessing orgadmin's password from one machine
locks out that machine's attempts at orgadmin only; orgadmin still logs in from their own desk.
"""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone


def _cooloff() -> timedelta:
    value = settings.AXES_COOLOFF_TIME
    return value if isinstance(value, timedelta) else timedelta(hours=value)


def locked_attempts(*, now=None) -> QuerySet[AccessAttempt]:
    """Pairs of user name and address locked now, the latest first."""
    now = now or timezone.now()
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=now - _cooloff(),
    ).order_by("-attempt_time")


def unlock(*, attempt: AccessAttempt) -> int:
    """Let this user name log in again from this address (their failures so far are forgotten)."""
    return reset(ip=attempt.ip_address, username=attempt.username)
