"""Filters people search by: year, quarter (`2026Q3`), branch, kind, status, date range."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from branches.params import MAX_ID, parse_int, parse_quarter, parse_year
from branches.periods import Quarter


class QuarterFormField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return Quarter.parse(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages)


QUARTER_HELP = gettext_lazy("季度，例如 2026Q3")
BRANCH_HELP = gettext_lazy("党支部 id")


# The schema of these two is given here (drf-spectacular then ignores help_text): the description with it.
@extend_schema_field({"type": "string", "pattern": r"^\d{4}Q[1-4]$", "example": "2026Q3", "description": QUARTER_HELP})
class QuarterFilter(filters.Filter):
    """`?quarter=2026Q3`: records dated in that quarter (`date_field`), or of that year and quarter
    number (`year_field` + `number_field`)."""

    field_class = QuarterFormField

    def __init__(self, *args, date_field: str | None = None, year_field: str = "year",
                 number_field: str | None = None, month_field: str | None = None, **kwargs):
        kwargs.setdefault("help_text", QUARTER_HELP)
        super().__init__(*args, **kwargs)
        self.date_field = date_field
        self.year_field = year_field
        self.number_field = number_field
        self.month_field = month_field

    def filter(self, qs, value: Quarter | None):
        if value is None:
            return qs
        if self.date_field:
            return qs.filter(**{f"{self.date_field}__range": (value.start, value.end)})
        lookups = {self.year_field: value.year}
        if self.number_field:
            lookups[self.number_field] = value.number
        elif self.month_field:
            lookups[f"{self.month_field}__in"] = value.months
        return qs.filter(**lookups)


@extend_schema_field({"type": "integer", "description": BRANCH_HELP})
class BranchIdFilter(filters.NumberFilter):
    """`?branch=<id>`: records that involve the branch through any of `field_names`."""

    field_class = forms.IntegerField

    def __init__(self, *args, field_names: tuple[str, ...] = (), **kwargs):
        kwargs.setdefault("help_text", BRANCH_HELP)
        super().__init__(*args, **kwargs)
        self.field_names = field_names

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        from django.db.models import Q

        condition = Q()
        for name in self.field_names:
            condition |= Q(**{name: value})
        return qs.filter(pk__in=qs.model._default_manager.filter(condition).values("pk"))


def is_year_filter(name: str, f) -> bool:
    field_name = getattr(f, "field_name", "") or ""
    return name == "year" or field_name.endswith("year") or getattr(f, "lookup_expr", "") == "year"


def check_query(filterset, query) -> None:
    """Every number, id and quarter in the query string is one, before any reaches the database.

    Ids past 64 bits, years out of range and quarters that are not `2026Q3` are refused with a
    `BadParameter` (400 with the parameter's name) instead of overflowing in the query.
    """
    for name, f in filterset.filters.items():
        for raw in query.getlist(name):
            if raw in ("", None):
                continue
            if isinstance(f, QuarterFilter):
                parse_quarter(raw, name)
            elif isinstance(f, filters.NumberFilter | filters.ModelChoiceFilter) and is_year_filter(name, f):
                parse_year(raw, name)
            elif isinstance(f, filters.NumberFilter | filters.ModelChoiceFilter | filters.ModelMultipleChoiceFilter):
                parse_int(name, raw, minimum=-MAX_ID, maximum=MAX_ID)


class CheckedFilterBackend(filters.DjangoFilterBackend):
    """django-filter, with the query string's values checked first (`check_query`)."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            check_query(filterset, request.query_params)
        return filterset
