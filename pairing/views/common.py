"""Helpers shared by the workspace pages: which branch a page is about, permission answers, errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.access import person_for
from branches.models import Branch
from branches.periods import Quarter
from pairing import selectors, services


def today():
    return timezone.localdate()


def current_branch(request: HttpRequest) -> Branch:
    """`?branch=ID` when given (404 outside the person's scope), else the person's first branch."""
    return selectors.workspace_branch(request.user, request.GET.get("branch") or request.POST.get("branch"))


def require_edit_branch(request: HttpRequest, branch: Branch) -> None:
    if not person_for(request.user).can_edit_branch(branch.pk):
        raise PermissionDenied(_("您只能查看，不能在该支部登记或修改记录。"))


def require_edit_owner(request: HttpRequest, owner) -> None:
    if not services.can_edit_owner(request.user, owner):
        raise PermissionDenied(_("您只能查看，不能修改该共建的记录。"))


def require_edit_activity(request: HttpRequest, activity) -> None:
    if not services.can_edit_activity(request.user, activity):
        raise PermissionDenied(_("您只能查看，不能修改这项活动。"))


def refuse_if_locked(request: HttpRequest, day, to: str) -> HttpResponse | None:
    """A redirect to `to` with the lock message when `day`'s quarter has been published, else None."""
    if not services.record_is_locked(day):
        return None
    messages.error(request, services.lock_message(Quarter.of(day)))
    return redirect(to)


def message_errors(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


class LockCache:
    """Whether each quarter's ranking is published, asked once per quarter per request."""

    def __init__(self) -> None:
        self._known: dict[Quarter, bool] = {}

    def locked(self, day) -> bool:
        if not day:
            return False
        quarter = Quarter.of(day)
        if quarter not in self._known:
            self._known[quarter] = services.quarter_locked(quarter)
        return self._known[quarter]

    def message(self, day) -> str:
        return services.lock_message(Quarter.of(day))


def branch_query(request: HttpRequest, branch: Branch) -> str:
    """`?branch=ID` to carry on links when the page was opened for a chosen branch."""
    return f"branch={branch.pk}" if request.GET.get("branch") else ""
