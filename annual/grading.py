"""Grades by quota, pure arithmetic: within a ranking group, best first, each grade takes the places its
cumulative share of the group allows (rounded down); branches tied with the last place of a grade get
that grade too (the next grade has fewer places then); the last grade without a share takes the rest.
Vetoed branches get the veto grade and take no place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _

from scoring.engine.methods import fmt


@dataclass(frozen=True)
class Grade:
    name: str
    explanation: str


def places(size: int, cumulative_percent: Decimal) -> int:
    return int((Decimal(size) * Decimal(cumulative_percent) / 100).to_integral_value(rounding=ROUND_FLOOR))


def assign(totals: Sequence[tuple[Decimal, bool]], rules: Sequence[tuple[str, Decimal | None]],
           veto_grade: str) -> list[Grade]:
    """Grades of (total, vetoed) rows given in ranking order (best first, vetoed last)."""
    size = len(totals)
    ranked = [i for i, (_total, vetoed) in enumerate(totals) if not vetoed]
    out: list[Grade | None] = [None] * size
    for i, (_total, vetoed) in enumerate(totals):
        if vetoed:
            out[i] = Grade(veto_grade, _("一票否决，评为%(grade)s，不占等次名额。") % {"grade": veto_grade})
    start, cumulative = 0, Decimal(0)
    for n, (name, percent) in enumerate(rules):
        last = n == len(rules) - 1
        if percent is None or last:
            end = quota_end = len(ranked)
            quota = _("其余党支部评为%(grade)s。") % {"grade": name}
        else:
            cumulative += Decimal(percent)
            quota_end = min(places(size, cumulative), len(ranked))
            end = max(quota_end, start)
            quota = _("组内 %(size)s 个党支部，前 %(pct)s%% 共 %(size)s × %(pct)s%% = %(raw)s，取整 %(places)s 个名额"
                      "（含更高等次）。") % {"size": size, "pct": fmt(cumulative),
                                      "raw": fmt(Decimal(size) * cumulative / 100), "places": places(size, cumulative)}
        while 0 < end < len(ranked) and end > start and totals[ranked[end]][0] == totals[ranked[end - 1]][0]:
            end += 1
        for position in range(start, end):
            index = ranked[position]
            text = quota + _("本支部名次第 %(rank)s（%(total)s 分），评为%(grade)s。") % {
                "rank": position + 1, "total": fmt(totals[index][0]), "grade": name}
            if position >= quota_end:
                tied = ranked[quota_end - 1] if quota_end > 0 else ranked[start]
                text += _("与名额内最后一名同分（%(total)s 分），并列评为%(grade)s。") % {
                    "total": fmt(totals[tied][0]), "grade": name}
            out[index] = Grade(name, text)
        start = end
    for position in range(start, len(ranked)):  # only when there are no rules
        out[ranked[position]] = Grade("", "")
    return [g for g in out if g is not None]
