"""Pure decimal arithmetic of the scoring methods; no database, no Django models.

Every function returns the item's points rounded half-up to two places, and a short explanation of
how they were reached, made from the sentences below in the language active at the compile (Chinese,
normally). The snapshot stores that text; `explain()` says it again in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language, gettext, gettext_noop

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


# The sentences of the explanations (msgids). A stored explanation is one of them filled in, or two or three
# of them in a row (SHAPES), so `explain()` can read the values back and say it in another language.
NO_OBLIGATION = gettext_noop("本季度无此项对应的共建关系，不得分。")
NO_OBLIGATION_FULL = gettext_noop("本季度无此项对应的共建关系，得满分 %(points)s 分。")
NOT_APPLICABLE = gettext_noop("本季度无此项对应的共建关系，本项不适用，不计入满分（%(max)s 分）。")
ZERO_TARGET = gettext_noop("目标数为 0，得满分。")
COUNTED = gettext_noop("完成 %(count)s 次，季度目标 %(target)s 次，得 %(points)s 分（满分 %(max)s）。")
COUNTED_MONTHS = gettext_noop("覆盖 %(count)s 个月，目标 %(target)s 个月，得 %(points)s 分（满分 %(max)s）。")
COUNTED_WEEKS = gettext_noop("覆盖 %(count)s 周，目标 %(target)s 周，得 %(points)s 分（满分 %(max)s）。")
COUNTED_KINDS = gettext_noop("覆盖 %(count)s 类，目标 %(target)s 类，得 %(points)s 分（满分 %(max)s）。")
COUNTED_EACH = gettext_noop("共 %(n)s 个共建对象，每个最多计 %(target)s 次。")
NOTHING_TO_FILE = gettext_noop("本季度无须备案的方案，不得分。")
NOT_FILED = gettext_noop("应备案 %(n)s 份，未备案 %(missing)s 份，得 0 分（截止日 %(deadline)s）。")
FILED_LATE = gettext_noop("已备案但晚于截止日 %(deadline)s（%(day)s），得一半 %(points)s 分。")
FILED_ON_TIME = gettext_noop("已在截止日 %(deadline)s 前备案，得满分 %(points)s 分。")
FILED_SHARES = gettext_noop("应备案 %(n)s 份（截止日 %(deadline)s）：按期 %(on_time)s 份、逾期 %(late)s 份、未备案 "
                            "%(missing)s 份，每份占 %(each)s 分，逾期按 %(late_share)s 计，得 %(points)s 分。")
NOT_DUE_YET = gettext_noop("备案截止日 %(deadline)s 未到，暂计满分 %(points)s 分。")
NOTHING_DUE = gettext_noop("本季度无到期事项，得满分 %(points)s 分。")
DONE_OF_DUE = gettext_noop("应完成 %(due)s 项，按期完成 %(done)s 项，得 %(points)s 分（满分 %(max)s）。")
NO_DEDUCTION = gettext_noop("无扣分情形。")
DEDUCTED = gettext_noop("共 %(count)s 项，每项扣 %(per)s 分，扣 %(points)s 分")
DEDUCTION_CAPPED = gettext_noop("（已达本项最多扣分 %(max)s 分）")
FULL_STOP = gettext_noop("。")
NOT_SCORED = gettext_noop("组织部门尚未评分，暂计 0 分。")
SCORED_BY_HAND = gettext_noop("人工评分 %(points)s 分：%(reason)s")
NO_BONUS = gettext_noop("本季度无加分。")  # written by the compile for a bonus item nobody scored
# Put before the explanation of a record item of a quarter still running: only what was due by then counted.
AS_OF = gettext_noop("截至 %(month)s 月 %(day)s 日：")

# What an item gives when the branch has no such obligation, the same for every method (RubricItem.no_obligation).
NO_OBLIGATION_SHAPES = ((NO_OBLIGATION,), (NO_OBLIGATION_FULL,), (NOT_APPLICABLE,))
SHAPES: dict[str, tuple[tuple[str, ...], ...]] = {
    "count_target": ((ZERO_TARGET,), *((c,) for c in (COUNTED, COUNTED_MONTHS, COUNTED_WEEKS, COUNTED_KINDS)),
                     *((c, COUNTED_EACH) for c in (COUNTED, COUNTED_MONTHS, COUNTED_WEEKS, COUNTED_KINDS))),
    "on_time": ((NOTHING_TO_FILE,), (NOT_FILED,), (FILED_LATE,), (FILED_ON_TIME,), (FILED_SHARES,), (NOT_DUE_YET,)),
    "ratio": ((NOTHING_DUE,), (DONE_OF_DUE,)),
    "deduction_per": ((NO_DEDUCTION,), (DEDUCTED, FULL_STOP), (DEDUCTED, DEDUCTION_CAPPED, FULL_STOP)),
    "manual": ((NO_BONUS,), (NOT_SCORED,), (SCORED_BY_HAND,)),
}
COUNTED_BY_UNIT = {"records": COUNTED, "months": COUNTED_MONTHS, "weeks": COUNTED_WEEKS, "kinds": COUNTED_KINDS,
                   "categories": COUNTED_KINDS}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


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
    applicable: bool = True  # False: left out of the branch's maximum (no such obligation, item not applicable)


def no_obligation(max_points: Decimal, policy: str) -> Outcome:
    """What an item gives a branch without the obligation it scores: "zero", "full" or "na" (not applicable)."""
    max_points = Decimal(max_points)
    if policy == "full":
        return Outcome(q2(max_points), _(NO_OBLIGATION_FULL) % {"points": fmt(q2(max_points))})
    if policy == "na":
        return Outcome(ZERO, _(NOT_APPLICABLE) % {"max": fmt(max_points)}, applicable=False)
    return Outcome(ZERO, _(NO_OBLIGATION))


def as_of(outcome: Outcome, day: date) -> Outcome:
    """The outcome of a quarter still running, its explanation saying up to which day it counted."""
    prefix = _(AS_OF) % {"month": day.month, "day": day.day}
    return Outcome(outcome.points, prefix + outcome.explanation, outcome.count, outcome.target, outcome.applicable)


def count_target(max_points: Decimal, counts: Sequence[int | Decimal], target: Decimal,
                 unit: str = "records") -> Outcome:
    """points = max × min(1, count ÷ target).

    `counts` holds one count per obligation (one pair; or each partnership of the HR center branch);
    with several, each counts up to the target and the target is multiplied by their number. `unit` is
    what was counted (records, distinct months, weeks or kinds covered): it only words the explanation.
    """
    max_points, target = Decimal(max_points), Decimal(target)
    if not counts:
        return Outcome(ZERO, _(NO_OBLIGATION), None, None)
    total_target = target * len(counts)
    if total_target <= 0:
        return Outcome(q2(max_points), _(ZERO_TARGET), Decimal(sum(counts)), total_target)
    effective = sum((min(Decimal(c), target) for c in counts), ZERO)
    points = q2(max_points * min(Decimal(1), effective / total_target))
    raw = Decimal(sum(counts))
    text = _(COUNTED_BY_UNIT.get(unit, COUNTED)) % {
        "count": fmt(raw), "target": fmt(total_target), "points": fmt(points), "max": fmt(max_points)}
    if len(counts) > 1:
        text = _joined(text, _(COUNTED_EACH) % {"n": len(counts), "target": fmt(target)})
    return Outcome(points, text, raw, total_target)


def on_time(max_points: Decimal, filed: Sequence[date | None], deadline: date, *, share: bool = False,
            late_share: Decimal = Decimal("0.5"), as_of: date | None = None) -> Outcome:
    """Full points if filed by the deadline, `late_share` (half) if filed late, 0 if missing.

    With several plans the worst counts, or with `share` each plan earns its share of the points. Before the
    deadline (`as_of` not past it) a missing plan is not due yet and costs nothing."""
    max_points, late_share = Decimal(max_points), Decimal(late_share)
    if not filed:
        return Outcome(ZERO, _(NOTHING_TO_FILE))
    if as_of is not None and as_of <= deadline:
        filed = [d for d in filed if d is not None]
        if not filed:
            return Outcome(q2(max_points), _(NOT_DUE_YET) % {"deadline": deadline.isoformat(),
                                                              "points": fmt(q2(max_points))})
    if (share and len(filed) > 1) or late_share != Decimal("0.5"):
        n = len(filed)
        missing = sum(1 for d in filed if d is None)
        late = sum(1 for d in filed if d is not None and d > deadline)
        on_time_n = n - missing - late
        each = max_points / n
        points = q2(each * on_time_n + each * late_share * late)
        return Outcome(points, _(FILED_SHARES) % {
            "n": n, "deadline": deadline.isoformat(), "on_time": on_time_n, "late": late, "missing": missing,
            "each": fmt(q2(each)), "late_share": fmt(late_share), "points": fmt(points)},
            Decimal(n - missing), Decimal(n))
    missing = sum(1 for d in filed if d is None)
    late = [d for d in filed if d is not None and d > deadline]
    n = Decimal(len(filed))
    done = n - missing
    if missing:
        return Outcome(ZERO, _(NOT_FILED) % {
            "n": fmt(n), "missing": missing, "deadline": deadline.isoformat()}, done, n)
    if late:
        points = q2(max_points * late_share)
        return Outcome(points, _(FILED_LATE) % {
            "deadline": deadline.isoformat(), "day": max(late).isoformat(), "points": fmt(points)}, done, n)
    return Outcome(q2(max_points), _(FILED_ON_TIME) % {
        "deadline": deadline.isoformat(), "points": fmt(q2(max_points))}, done, n)


def ratio(max_points: Decimal, done: int | Decimal, due: int | Decimal) -> Outcome:
    """points = max × done ÷ due; full points when nothing was due."""
    max_points, done, due = Decimal(max_points), Decimal(done), Decimal(due)
    if due <= 0:
        return Outcome(q2(max_points), _(NOTHING_DUE) % {
            "points": fmt(q2(max_points))}, done, due)
    points = q2(max_points * min(done, due) / due)
    return Outcome(points, _(DONE_OF_DUE) % {
        "due": fmt(due), "done": fmt(done), "points": fmt(points), "max": fmt(max_points)}, done, due)


def deduction_per(max_points: Decimal, count: int, per: Decimal) -> Outcome:
    """Minus `per` for each instance, never below minus the item's maximum."""
    max_points, per = Decimal(max_points), Decimal(per)
    raw = per * count
    points = q2(-min(raw, max_points))
    if count == 0:
        return Outcome(ZERO, _(NO_DEDUCTION), Decimal(0), None)
    text = _(DEDUCTED) % {
        "count": count, "per": fmt(per), "points": fmt(-points)}
    if raw > max_points:
        text = _joined(text, _(DEDUCTION_CAPPED) % {"max": fmt(max_points)})
    return Outcome(points, _joined(text, _(FULL_STOP)), Decimal(count), None)


def manual(max_points: Decimal, points: Decimal | None, reason: str = "") -> Outcome:
    """Scored by hand between 0 and the maximum; missing scores count 0."""
    if points is None:
        return Outcome(ZERO, _(NOT_SCORED))
    points = q2(max(ZERO, min(Decimal(points), Decimal(max_points))))
    return Outcome(points, _(SCORED_BY_HAND) % {"points": fmt(points), "reason": reason})


def _joined(text: str, sentence: str) -> str:
    """Two sentences in a row: no space between Chinese ones, one between English ones."""
    if text[-1:] in ".:;!?)" and sentence[:1].isalnum():
        return f"{text} {sentence}"
    return text + sentence


# --- explanations in the reader's language ------------------------------------------------------------

# What a placeholder of the sentences holds: numbers made by fmt(), ISO dates, or the reason of a manual score.
_VALUES = {"deadline": r"\d{4}-\d{2}-\d{2}", "day": r"\d{4}-\d{2}-\d{2}", "reason": r".*"}
_AS_OF_VALUES = {"month": r"\d{1,2}", "day": r"\d{1,2}"}
_NUMBER = r"-?\d+(?:\.\d+)?"
_patterns: dict[str, list[tuple[str, tuple[str, ...], re.Pattern]]] = {}


def _sentence_pattern(sentence: str, index: int) -> str:
    out, last = [], 0
    for m in _PLACEHOLDER.finditer(sentence):
        out.append(re.escape(sentence[last:m.start()]))
        out.append(f"(?P<s{index}_{m.group(1)}>{_VALUES.get(m.group(1), _NUMBER)})")
        last = m.end()
    out.append(re.escape(sentence[last:]))
    return "".join(out)


def _patterns_of(language: str) -> list[tuple[str, tuple[str, ...], re.Pattern]]:
    """(method, sentences, regex) of every shape of explanation, as written in `language` (made once)."""
    found = _patterns.get(language)
    if found is None:
        found = []
        with translation.override(language):
            for method, shapes in [*SHAPES.items(), ("*", NO_OBLIGATION_SHAPES)]:
                for shape in sorted(shapes, key=len, reverse=True):
                    regex = r"\s?".join(_sentence_pattern(gettext(msgid).strip(), i) for i, msgid in enumerate(shape))
                    found.append((method, shape, re.compile(regex, re.DOTALL)))
        _patterns[language] = found
    return found


_as_of_patterns: dict[str, re.Pattern] = {}


def _as_of_pattern(language: str) -> re.Pattern:
    found = _as_of_patterns.get(language)
    if found is None:
        with translation.override(language):
            sentence = gettext(AS_OF)
        out, last = [], 0
        for m in _PLACEHOLDER.finditer(sentence):
            out.append(re.escape(sentence[last:m.start()]))
            out.append(f"(?P<{m.group(1)}>{_AS_OF_VALUES[m.group(1)]})")
            last = m.end()
        out.append(re.escape(sentence[last:]) + r"\s?")
        found = _as_of_patterns[language] = re.compile("".join(out))
    return found


def explain(text: str, *, method: str | None = None) -> str:
    """A stored explanation said in the active language.

    The values (counts, points, dates, the reason of a manual score) are read back from the stored text by
    the sentences of every language the site has, then put into the active language's sentences. A text no
    shape fits (an older wording, or a language without those sentences) is returned as stored. `method`
    (the item score's method) narrows the shapes tried."""
    if not text:
        return text
    active = get_language() or settings.LANGUAGE_CODE
    languages = [active, *(code for code, _name in settings.LANGUAGES if code != active)]
    for language in languages:
        m = _as_of_pattern(language).match(text)
        if m and m.end() < len(text):
            return _(AS_OF) % m.groupdict() + explain(text[m.end():], method=method)
    for language in languages:
        for shape_method, shape, pattern in _patterns_of(language):
            if method and shape_method not in (method, "*"):
                continue
            m = pattern.fullmatch(text)
            if m is None:
                continue
            if language == active:
                return text
            values = m.groupdict()
            said = ""
            for i, msgid in enumerate(shape):
                prefix = f"s{i}_"
                mine = {k[len(prefix):]: v for k, v in values.items() if k.startswith(prefix)}
                sentence = _(msgid) % mine if mine else _(msgid)
                said = _joined(said, sentence) if said else sentence
            return said
    return text


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
