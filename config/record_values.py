"""How a record's stored values read to a person: related records by name, choices by label, dates plainly.

Shared by the history page and the stale-save notice; related objects are fetched in bulk.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name


class ValueFormatter:
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
