"""Record history 修改记录: who changed a record, when, and what changed, field by field.

One generic page for every model under django-simple-history (`/org/history/<app_label>/<model_name>/<pk>/`,
url name `record_history`), read by those `branches.access.may_read_history` allows: the organisation
department, and a branch's officers for the records of their branch. Link to it from a record's page
with `{% load record_history %}{% history_link obj %}` (shown only to those who may read it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import (
    NotHistoricalModelError,
    get_history_manager_for_model,
    get_m2m_reverse_field_name,
)

from branches.access import may_read_history, person_for
from config.record_values import ValueFormatter

MAX_ENTRIES = 200


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str
    action_code: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _model_or_404(app_label: str, model_name: str) -> type[models.Model]:
    try:
        return apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        raise Http404


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return _("系统")
    return user.get_full_name() or user.get_username()


ACTIONS = {"+": gettext_lazy("创建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


def _initial_values(model: type[models.Model], record, tracked: list[str]) -> list[tuple[str, Any]]:
    """The non-empty values a record was created with (or had when its kept history begins)."""
    values = []
    for name in tracked:
        model_field = model._meta.get_field(name)
        value = getattr(record, model_field.attname)
        if isinstance(model_field, models.FileField):
            value = getattr(value, "name", value) or None
        values.append((name, value))
    for m2m_field in record._history_m2m_fields:
        reverse = get_m2m_reverse_field_name(m2m_field)
        values.append((m2m_field.name, list(getattr(record, m2m_field.name).values(reverse))))
    return [(name, value) for name, value in values if value not in (None, "", [])]


def build_history(model: type[models.Model], pk: Any) -> list[HistoryEntry]:
    """The history entries of one record, newest first, each with its field-level changes."""
    manager = get_history_manager_for_model(model)
    pk_name = model._meta.pk.attname
    newest = list(
        manager.filter(**{pk_name: pk}).select_related("history_user").order_by("-history_date", "-history_id")[
            : MAX_ENTRIES + 1
        ]
    )
    records = list(reversed(newest))  # oldest first; the extra oldest one only serves as a baseline
    baseline = records.pop(0) if len(newest) > MAX_ENTRIES else None
    formatter = ValueFormatter(model)
    raw: list[tuple[Any, list[tuple[str, Any, Any]]]] = []
    previous = baseline
    tracked = None
    for record in records:
        if tracked is None:
            tracked = [f.name for f in record.tracked_fields if f.editable]
        if previous is None or record.history_type == "+":
            changes = [(name, None, value) for name, value in _initial_values(model, record, tracked)]
        elif record.history_type == "-":
            changes = []
        else:
            delta = record.diff_against(previous)
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        for name, old, new in changes:
            formatter.want(name, old)
            formatter.want(name, new)
        raw.append((record, changes))
        previous = record
    formatter.load()
    entries = [
        HistoryEntry(
            when=record.history_date,
            who=_who(record),
            action=str(ACTIONS.get(record.history_type, record.history_type)),
            action_code=record.history_type,
            reason=record.history_change_reason or "",
            changes=[FieldChange(formatter.label(n), formatter.value(n, o), formatter.value(n, v)) for n, o, v in changes],
        )
        for record, changes in raw
    ]
    entries.reverse()
    return entries


@login_required
def record_history(request: HttpRequest, app_label: str, model_name: str, pk: str) -> HttpResponse:
    person = person_for(request.user)
    model = _model_or_404(app_label, model_name)
    try:
        get_history_manager_for_model(model)
        pk_value = model._meta.pk.to_python(pk)
    except (NotHistoricalModelError, ValidationError):
        raise Http404
    current = model._default_manager.filter(pk=pk_value).first()
    if not may_read_history(person, current):
        raise Http404
    entries = build_history(model, pk_value)
    if not entries:
        raise Http404
    return render(request, "history/record_history.html", {
        "entries": entries,
        "model_label": model._meta.verbose_name,
        "record": current,
        "record_pk": pk_value,
        "truncated": len(entries) >= MAX_ENTRIES,
    })
