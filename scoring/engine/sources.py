"""Record sources of the engine, each computed for ALL branches of a quarter with a fixed number of queries.

A source counts in SQL (one GROUP BY per owner: pair, partnership, unit or branch) and returns
{branch_id: Fact}. Pair sources give every branch of the pair the same fact (连带).

The records behind a count are not copied into the snapshot. Each fact carries a small `scope`
(the owners it counted: pair, partnership or unit ids, as of the compile); the snapshot stores
`{"source": key, **scope}` and `evidence_for()` lists the very records again when a branch's score
is shown: one query for that branch, with the same filters as the count. The records of a published
quarter are read-only (scoring.locks) and the scope is stored, so the list is the one that was counted.
Evidence refs are {"model": "app.model", "id": pk, "label": text}, plus where the record is shown when that
is another record's page ("pair" / "partnership" id; "unit", "year", "month" of a department's key work);
scoring.links turns them into links. Labels are made when the page asks, in its language (their words
translated once per list, not per record).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date

from django.apps import apps
from django.db.models import Count, F, Q
from django.utils.translation import gettext

from branches.models import Branch, KeyWorkPlan, MonthlyTarget
from branches.periods import Quarter
from pairing.models import (
    Activity,
    AnnualPlan,
    InformationExchange,
    JointMeeting,
    Pair,
    Partnership,
    Problem,
    ProjectTask,
)

NO_SCOPE: dict = {}  # shared; never changed


class Fact:
    """What a source found for one branch; made tens of thousands of times per compile, so kept plain."""

    __slots__ = ("counts", "filed", "done", "due", "instances", "scope")

    def __init__(self, counts: Sequence[int] = (), filed: Sequence[date | None] = (), done: int = 0, due: int = 0,
                 instances: int = 0, scope: dict | None = None):
        self.counts = tuple(counts)  # count_target: one count per obligation
        self.filed = tuple(filed)  # on_time: one filing date per obligation
        self.done = done  # ratio
        self.due = due  # ratio
        self.instances = instances  # deduction_per
        self.scope = scope if scope is not None else NO_SCOPE  # the owners counted: {"pairs": [..]}, {"unit": id}

    def __repr__(self) -> str:
        return (f"Fact(counts={self.counts}, filed={self.filed}, done={self.done}, due={self.due}, "
                f"instances={self.instances}, scope={self.scope})")


def ref(model: str, pk: int, label: str, **shown_on) -> dict:
    return {"model": model, "id": pk, "label": label[:200], **shown_on}


class Context:
    """What every source needs, loaded once: the quarter, branches, and the year's pairs and partnerships."""

    def __init__(self, quarter: Quarter, branches: dict[int, dict]):
        self.quarter = quarter
        self.branches = branches
        self._pairs_of: dict[int, list[int]] | None = None
        self._partnerships_of: dict[int, list[int]] | None = None
        self._scopes: dict[tuple, dict] = {}

    @property
    def window(self) -> tuple[date, date]:
        return (self.quarter.start, self.quarter.end)

    def scope(self, **owners) -> dict:
        """One shared dict per distinct scope (branches of one pair share theirs; the snapshot writes its
        text once)."""
        key = []
        for name, value in owners.items():
            key.append(name)
            key.append(tuple(value) if value.__class__ is list else value)
        key = tuple(key)  # one list: the same key as scope_of(name, value)
        found = self._scopes.get(key)
        if found is None:
            found = self._scopes[key] = {k: list(v) if isinstance(v, list) else v for k, v in owners.items()}
        return found

    def scope_of(self, name: str, owners: list) -> dict:
        """scope(**{name: owners}) without building keyword arguments: called once per branch and source."""
        key = (name, tuple(owners))
        found = self._scopes.get(key)
        if found is None:
            found = self._scopes[key] = {name: list(owners)}
        return found

    def pairs_of(self) -> dict[int, list[int]]:
        """{branch_id: [pair_id, ...]} of the quarter's year: lead branch and grassroots branches (1 query)."""
        if self._pairs_of is None:
            out: dict[int, list[int]] = defaultdict(list)
            rows = Pair.objects.filter(year=self.quarter.year).values_list(
                "id", "lead_branch_id", "grassroots_links__branch_id").order_by("id", "grassroots_links__id")
            last = None
            for pair_id, lead_id, member_id in rows:
                if pair_id != last:
                    out[lead_id].append(pair_id)
                    last = pair_id
                if member_id is not None:
                    out[member_id].append(pair_id)
            self._pairs_of = out
        return self._pairs_of

    def partnerships_of(self) -> dict[int, list[int]]:
        if self._partnerships_of is None:
            out: dict[int, list[int]] = defaultdict(list)
            for pid, branch_id in Partnership.objects.filter(year=self.quarter.year).values_list(
                    "id", "branch_id").order_by("id"):
                out[branch_id].append(pid)
            self._partnerships_of = out
        return self._partnerships_of


def _counted(qs, key: str) -> dict:
    """{owner: n} of a queryset grouped in SQL by `key`."""
    return dict(qs.order_by().values_list(key).annotate(n=Count("pk")).values_list(key, "n"))


def _per_owner(ctx: Context, owners_of: dict[int, list], counts: dict, scope_key: str) -> dict[int, Fact]:
    facts: dict[int, Fact] = {}
    none = None  # one Fact shared by every branch without owners (most branches, for partnerships)
    for branch_id in ctx.branches:
        owners = owners_of.get(branch_id)
        if not owners:
            facts[branch_id] = none = none or Fact(scope=ctx.scope_of(scope_key, []))
            continue
        facts[branch_id] = Fact(counts=[counts.get(o, 0) for o in owners], scope=ctx.scope_of(scope_key, owners))
    return facts


def _activity_label(r: dict) -> str:
    return f"{r['date']:%Y-%m-%d} {r['title']}"


# --- pair and partnership activities ------------------------------------------------------------------

def _joint_activities(ctx: Context) -> Q:
    return Q(kind__counts_as_joint=True, date__range=ctx.window)


def pair_joint_activities(ctx: Context) -> dict[int, Fact]:
    counts = _counted(Activity.objects.filter(_joint_activities(ctx), pair__year=ctx.quarter.year), "pair_id")
    return _per_owner(ctx, ctx.pairs_of(), counts, "pairs")


def partnership_joint_activities(ctx: Context) -> dict[int, Fact]:
    counts = _counted(Activity.objects.filter(_joint_activities(ctx), partnership__year=ctx.quarter.year),
                      "partnership_id")
    return _per_owner(ctx, ctx.partnerships_of(), counts, "partnerships")


def branch_activities(ctx: Context) -> dict[int, Fact]:
    counts = _counted(Activity.branches.through.objects.filter(activity__date__range=ctx.window), "branch_id")
    by_count: dict[int, Fact] = {}  # one Fact per distinct count, shared by the branches that have it
    return {b: by_count.get(n) or by_count.setdefault(n, Fact(counts=[n]))
            for b in ctx.branches for n in (counts.get(b, 0),)}


def _activities_evidence(quarter: Quarter, owner_field: str, owners: list[int]) -> list[dict]:
    window = (quarter.start, quarter.end)
    rows = Activity.objects.filter(**{f"{owner_field}__in": owners}, kind__counts_as_joint=True,
                                   date__range=window, **{f"{owner_field}__year": quarter.year}).values(
        "id", owner_field, "date", "title").order_by("date", "id")
    return _in_owner_order(rows, owner_field, owners, "pairing.activity", _activity_label)


def _in_owner_order(rows, key: str, owners: list, model: str, label: Callable[[dict], str],
                    shown_on: Callable[[dict], dict] | None = None) -> list[dict]:
    by_owner: dict = defaultdict(list)
    for r in rows:
        by_owner[r[key]].append(r)
    return [ref(model, r["id"], label(r), **(shown_on(r) if shown_on else {}))
            for o in owners for r in by_owner.get(o, [])]


def _branch_activities_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    rows = Activity.objects.filter(branches=branch_id, date__range=(quarter.start, quarter.end)).values(
        "id", "date", "title").order_by("date", "id")
    return [ref("pairing.activity", r["id"], _activity_label(r)) for r in rows]


# --- annual plans -----------------------------------------------------------------------------------

def _plans_filed(ctx: Context, owners_of: dict[int, list[int]], key: str) -> dict[int, Fact]:
    filed = dict(AnnualPlan.objects.filter(**{f"{key}__isnull": False, "year": ctx.quarter.year})
                 .values_list(key, "filed_on"))
    end = ctx.quarter.end
    facts: dict[int, Fact] = {}
    none = None  # shared by the branches without owners
    for branch_id in ctx.branches:
        owners = owners_of.get(branch_id)
        if not owners:
            facts[branch_id] = none = none or Fact(scope=ctx.scope_of(key + "s", []))
            continue
        dates = []
        for owner in owners:
            filed_on = filed.get(owner)
            if filed_on and filed_on > end:  # as of the quarter's end
                filed_on = None
            dates.append(filed_on)
        facts[branch_id] = Fact(filed=dates, scope=ctx.scope_of(key + "s", owners))
    return facts


def pair_plan_filed(ctx: Context) -> dict[int, Fact]:
    return _plans_filed(ctx, ctx.pairs_of(), "pair")


def partnership_plan_filed(ctx: Context) -> dict[int, Fact]:
    return _plans_filed(ctx, ctx.partnerships_of(), "partnership")


def _owner_labels(key: str, owners: list[int]) -> dict[int, str]:
    if key == "pair":
        return {p["id"]: p["name"] or p["lead_branch__name"]
                for p in Pair.objects.filter(pk__in=owners).values("id", "name", "lead_branch__name")}
    return dict(Partnership.objects.filter(pk__in=owners).values_list("id", "external_org__name"))


def _plans_evidence(quarter: Quarter, key: str, owners: list[int]) -> list[dict]:
    labels = _owner_labels(key, owners)
    plans = {p[key]: p for p in AnnualPlan.objects.filter(**{f"{key}__in": owners, "year": quarter.year})
             .values("id", key, "filed_on")}
    out = []
    for owner in owners:
        plan = plans.get(owner)
        if plan:
            filed_on = plan["filed_on"]
            if filed_on and filed_on > quarter.end:
                filed_on = None
            label = (f"{filed_on:%Y-%m-%d} " if filed_on else "") + labels.get(owner, "")
            out.append(ref("pairing.annualplan", plan["id"], label, **{key: owner}))
        else:
            out.append(ref(f"pairing.{key}", owner, labels.get(owner, "")))
    return out


# --- office departments (mode 1) -------------------------------------------------------------------

def _department_branches(ctx: Context) -> dict[int, list[int]]:
    """Office branches by their department (unit)."""
    out: dict[int, list[int]] = defaultdict(list)
    for b in ctx.branches.values():
        if b["kind"] == Branch.Kind.OFFICE:
            out[b["unit_id"]].append(b["id"])
    return out


def department_plan_filed(ctx: Context) -> dict[int, Fact]:
    filed = {unit_id: filed_on for unit_id, filed_on in KeyWorkPlan.objects.filter(year=ctx.quarter.year)
             .values_list("unit_id", "filed_on")}
    facts = {b: Fact() for b in ctx.branches}
    for unit_id, branch_ids in _department_branches(ctx).items():
        filed_on = filed.get(unit_id)
        if filed_on and filed_on > ctx.quarter.end:
            filed_on = None
        for b in branch_ids:
            facts[b] = Fact(filed=[filed_on], scope=ctx.scope(unit=unit_id))
    return facts


def _department_plan_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    if scope.get("unit") is None:
        return []
    return [ref("branches.keyworkplan", p["id"], p["title"], unit=scope["unit"], year=quarter.year)
            for p in KeyWorkPlan.objects.filter(year=quarter.year, unit_id=scope["unit"]).values("id", "title")]


def duty_targets_met(ctx: Context) -> dict[int, Fact]:
    by_unit = {r["task__plan__unit_id"]: r for r in MonthlyTarget.objects.filter(
        task__plan__year=ctx.quarter.year, month__in=ctx.quarter.months).order_by().values(
        "task__plan__unit_id").annotate(due=Count("pk"), done=Count("pk", filter=Q(status=MonthlyTarget.Status.DONE)))}
    facts = {b: Fact() for b in ctx.branches}
    for unit_id, branch_ids in _department_branches(ctx).items():
        row = by_unit.get(unit_id, {"done": 0, "due": 0})
        for b in branch_ids:
            facts[b] = Fact(done=row["done"], due=row["due"], scope=ctx.scope(unit=unit_id))
    return facts


def _duty_targets_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    if scope.get("unit") is None:
        return []
    rows = MonthlyTarget.objects.filter(task__plan__year=quarter.year, task__plan__unit_id=scope["unit"],
                                        month__in=quarter.months).values(
        "id", "month", "status", "target", "task__number").order_by("task__number", "month")
    when = gettext("%(task)s-%(month)s月")
    return [ref("branches.monthlytarget", t["id"],
                f"{'✓' if t['status'] == MonthlyTarget.Status.DONE else '✗'} "
                f"{when % {'task': t['task__number'], 'month': t['month']}} {t['target']}",
                unit=scope["unit"], year=quarter.year, month=t["month"]) for t in rows]


# --- pair work ---------------------------------------------------------------------------------------

def _on_time() -> Q:
    return Q(status=ProjectTask.Status.DONE, completed_on__isnull=False, completed_on__lte=F("due_date"))


def project_tasks_on_time(ctx: Context) -> dict[int, Fact]:
    by_pair = {r["project__pair_id"]: (r["due"], r["done"]) for r in ProjectTask.objects.filter(
        project__pair__year=ctx.quarter.year, due_date__range=ctx.window).order_by().values(
        "project__pair_id").annotate(due=Count("pk"), done=Count("pk", filter=_on_time()))}
    facts: dict[int, Fact] = {}
    pairs_of = ctx.pairs_of()
    none = None  # shared by the branches without pairs
    for branch_id in ctx.branches:
        owners = pairs_of.get(branch_id)
        if not owners:
            facts[branch_id] = none = none or Fact(scope=ctx.scope_of("pairs", []))
            continue
        due = done = 0
        for pair_id in owners:
            n_due, n_done = by_pair.get(pair_id, (0, 0))
            due += n_due
            done += n_done
        facts[branch_id] = Fact(done=done, due=due, scope=ctx.scope_of("pairs", owners))
    return facts


def _project_tasks_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    owners = scope.get("pairs", [])
    rows = ProjectTask.objects.filter(project__pair__in=owners, project__pair__year=quarter.year,
                                      due_date__range=(quarter.start, quarter.end)).values(
        "id", "title", "status", "due_date", "completed_on", "project__pair_id").order_by("due_date", "id")

    def label(t: dict) -> str:
        on_time = (t["status"] == ProjectTask.Status.DONE and t["completed_on"] is not None
                   and t["completed_on"] <= t["due_date"])
        return f"{'✓' if on_time else '✗'} {t['due_date']:%Y-%m-%d} {t['title']}"

    return _in_owner_order(rows, "project__pair_id", owners, "pairing.projecttask", label,
                           lambda t: {"pair": t["project__pair_id"]})


def _problems(quarter: Quarter) -> Q:
    return Q(pair__year=quarter.year, status=Problem.Status.SOLVED, solved_on__range=(quarter.start, quarter.end))


def problems_solved(ctx: Context) -> dict[int, Fact]:
    return _per_owner(ctx, ctx.pairs_of(), _counted(Problem.objects.filter(_problems(ctx.quarter)), "pair_id"),
                      "pairs")


def _problems_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    owners = scope.get("pairs", [])
    rows = Problem.objects.filter(_problems(quarter), pair__in=owners).values(
        "id", "pair_id", "title", "solved_on").order_by("solved_on", "id")
    return _in_owner_order(rows, "pair_id", owners, "pairing.problem", lambda r: f"{r['solved_on']:%Y-%m-%d} {r['title']}",
                           lambda r: {"pair": r["pair_id"]})


def _exchanges(quarter: Quarter) -> Q:
    return Q(partnership__year=quarter.year, period_year=quarter.year, period_month__in=quarter.months)


def information_exchanges(ctx: Context) -> dict[int, Fact]:
    counts = _counted(InformationExchange.objects.filter(_exchanges(ctx.quarter)), "partnership_id")
    return _per_owner(ctx, ctx.partnerships_of(), counts, "partnerships")


def _exchanges_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    owners = scope.get("partnerships", [])
    kinds = {value: str(label) for value, label in InformationExchange.Kind.choices}
    rows = InformationExchange.objects.filter(_exchanges(quarter), partnership__in=owners).values(
        "id", "partnership_id", "kind", "period_month").order_by("period_month", "kind", "id")
    month = gettext("%(m)s月")
    return _in_owner_order(rows, "partnership_id", owners, "pairing.informationexchange",
                           lambda r: f"{month % {'m': r['period_month']}} {kinds.get(r['kind'], r['kind'])}",
                           lambda r: {"partnership": r["partnership_id"]})


def joint_meetings(ctx: Context) -> dict[int, Fact]:
    rows = JointMeeting.objects.filter(date__range=ctx.window).filter(
        Q(pair__year=ctx.quarter.year) | Q(partnership__year=ctx.quarter.year)).order_by().values(
        "pair_id", "partnership_id").annotate(n=Count("pk"))
    by_pair, by_partnership = defaultdict(int), defaultdict(int)
    for r in rows:
        if r["pair_id"]:
            by_pair[r["pair_id"]] += r["n"]
        else:
            by_partnership[r["partnership_id"]] += r["n"]
    pairs_of, partnerships_of = ctx.pairs_of(), ctx.partnerships_of()
    facts: dict[int, Fact] = {}
    for b in ctx.branches:
        pairs, partnerships = pairs_of.get(b, []), partnerships_of.get(b, [])
        facts[b] = Fact(counts=[by_pair.get(p, 0) for p in pairs] + [by_partnership.get(p, 0) for p in partnerships],
                        scope=ctx.scope(pairs=pairs, partnerships=partnerships))
    return facts


def _meetings_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    pairs, partnerships = scope.get("pairs", []), scope.get("partnerships", [])
    rows = JointMeeting.objects.filter(date__range=(quarter.start, quarter.end)).filter(
        Q(pair__in=pairs, pair__year=quarter.year) | Q(partnership__in=partnerships, partnership__year=quarter.year)
    ).values("id", "pair_id", "partnership_id", "date", "topic").order_by("date", "id")
    rows = [{**r, "owner": ("pair", r["pair_id"]) if r["pair_id"] else ("partnership", r["partnership_id"])}
            for r in rows]
    owners = [("pair", p) for p in pairs] + [("partnership", p) for p in partnerships]
    return _in_owner_order(rows, "owner", owners, "pairing.jointmeeting", lambda r: f"{r['date']:%Y-%m-%d} {r['topic']}",
                           lambda r: {r["owner"][0]: r["owner"][1]})


# --- supervision -----------------------------------------------------------------------------------

def _overdue(quarter: Quarter):
    """Rectifications past their deadline before the quarter's end and not closed as of that day (or None)."""
    try:
        Rectification = apps.get_model("supervision", "Rectification")
    except LookupError:  # the supervision app has no rectifications yet
        return None
    end = quarter.end
    closed_by_end = Q(state="closed") & (Q(closed_at__isnull=True) | Q(closed_at__date__lte=end))
    return Rectification.objects.filter(deadline__lt=end).exclude(closed_by_end)


def overdue_rectifications(ctx: Context) -> dict[int, Fact]:
    """Few rows (open findings), so their ids are kept: rectifications move on after the quarter is
    published (only visits and findings are locked with it)."""
    qs = _overdue(ctx.quarter)
    ids: dict[int, list[int]] = defaultdict(list)
    for branch_id, pk in ([] if qs is None else qs.order_by("deadline", "id").values_list("branch_id", "id")):
        ids[branch_id].append(pk)
    return {b: Fact(instances=len(ids[b]), scope={"ids": ids[b]}) if b in ids else Fact() for b in ctx.branches}


def _overdue_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    try:
        Rectification = apps.get_model("supervision", "Rectification")
    except LookupError:
        return []
    if "ids" not in scope:
        return []
    return [ref("supervision.rectification", r["id"], f"{r['deadline']:%Y-%m-%d} {r['title']}")
            for r in Rectification.objects.filter(pk__in=scope["ids"]).values("id", "title", "deadline")
            .order_by("deadline", "id")]


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

# source -> (quarter, branch_id, stored scope) -> the records behind the count, labelled
EVIDENCE: dict[str, Callable[[Quarter, int, dict], list[dict]]] = {
    "pair_joint_activities": lambda q, b, s: _activities_evidence(q, "pair", s.get("pairs", [])),
    "partnership_joint_activities": lambda q, b, s: _activities_evidence(q, "partnership", s.get("partnerships", [])),
    "branch_activities": _branch_activities_evidence,
    "pair_plan_filed": lambda q, b, s: _plans_evidence(q, "pair", s.get("pairs", [])),
    "partnership_plan_filed": lambda q, b, s: _plans_evidence(q, "partnership", s.get("partnerships", [])),
    "department_plan_filed": _department_plan_evidence,
    "duty_targets_met": _duty_targets_evidence,
    "project_tasks_on_time": _project_tasks_evidence,
    "problems_solved": _problems_evidence,
    "information_exchanges": _exchanges_evidence,
    "joint_meetings": _meetings_evidence,
    "overdue_rectifications": _overdue_evidence,
}


def evidence_for(stored, *, quarter: Quarter, branch_id: int) -> list[dict]:
    """The labelled records behind a stored item score: a list is returned as stored (manual scores, and
    snapshots written before evidence was re-derived); {"source": key, **scope} is listed again by query."""
    if isinstance(stored, list):
        return stored
    if not isinstance(stored, dict) or stored.get("source") not in EVIDENCE:
        return []
    return EVIDENCE[stored["source"]](quarter, branch_id, stored)
