"""Pure decimal arithmetic of the scoring methods; no database, no Django models.

Every function returns the item's points rounded half-up to two places, and a short Chinese
explanation of how they were reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language, gettext

CENT = Decimal("0.01")
ZERO = Decimal("0")


_translated: dict[tuple[str | None, str], str] = {}


def _(message: str) -> str:
    """gettext, remembered per language: a compile formats the same few sentences tens of thousands of times."""
    key = (get_language(), message)
    text = _translated.get(key)
    if text is None:
        text = _translated[key] = gettext(message)
    return text


def q2(value: Decimal) -> Decimal:
    """Round half-up to two places (0.125 -> 0.13, 0.124 -> 0.12)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal | int | None) -> str:
    if value is None:
        return "-"
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal("1")))
    return str(value.normalize())


@dataclass(frozen=True)
class Outcome:
    points: Decimal
    explanation: str
    count: Decimal | None = None
    target: Decimal | None = None


def count_target(max_points: Decimal, counts: Sequence[int | Decimal], target: Decimal) -> Outcome:
    """points = max × min(1, count ÷ target).

    `counts` holds one count per obligation (one pair; or each partnership of the HR center branch);
    with several, each counts up to the target and the target is multiplied by their number.
    """
    max_points, target = Decimal(max_points), Decimal(target)
    if not counts:
        return Outcome(ZERO, _("本季度无此项对应的共建关系，不得分。"), None, None)
    total_target = target * len(counts)
    if total_target <= 0:
        return Outcome(q2(max_points), _("目标数为 0，得满分。"), Decimal(sum(counts)), total_target)
    effective = sum((min(Decimal(c), target) for c in counts), ZERO)
    points = q2(max_points * min(Decimal(1), effective / total_target))
    raw = Decimal(sum(counts))
    text = _("完成 %(count)s 次，季度目标 %(target)s 次，得 %(points)s 分（满分 %(max)s）。") % {
        "count": fmt(raw), "target": fmt(total_target), "points": fmt(points), "max": fmt(max_points)}
    if len(counts) > 1:
        text += _("共 %(n)s 个共建对象，每个最多计 %(target)s 次。") % {"n": len(counts), "target": fmt(target)}
    return Outcome(points, text, raw, total_target)


def on_time(max_points: Decimal, filed: Sequence[date | None], deadline: date) -> Outcome:
    """Full points if filed by the deadline, half if filed late, 0 if missing; with several, the worst counts."""
    max_points = Decimal(max_points)
    if not filed:
        return Outcome(ZERO, _("本季度无须备案的方案，不得分。"))
    missing = sum(1 for d in filed if d is None)
    late = [d for d in filed if d is not None and d > deadline]
    n = Decimal(len(filed))
    done = n - missing
    if missing:
        return Outcome(ZERO, _("应备案 %(n)s 份，未备案 %(missing)s 份，得 0 分（截止日 %(deadline)s）。") % {
            "n": fmt(n), "missing": missing, "deadline": deadline.isoformat()}, done, n)
    if late:
        points = q2(max_points / 2)
        return Outcome(points, _("已备案但晚于截止日 %(deadline)s（%(day)s），得一半 %(points)s 分。") % {
            "deadline": deadline.isoformat(), "day": max(late).isoformat(), "points": fmt(points)}, done, n)
    return Outcome(q2(max_points), _("已在截止日 %(deadline)s 前备案，得满分 %(points)s 分。") % {
        "deadline": deadline.isoformat(), "points": fmt(q2(max_points))}, done, n)


def ratio(max_points: Decimal, done: int | Decimal, due: int | Decimal) -> Outcome:
    """points = max × done ÷ due; full points when nothing was due."""
    max_points, done, due = Decimal(max_points), Decimal(done), Decimal(due)
    if due <= 0:
        return Outcome(q2(max_points), _("本季度无到期事项，得满分 %(points)s 分。") % {
            "points": fmt(q2(max_points))}, done, due)
    points = q2(max_points * min(done, due) / due)
    return Outcome(points, _("应完成 %(due)s 项，按期完成 %(done)s 项，得 %(points)s 分（满分 %(max)s）。") % {
        "due": fmt(due), "done": fmt(done), "points": fmt(points), "max": fmt(max_points)}, done, due)


def deduction_per(max_points: Decimal, count: int, per: Decimal) -> Outcome:
    """Minus `per` for each instance, never below minus the item's maximum."""
    max_points, per = Decimal(max_points), Decimal(per)
    raw = per * count
    points = q2(-min(raw, max_points))
    if count == 0:
        return Outcome(ZERO, _("无扣分情形。"), Decimal(0), None)
    text = _("共 %(count)s 项，每项扣 %(per)s 分，扣 %(points)s 分") % {
        "count": count, "per": fmt(per), "points": fmt(-points)}
    if raw > max_points:
        text += _("（已达本项最多扣分 %(max)s 分）") % {"max": fmt(max_points)}
    return Outcome(points, text + _("。"), Decimal(count), None)


def manual(max_points: Decimal, points: Decimal | None, reason: str = "") -> Outcome:
    """Scored by hand between 0 and the maximum; missing scores count 0."""
    if points is None:
        return Outcome(ZERO, _("组织部门尚未评分，暂计 0 分。"))
    points = q2(max(ZERO, min(Decimal(points), Decimal(max_points))))
    return Outcome(points, _("人工评分 %(points)s 分：%(reason)s") % {"points": fmt(points), "reason": reason})


def competition_ranks(rows: Sequence[tuple[Decimal, str, bool]]) -> list[tuple[int, int]]:
    """Standard competition ranking (1, 1, 3) of (total, branch code, vetoed) rows.

    Returns (index into rows, rank) in display order: by total descending, ties by code; vetoed rows
    go last whatever their points and share the rank after the last ranked row.
    """
    ranked = sorted((i for i, r in enumerate(rows) if not r[2]), key=lambda i: (-rows[i][0], rows[i][1]))
    vetoed = sorted((i for i, r in enumerate(rows) if r[2]), key=lambda i: rows[i][1])
    out: list[tuple[int, int]] = []
    previous_total, previous_rank = None, 0
    for position, i in enumerate(ranked, start=1):
        total = rows[i][0]
        rank = previous_rank if total == previous_total else position
        out.append((i, rank))
        previous_total, previous_rank = total, rank
    last = len(ranked) + 1
    out.extend((i, last) for i in vetoed)
    return out
