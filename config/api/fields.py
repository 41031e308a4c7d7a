"""Quarters are written `2026Q3` in the API as everywhere else."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branches.periods import Quarter


def quarter_of(value) -> Quarter | None:
    if value is None or isinstance(value, Quarter):
        return value
    if isinstance(value, str):
        return Quarter.parse(value)
    if isinstance(value, date):
        return Quarter.of(value)
    year, number = getattr(value, "year", None), getattr(value, "number", None)
    if year is None or number is None:
        year, number = getattr(value, "year", None), getattr(value, "quarter", None)
    if year is None or number is None:
        return None
    return Quarter(int(year), int(number))


@extend_schema_field({"type": "string", "pattern": r"^\d{4}Q[1-4]$", "example": "2026Q3"})
class QuarterField(serializers.Field):
    """Reads and writes a quarter as ``2026Q3``; writes give a ``branches.periods.Quarter``.

    Used with ``source="*"`` on models that store ``year`` and ``number``; it then reads both.
    """

    default_error_messages = {"invalid": "{message}"}

    def to_representation(self, value) -> str | None:
        quarter = quarter_of(value)
        return str(quarter) if quarter else None

    def to_internal_value(self, data):
        try:
            quarter = Quarter.parse(str(data))
        except DjangoValidationError as exc:
            self.fail("invalid", message=" ".join(exc.messages))
        if self.source == "*":
            return {"year": quarter.year, "number": quarter.number}
        return quarter



class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id limited to the records the requesting person may see (others read as "does not exist").

    `scope(user) -> QuerySet` is typically one of the apps' selectors (`pairing.selectors.pairs_for`).
    """

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return super().get_queryset().none()
        return self.scope(user)


class DownloadLinkField(serializers.FileField):
    """A file as the link that serves it after the reader's scope is checked (`view_name`, the record's
    pk), not its storage path under /media/, which is never served by path."""

    def __init__(self, *, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str | None:
        if not value:
            return None
        url = reverse(self.view_name, args=[value.instance.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
