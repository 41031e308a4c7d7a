"""Quarters are written `2026Q3` everywhere a person types or reads one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

QUARTER_PATTERN = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")
MIN_YEAR = 2000
MAX_YEAR = 2100


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not (MIN_YEAR <= self.year <= MAX_YEAR) or self.number not in (1, 2, 3, 4):
            raise ValidationError(_("季度“%(value)s”无效。") % {"value": f"{self.year}Q{self.number}"})

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER_PATTERN.match(str(text or ""))
        if not match:
            raise ValidationError(
                _("季度格式应为“年份Q季度”，例如 2026Q3；收到“%(value)s”。") % {"value": text},
                code="invalid_quarter",
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls) -> Quarter:
        return cls.of(timezone.localdate())

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def months(self) -> list[int]:
        return [3 * self.number - 2, 3 * self.number - 1, 3 * self.number]

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def quarters_of_year(year: int) -> list[Quarter]:
    return [Quarter(year, n) for n in (1, 2, 3, 4)]


def validate_year(year: int) -> None:
    if not isinstance(year, int) or not (MIN_YEAR <= year <= MAX_YEAR):
        raise ValidationError(_("年度必须在 %(min)s 到 %(max)s 之间。") % {"min": MIN_YEAR, "max": MAX_YEAR})


def expected_by_quarter(yearly_minimum: int, quarter_number: int) -> int:
    """The count a yearly minimum asks for by the end of a quarter, spread evenly (rounded up)."""
    return -(-yearly_minimum * quarter_number // 4)
