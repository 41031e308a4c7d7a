"""Record history 修改记录: who changed a record, when, and what changed, field by field.

One generic page for every model under django-simple-history, read by the organisation department
only (`/org/history/<app_label>/<model_name>/<pk>/`, url name `record_history`). Link to it from a
record's page with `{% url 'record_history' app_label=obj._meta.app_label model_name=obj._meta.model_name pk=obj.pk %}`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import (
    NotHistoricalModelError,
    get_history_manager_for_model,
    get_m2m_reverse_field_name,
)

from branches.access import person_for

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


class _Formatter:
    """Turns raw history values into what a person reads; related objects are fetched in bulk."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.wanted: dict[type[models.Model], set[Any]] = {}
        self.names: dict[tuple[type[models.Model], Any], str] = {}

    def field(self, name: str) -> models.Field | None:
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def want(self, name: str, value: Any) -> None:
        model_field = self.field(name)
        if model_field is None or not model_field.is_relation or value in (None, ""):
            return
        related = model_field.related_model
        if model_field.many_to_many:
            reverse = get_m2m_reverse_field_name(model_field)
            for row in value or []:
                self.wanted.setdefault(related, set()).add(row.get(reverse))
        else:
            self.wanted.setdefault(related, set()).add(value)

    def load(self) -> None:
        for related, pks in self.wanted.items():
            pks.discard(None)
            for obj in related._default_manager.filter(pk__in=pks):
                self.names[(related, obj.pk)] = str(obj)

    def label(self, name: str) -> str:
        model_field = self.field(name)
        return str(model_field.verbose_name) if model_field is not None else name

    def _related_name(self, related: type[models.Model], pk: Any) -> str:
        return self.names.get((related, pk)) or _("#%(pk)s（已删除）") % {"pk": pk}

    def value(self, name: str, value: Any) -> str:
        model_field = self.field(name)
        if value is None or value == "" or value == []:
            return "—"
        if model_field is not None and model_field.many_to_many:
            reverse = get_m2m_reverse_field_name(model_field)
            return "、".join(self._related_name(model_field.related_model, row.get(reverse)) for row in value)
        if model_field is not None and model_field.is_relation:
            return self._related_name(model_field.related_model, value)
        if model_field is not None and model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        if hasattr(value, "name"):  # a FieldFile
            return value.name or "—"
        return str(value)


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
    formatter = _Formatter(model)
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
    if not person_for(request.user).is_org_admin:
        raise Http404
    model = _model_or_404(app_label, model_name)
    try:
        get_history_manager_for_model(model)
        pk_value = model._meta.pk.to_python(pk)
    except (NotHistoricalModelError, ValidationError):
        raise Http404
    entries = build_history(model, pk_value)
    if not entries:
        raise Http404
    current = model._default_manager.filter(pk=pk_value).first()
    return render(request, "history/record_history.html", {
        "entries": entries,
        "model_label": model._meta.verbose_name,
        "record": current,
        "record_pk": pk_value,
        "truncated": len(entries) >= MAX_ENTRIES,
    })
