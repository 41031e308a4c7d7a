"""Record sources of the engine, each computed for ALL branches of a quarter with a fixed number of queries.

A source returns {branch_id: Fact}. Pair sources give every branch of the pair the same fact (连带).
Evidence refs are {"model": "app.model", "id": pk, "label": text}; the pages turn them into links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db.models import Q

from branches.models import Branch, KeyWorkPlan, MonthlyTarget
from branches.periods import Quarter
from pairing.models import (
    Activity,
    AnnualPlan,
    InformationExchange,
    JointMeeting,
    Pair,
    PairGrassroots,
    Partnership,
    Problem,
    ProjectTask,
)


@dataclass
class Fact:
    counts: list[int] = field(default_factory=list)  # count_target: one count per obligation
    filed: list[date | None] = field(default_factory=list)  # on_time: one filing date per obligation
    done: int = 0  # ratio
    due: int = 0  # ratio
    instances: int = 0  # deduction_per
    evidence: list[dict] = field(default_factory=list)


def ref(model: str, pk: int, label: str) -> dict:
    return {"model": model, "id": pk, "label": label[:200]}


class Context:
    """What every source needs, loaded once: the quarter, branches, and the year's pairs and partnerships."""

    def __init__(self, quarter: Quarter, branches: dict[int, dict]):
        self.quarter = quarter
        self.branches = branches
        self._pairs: dict[int, dict] | None = None
        self._partnerships: dict[int, dict] | None = None

    @property
    def window(self) -> tuple[date, date]:
        return (self.quarter.start, self.quarter.end)

    @property
    def pairs(self) -> dict[int, dict]:
        """{pair_id: {"label":, "branch_ids": [...]}} of the quarter's year (2 queries)."""
        if self._pairs is None:
            pairs = {
                p["id"]: {"label": p["name"] or p["lead_branch__name"], "branch_ids": [p["lead_branch_id"]]}
                for p in Pair.objects.filter(year=self.quarter.year).values("id", "name", "lead_branch_id",
                                                                            "lead_branch__name")
            }
            for link in PairGrassroots.objects.filter(pair__year=self.quarter.year).values("pair_id", "branch_id"):
                if link["pair_id"] in pairs:
                    pairs[link["pair_id"]]["branch_ids"].append(link["branch_id"])
            self._pairs = pairs
        return self._pairs

    @property
    def partnerships(self) -> dict[int, dict]:
        if self._partnerships is None:
            self._partnerships = {
                p["id"]: {"label": p["external_org__name"], "branch_id": p["branch_id"]}
                for p in Partnership.objects.filter(year=self.quarter.year).values(
                    "id", "branch_id", "external_org__name")
            }
        return self._partnerships

    def pairs_of(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for pair_id, pair in self.pairs.items():
            for branch_id in pair["branch_ids"]:
                out[branch_id].append(pair_id)
        return out

    def partnerships_of(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for pid, p in self.partnerships.items():
            out[p["branch_id"]].append(pid)
        return out


def _per_owner_counts(ctx: Context, owners_of: dict[int, list[int]], rows: dict[int, list[dict]], model: str,
                      label: Callable[[dict], str]) -> dict[int, Fact]:
    facts: dict[int, Fact] = {}
    for branch_id in ctx.branches:
        owners = owners_of.get(branch_id, [])
        fact = Fact(counts=[len(rows.get(o, [])) for o in owners])
        for o in owners:
            fact.evidence += [ref(model, r["id"], label(r)) for r in rows.get(o, [])]
        facts[branch_id] = fact
    return facts


def _group(rows, key: str) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def _activity_label(r: dict) -> str:
    return f"{r['date']:%Y-%m-%d} {r['title']}"


def pair_joint_activities(ctx: Context) -> dict[int, Fact]:
    rows = Activity.objects.filter(pair__year=ctx.quarter.year, kind__counts_as_joint=True,
                                   date__range=ctx.window).values("id", "pair_id", "date", "title").order_by("date", "id")
    return _per_owner_counts(ctx, ctx.pairs_of(), _group(rows, "pair_id"), "pairing.activity", _activity_label)


def partnership_joint_activities(ctx: Context) -> dict[int, Fact]:
    rows = Activity.objects.filter(partnership__year=ctx.quarter.year, kind__counts_as_joint=True,
                                   date__range=ctx.window).values("id", "partnership_id", "date", "title").order_by(
        "date", "id")
    return _per_owner_counts(ctx, ctx.partnerships_of(), _group(rows, "partnership_id"), "pairing.activity",
                             _activity_label)


def branch_activities(ctx: Context) -> dict[int, Fact]:
    through = Activity.branches.through
    rows = through.objects.filter(activity__date__range=ctx.window).values(
        "branch_id", "activity_id", "activity__date", "activity__title").order_by("activity__date", "activity_id")
    by_branch = _group(({"id": r["activity_id"], "branch_id": r["branch_id"], "date": r["activity__date"],
                         "title": r["activity__title"]} for r in rows), "branch_id")
    owners = {b: [b] for b in ctx.branches}
    return _per_owner_counts(ctx, owners, by_branch, "pairing.activity", _activity_label)


def _plans_filed(ctx: Context, owners_of: dict[int, list[int]], key: str) -> dict[int, Fact]:
    plans = {p[key]: p for p in AnnualPlan.objects.filter(**{f"{key}__isnull": False, "year": ctx.quarter.year})
             .values("id", key, "filed_on")}
    facts: dict[int, Fact] = {}
    for branch_id in ctx.branches:
        fact = Fact()
        for owner in owners_of.get(branch_id, []):
            plan = plans.get(owner)
            filed_on = plan["filed_on"] if plan else None
            if filed_on and filed_on > ctx.quarter.end:  # as of the quarter's end
                filed_on = None
            fact.filed.append(filed_on)
            if plan:
                label = (f"{filed_on:%Y-%m-%d} " if filed_on else "") + _owner_label(ctx, key, owner)
                fact.evidence.append(ref("pairing.annualplan", plan["id"], label))
            else:
                fact.evidence.append(ref(f"pairing.{key}", owner, _owner_label(ctx, key, owner)))
        facts[branch_id] = fact
    return facts


def _owner_label(ctx: Context, key: str, owner: int) -> str:
    return (ctx.pairs if key == "pair" else ctx.partnerships)[owner]["label"]


def pair_plan_filed(ctx: Context) -> dict[int, Fact]:
    return _plans_filed(ctx, ctx.pairs_of(), "pair")


def partnership_plan_filed(ctx: Context) -> dict[int, Fact]:
    return _plans_filed(ctx, ctx.partnerships_of(), "partnership")


def _department_branches(ctx: Context) -> dict[int, list[int]]:
    """Office branches by their department (unit)."""
    out: dict[int, list[int]] = defaultdict(list)
    for b in ctx.branches.values():
        if b["kind"] == Branch.Kind.OFFICE:
            out[b["unit_id"]].append(b["id"])
    return out


def department_plan_filed(ctx: Context) -> dict[int, Fact]:
    plans = {p["unit_id"]: p for p in KeyWorkPlan.objects.filter(year=ctx.quarter.year).values(
        "id", "unit_id", "title", "filed_on")}
    facts = {b: Fact() for b in ctx.branches}
    for unit_id, branch_ids in _department_branches(ctx).items():
        plan = plans.get(unit_id)
        filed_on = plan["filed_on"] if plan else None
        if filed_on and filed_on > ctx.quarter.end:
            filed_on = None
        for b in branch_ids:
            facts[b].filed.append(filed_on)
            if plan:
                facts[b].evidence.append(ref("branches.keyworkplan", plan["id"], plan["title"]))
    return facts


def duty_targets_met(ctx: Context) -> dict[int, Fact]:
    rows = MonthlyTarget.objects.filter(task__plan__year=ctx.quarter.year, month__in=ctx.quarter.months).values(
        "id", "month", "status", "target", "task__number", "task__plan__unit_id").order_by("task__number", "month")
    by_unit = _group(rows, "task__plan__unit_id")
    facts = {b: Fact() for b in ctx.branches}
    for unit_id, branch_ids in _department_branches(ctx).items():
        targets = by_unit.get(unit_id, [])
        done = [t for t in targets if t["status"] == MonthlyTarget.Status.DONE]
        evidence = [ref("branches.monthlytarget", t["id"],
                        f"{'✓' if t['status'] == MonthlyTarget.Status.DONE else '✗'} "
                        f"{t['task__number']}-{t['month']}月 {t['target']}") for t in targets]
        for b in branch_ids:
            facts[b] = Fact(done=len(done), due=len(targets), evidence=evidence)
    return facts


def project_tasks_on_time(ctx: Context) -> dict[int, Fact]:
    rows = ProjectTask.objects.filter(project__pair__year=ctx.quarter.year, due_date__range=ctx.window).values(
        "id", "title", "status", "due_date", "completed_on", "project__pair_id").order_by("due_date", "id")
    by_pair = _group(rows, "project__pair_id")
    facts: dict[int, Fact] = {}
    pairs_of = ctx.pairs_of()
    for branch_id in ctx.branches:
        fact = Fact()
        for pair_id in pairs_of.get(branch_id, []):
            for t in by_pair.get(pair_id, []):
                on_time = (t["status"] == ProjectTask.Status.DONE and t["completed_on"] is not None
                           and t["completed_on"] <= t["due_date"])
                fact.due += 1
                fact.done += int(on_time)
                fact.evidence.append(ref("pairing.projecttask", t["id"],
                                         f"{'✓' if on_time else '✗'} {t['due_date']:%Y-%m-%d} {t['title']}"))
        facts[branch_id] = fact
    return facts


def problems_solved(ctx: Context) -> dict[int, Fact]:
    rows = Problem.objects.filter(pair__year=ctx.quarter.year, status=Problem.Status.SOLVED,
                                  solved_on__range=ctx.window).values("id", "pair_id", "title", "solved_on")
    return _per_owner_counts(ctx, ctx.pairs_of(), _group(rows, "pair_id"), "pairing.problem",
                             lambda r: f"{r['solved_on']:%Y-%m-%d} {r['title']}")


def information_exchanges(ctx: Context) -> dict[int, Fact]:
    rows = InformationExchange.objects.filter(partnership__year=ctx.quarter.year, period_year=ctx.quarter.year,
                                              period_month__in=ctx.quarter.months).values(
        "id", "partnership_id", "kind", "period_month").order_by("period_month", "kind")
    kinds = dict(InformationExchange.Kind.choices)
    return _per_owner_counts(ctx, ctx.partnerships_of(), _group(rows, "partnership_id"),
                             "pairing.informationexchange",
                             lambda r: f"{r['period_month']}月 {kinds.get(r['kind'], r['kind'])}")


def joint_meetings(ctx: Context) -> dict[int, Fact]:
    rows = list(JointMeeting.objects.filter(date__range=ctx.window).filter(
        Q(pair__year=ctx.quarter.year) | Q(partnership__year=ctx.quarter.year)).values(
        "id", "pair_id", "partnership_id", "date", "topic").order_by("date", "id"))
    by_owner = _group(({**r, "owner": ("pair", r["pair_id"]) if r["pair_id"] else ("partnership", r["partnership_id"])}
                       for r in rows), "owner")
    owners: dict[int, list] = defaultdict(list)
    for b, pair_ids in ctx.pairs_of().items():
        owners[b] += [("pair", p) for p in pair_ids]
    for b, ids in ctx.partnerships_of().items():
        owners[b] += [("partnership", p) for p in ids]
    return _per_owner_counts(ctx, owners, by_owner, "pairing.jointmeeting",
                             lambda r: f"{r['date']:%Y-%m-%d} {r['topic']}")


def overdue_rectifications(ctx: Context) -> dict[int, Fact]:
    """Rectifications past their deadline before the quarter's end and not closed as of that day."""
    facts = {b: Fact() for b in ctx.branches}
    try:
        Rectification = apps.get_model("supervision", "Rectification")
    except LookupError:  # the supervision app has no rectifications yet
        return facts
    end = ctx.quarter.end
    closed_by_end = Q(state="closed") & (Q(closed_at__isnull=True) | Q(closed_at__date__lte=end))
    rows = Rectification.objects.filter(deadline__lt=end).exclude(closed_by_end).values(
        "id", "branch_id", "title", "deadline").order_by("deadline", "id")
    for r in rows:
        fact = facts.get(r["branch_id"])
        if fact is not None:
            fact.instances += 1
            fact.evidence.append(ref("supervision.rectification", r["id"], f"{r['deadline']:%Y-%m-%d} {r['title']}"))
    return facts


SOURCES: dict[str, tuple[Callable[[Context], dict[int, Fact]], tuple[str, ...]]] = {
    "pair_joint_activities": (pair_joint_activities, ("count_target",)),
    "partnership_joint_activities": (partnership_joint_activities, ("count_target",)),
    "branch_activities": (branch_activities, ("count_target",)),
    "pair_plan_filed": (pair_plan_filed, ("on_time",)),
    "partnership_plan_filed": (partnership_plan_filed, ("on_time",)),
    "department_plan_filed": (department_plan_filed, ("on_time",)),
    "duty_targets_met": (duty_targets_met, ("ratio",)),
    "project_tasks_on_time": (project_tasks_on_time, ("ratio",)),
    "problems_solved": (problems_solved, ("count_target",)),
    "information_exchanges": (information_exchanges, ("count_target",)),
    "joint_meetings": (joint_meetings, ("count_target",)),
    "overdue_rectifications": (overdue_rectifications, ("deduction_per",)),
}
