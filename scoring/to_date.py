"""A branch's cup of the running quarter, scored to date by the engine: the branch home's to-do list.

Nothing here decides a point: each row is the engine's outcome for one item of the rubric in force
(scoring.engine.compile.compute for this one branch, as of today), with what is still due and by when
read off that outcome. The compile of the same day gives the same points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from branches.models import Branch, YearSettings
from branches.periods import Quarter
from scoring.engine import methods, registry
from scoring.engine.compile import BranchResult, ItemResult, compute, rubric_for


@dataclass
class ToDo:
    code: str
    name: str
    says: str
    explanation: str
    points: Decimal
    max_points: Decimal
    count: Decimal | None
    target: Decimal | None
    applicable: bool
    from_records: bool
    still_due: str | None  # how many more are needed (counting items), as shown
    due_by: date | None
    deducts: bool

    @property
    def at_stake(self) -> Decimal:
        """The points not yet earned (for a deduction: the points lost)."""
        if self.deducts:
            return -self.points
        return methods.q2(self.max_points - self.points) if self.applicable else methods.ZERO

    @property
    def done(self) -> bool:
        return self.at_stake <= 0


@dataclass
class CupToDate:
    quarter: Quarter
    as_of: date
    rubric_label: str
    total: Decimal
    base_max: Decimal
    items: list[ToDo]

    @property
    def open_items(self) -> list[ToDo]:
        return [i for i in self.items if i.applicable and not i.done]


def _due_by(result: ItemResult, quarter: Quarter, deadline: date, as_of: date) -> date | None:
    item = result.item
    if item.method == "on_time":
        return deadline if as_of <= deadline else None
    if item.method == "deduction_per":
        return None
    return quarter.end


def _row(result: ItemResult, names: dict, quarter: Quarter, deadline: date, as_of: date) -> ToDo:
    item, outcome = result.item, result.outcome
    method = registry.METHODS[item.method]
    still_due = None
    if item.method == "count_target" and outcome.target is not None and outcome.count is not None:
        missing = max(Decimal(0), outcome.target - outcome.count) if outcome.points < item.max_points else Decimal(0)
        still_due = methods.fmt(missing) if missing else None
    return ToDo(code=item.code, name=item.name, says=registry.says(item, names),
                explanation=methods.explain(outcome.explanation, method=item.method), points=outcome.points,
                max_points=result.max_points, count=outcome.count, target=outcome.target,
                applicable=outcome.applicable, from_records=method.from_records, still_due=still_due,
                due_by=_due_by(result, quarter, deadline, as_of) if method.from_records else quarter.end,
                deducts=method.deducts)


def cup_to_date(*, branch: Branch, today: date) -> CupToDate | None:
    """The running quarter's items that apply to the branch, scored as of `today` (None without a rubric in
    force or when the branch is in no ranking group)."""
    quarter = Quarter.of(today)
    if rubric_for(quarter) is None:
        return None
    rubric, results = compute(quarter, as_of=today, branch_ids=[branch.pk])
    mine: BranchResult | None = next((r for r in results if r.branch["id"] == branch.pk), None)
    if mine is None:
        return None
    names = registry.code_names()
    deadline = YearSettings.deadline_for(quarter.year)
    return CupToDate(quarter=quarter, as_of=min(today, quarter.end), rubric_label=str(rubric), total=mine.total,
                     base_max=mine.base_max,
                     items=[_row(r, names, quarter, deadline, today) for r in mine.items])
