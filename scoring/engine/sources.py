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
from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
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
    """What a source found for one branch; made tens of thousands of times per compile, so kept plain.

    `obligated` is False when the branch has nothing this source scores (no pair, no partnership, not an
    office branch): the item's `no_obligation` says what it gives then, whatever the method."""

    __slots__ = ("counts", "filed", "done", "due", "instances", "scope", "obligated")

    def __init__(self, counts: Sequence[int] = (), filed: Sequence[date | None] = (), done: int = 0, due: int = 0,
                 instances: int = 0, scope: dict | None = None, obligated: bool = True):
        self.counts = tuple(counts)  # count_target: one count per obligation
        self.filed = tuple(filed)  # on_time: one filing date per obligation
        self.done = done  # ratio
        self.due = due  # ratio
        self.instances = instances  # deduction_per
        self.scope = scope if scope is not None else NO_SCOPE  # the owners counted: {"pairs": [..]}, {"unit": id}
        self.obligated = obligated

    @property
    def key(self) -> tuple:
        """Equal for facts that score the same under any method (outcomes are shared by it)."""
        return (self.counts, self.filed, self.done, self.due, self.instances, self.obligated)

    def __repr__(self) -> str:
        return (f"Fact(counts={self.counts}, filed={self.filed}, done={self.done}, due={self.due}, "
                f"instances={self.instances}, scope={self.scope}, obligated={self.obligated})")


UNITS = ("records", "months", "weeks", "kinds", "categories")
WINDOWS = ("quarter", "year")


@dataclass(frozen=True)
class Query:
    """What a counting item asks of its source: which records (kinds, categories), counted how (records,
    distinct months/weeks/kinds/categories covered) and over which window (the quarter, or the year to date)."""

    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    unit: str = "records"
    window: str = "quarter"

    @property
    def filtered(self) -> bool:
        return self != PLAIN

    def as_scope(self) -> dict:
        """Stored with the evidence scope when it differs from the plain query (so the same records are listed)."""
        out: dict = {}
        if self.kinds:
            out["kinds"] = list(self.kinds)
        if self.categories:
            out["categories"] = list(self.categories)
        if self.window != "quarter":
            out["window"] = self.window
        return out

    @classmethod
    def from_scope(cls, scope: dict) -> Query:
        return cls(kinds=tuple(scope.get("kinds", ())), categories=tuple(scope.get("categories", ())),
                   window=scope.get("window", "quarter"))


PLAIN = Query()


def ref(model: str, pk: int, label: str, **shown_on) -> dict:
    return {"model": model, "id": pk, "label": label[:200], **shown_on}


class Context:
    """What every source needs, loaded once: the quarter, branches, and the year's pairs and partnerships."""

    def __init__(self, quarter: Quarter, branches: dict[int, dict], as_of: date | None = None,
                 limited: bool = False):
        self.quarter = quarter
        self.branches = branches
        # Scoring a few branches (the branch home): counts are limited to their own owners.
        self.limited = limited
        # A quarter still running is scored to date: only what was due by this day counts.
        self.as_of = min(quarter.end, as_of) if as_of else quarter.end
        self._pairs_of: dict[int, list[int]] | None = None
        self._partnerships_of: dict[int, list[int]] | None = None
        self._scopes: dict[tuple, dict] = {}

    @property
    def running(self) -> bool:
        return self.as_of < self.quarter.end

    @property
    def window(self) -> tuple[date, date]:
        return (self.quarter.start, self.as_of)

    def span(self, q: Query) -> tuple[date, date]:
        start = self.quarter.start if q.window == "quarter" else date(self.quarter.year, 1, 1)
        return (start, self.as_of)

    def months(self, q: Query) -> list[int]:
        start, end = self.span(q)
        return list(range(start.month, end.month + 1))

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

    def scope_of(self, name: str, owners: list, q: Query = PLAIN) -> dict:
        """scope(**{name: owners}) without building keyword arguments: called once per branch and source.
        With a filtered query or a quarter still running, the scope says so (evidence lists the same records)."""
        extra = self.extra(q)
        key = (name, tuple(owners), repr(extra)) if extra else (name, tuple(owners))
        found = self._scopes.get(key)
        if found is None:
            found = self._scopes[key] = {name: list(owners), **extra}
        return found

    def extra(self, q: Query = PLAIN) -> dict:
        out = q.as_scope() if q is not PLAIN else {}
        if self.running:
            out["to"] = self.as_of.isoformat()
        return out

    def owned(self, qs, field: str, owners: str):
        """`qs` limited to the rows of these branches' owners ("pairs", "partnerships" or "branches") when
        only a few branches are scored; unchanged for a whole compile."""
        if not self.limited:
            return qs
        if owners == "branches":
            ids = list(self.branches)
        else:
            of = self.pairs_of() if owners == "pairs" else self.partnerships_of()
            ids = sorted({o for b in self.branches for o in of.get(b, [])})
        return qs.filter(**{f"{field}__in": ids})

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


def _counted(qs, key: str, measure=None) -> dict:
    """{owner: n} of a queryset grouped in SQL by `key`; `measure` is what is counted (rows by default)."""
    return dict(qs.order_by().values_list(key).annotate(n=measure or Count("pk")).values_list(key, "n"))


def _measure(q: Query, prefix: str = ""):
    """What a counting item counts, as an aggregate over activities (`prefix` leads from the rows to them)."""
    if q.unit == "months":
        return Count(TruncMonth(f"{prefix}date"), distinct=True)
    if q.unit == "weeks":
        return Count(TruncWeek(f"{prefix}date"), distinct=True)
    if q.unit == "kinds":
        return Count(f"{prefix}kind", distinct=True)
    if q.unit == "categories":
        return Count(f"{prefix}kind__categories", distinct=True)
    return Count(f"{prefix}id", distinct=True)


def _activity_filter(ctx_or_span, q: Query, prefix: str = "") -> Q:
    span = ctx_or_span.span(q) if isinstance(ctx_or_span, Context) else ctx_or_span
    cond = Q(**{f"{prefix}date__range": span})
    if q.kinds:
        cond &= Q(**{f"{prefix}kind__code__in": q.kinds})
    if q.categories:
        cond &= Q(**{f"{prefix}kind__categories__code__in": q.categories})
    return cond


def _span(quarter: Quarter, scope: dict) -> tuple[date, date]:
    """The window a stored scope counted over: the quarter (or the year) up to its end or the day it says."""
    start = date(quarter.year, 1, 1) if scope.get("window") == "year" else quarter.start
    return (start, date.fromisoformat(scope["to"]) if scope.get("to") else quarter.end)


def _per_owner(ctx: Context, owners_of: dict[int, list], counts: dict, scope_key: str,
               q: Query = PLAIN) -> dict[int, Fact]:
    facts: dict[int, Fact] = {}
    none = None  # one Fact shared by every branch without owners (most branches, for partnerships)
    for branch_id in ctx.branches:
        owners = owners_of.get(branch_id)
        if not owners:
            facts[branch_id] = none = none or Fact(scope=ctx.scope_of(scope_key, [], q), obligated=False)
            continue
        facts[branch_id] = Fact(counts=[counts.get(o, 0) for o in owners], scope=ctx.scope_of(scope_key, owners, q))
    return facts


def _activity_label(r: dict) -> str:
    return f"{r['date']:%Y-%m-%d} {r['title']}"


# --- pair and partnership activities ------------------------------------------------------------------

def pair_joint_activities(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    counts = _counted(ctx.owned(Activity.objects.filter(_activity_filter(ctx, q), kind__counts_as_joint=True,
                                                        pair__year=ctx.quarter.year), "pair", "pairs"),
                      "pair_id", _measure(q))
    return _per_owner(ctx, ctx.pairs_of(), counts, "pairs", q)


def partnership_joint_activities(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    counts = _counted(ctx.owned(Activity.objects.filter(_activity_filter(ctx, q), kind__counts_as_joint=True,
                                                        partnership__year=ctx.quarter.year), "partnership",
                                "partnerships"), "partnership_id", _measure(q))
    return _per_owner(ctx, ctx.partnerships_of(), counts, "partnerships", q)


def branch_activities(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    counts = _counted(ctx.owned(Activity.branches.through.objects.filter(_activity_filter(ctx, q, "activity__")),
                                "branch", "branches"), "branch_id", _measure(q, "activity__"))
    scope = ctx.scope(**ctx.extra(q)) if ctx.extra(q) else None
    by_count: dict[int, Fact] = {}  # one Fact per distinct count, shared by the branches that have it
    return {b: by_count.get(n) or by_count.setdefault(n, Fact(counts=[n], scope=scope))
            for b in ctx.branches for n in (counts.get(b, 0),)}


def _activities_evidence(quarter: Quarter, owner_field: str, owners: list[int], scope: dict) -> list[dict]:
    rows = Activity.objects.filter(_activity_filter(_span(quarter, scope), Query.from_scope(scope)),
                                   **{f"{owner_field}__in": owners}, kind__counts_as_joint=True,
                                   **{f"{owner_field}__year": quarter.year}).values(
        "id", owner_field, "date", "title").distinct().order_by("date", "id")
    return _in_owner_order(rows, owner_field, owners, "pairing.activity", _activity_label)


def _in_owner_order(rows, key: str, owners: list, model: str, label: Callable[[dict], str],
                    shown_on: Callable[[dict], dict] | None = None) -> list[dict]:
    by_owner: dict = defaultdict(list)
    for r in rows:
        by_owner[r[key]].append(r)
    return [ref(model, r["id"], label(r), **(shown_on(r) if shown_on else {}))
            for o in owners for r in by_owner.get(o, [])]


def _branch_activities_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    rows = Activity.objects.filter(_activity_filter(_span(quarter, scope), Query.from_scope(scope)),
                                   branches=branch_id).values("id", "date", "title").distinct().order_by("date", "id")
    return [ref("pairing.activity", r["id"], _activity_label(r)) for r in rows]


# --- annual plans -----------------------------------------------------------------------------------

def _plans_filed(ctx: Context, owners_of: dict[int, list[int]], key: str) -> dict[int, Fact]:
    filed = dict(AnnualPlan.objects.filter(**{f"{key}__isnull": False, "year": ctx.quarter.year})
                 .values_list(key, "filed_on"))
    end = ctx.as_of
    facts: dict[int, Fact] = {}
    none = None  # shared by the branches without owners
    for branch_id in ctx.branches:
        owners = owners_of.get(branch_id)
        if not owners:
            facts[branch_id] = none = none or Fact(scope=ctx.scope_of(key + "s", []), obligated=False)
            continue
        dates = []
        for owner in owners:
            filed_on = filed.get(owner)
            if filed_on and filed_on > end:  # as of the quarter's end
                filed_on = None
            dates.append(filed_on)
        facts[branch_id] = Fact(filed=dates, scope=ctx.scope_of(key + "s", owners))
    return facts


def pair_plan_filed(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    return _plans_filed(ctx, ctx.pairs_of(), "pair")


def partnership_plan_filed(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    return _plans_filed(ctx, ctx.partnerships_of(), "partnership")


def _owner_labels(key: str, owners: list[int]) -> dict[int, str]:
    if key == "pair":
        return {p["id"]: p["name"] or p["lead_branch__name"]
                for p in Pair.objects.filter(pk__in=owners).values("id", "name", "lead_branch__name")}
    return dict(Partnership.objects.filter(pk__in=owners).values_list("id", "external_org__name"))


def _plans_evidence(quarter: Quarter, key: str, owners: list[int], scope: dict) -> list[dict]:
    end = _span(quarter, scope)[1]
    labels = _owner_labels(key, owners)
    plans = {p[key]: p for p in AnnualPlan.objects.filter(**{f"{key}__in": owners, "year": quarter.year})
             .values("id", key, "filed_on")}
    out = []
    for owner in owners:
        plan = plans.get(owner)
        if plan:
            filed_on = plan["filed_on"]
            if filed_on and filed_on > end:
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


def department_plan_filed(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    filed = {unit_id: filed_on for unit_id, filed_on in KeyWorkPlan.objects.filter(year=ctx.quarter.year)
             .values_list("unit_id", "filed_on")}
    none = Fact(obligated=False)  # not an office branch: no department plan to file
    facts = dict.fromkeys(ctx.branches, none)
    for unit_id, branch_ids in _department_branches(ctx).items():
        filed_on = filed.get(unit_id)
        if filed_on and filed_on > ctx.as_of:
            filed_on = None
        for b in branch_ids:
            facts[b] = Fact(filed=[filed_on], scope=ctx.scope(unit=unit_id, **ctx.extra()))
    return facts


def _department_plan_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    if scope.get("unit") is None:
        return []
    return [ref("branches.keyworkplan", p["id"], p["title"], unit=scope["unit"], year=quarter.year)
            for p in KeyWorkPlan.objects.filter(year=quarter.year, unit_id=scope["unit"]).values("id", "title")]


def _month_end(year: int, month: int) -> date:
    return date(year, 12, 31) if month == 12 else date(year, month + 1, 1) - timedelta(days=1)


def _due_months(quarter: Quarter, as_of: date) -> list[int]:
    """The quarter's months whose targets were due by `as_of`: a month's target is due at the month's end."""
    return [m for m in quarter.months if _month_end(quarter.year, m) <= as_of]


def _met_on_time(year: int, months: list[int]) -> Q:
    """Done, and done by the end of its month when the completion day is known (按期)."""
    by_month = Q(pk__in=[])
    for m in months:
        by_month |= Q(month=m) & (Q(completed_on__isnull=True) | Q(completed_on__lte=_month_end(year, m)))
    return Q(status=MonthlyTarget.Status.DONE) & by_month


def duty_targets_met(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    months = _due_months(ctx.quarter, ctx.as_of)
    by_unit = {r["task__plan__unit_id"]: r for r in MonthlyTarget.objects.filter(
        task__plan__year=ctx.quarter.year, month__in=months).order_by().values(
        "task__plan__unit_id").annotate(due=Count("pk"), done=Count("pk", filter=_met_on_time(ctx.quarter.year,
                                                                                            months)))}
    none = Fact(obligated=False)  # not an office branch: no department targets
    facts = dict.fromkeys(ctx.branches, none)
    for unit_id, branch_ids in _department_branches(ctx).items():
        row = by_unit.get(unit_id, {"done": 0, "due": 0})
        for b in branch_ids:
            facts[b] = Fact(done=row["done"], due=row["due"], scope=ctx.scope(unit=unit_id, **ctx.extra()))
    return facts


def _duty_targets_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    if scope.get("unit") is None:
        return []
    months = _due_months(quarter, _span(quarter, scope)[1])
    met = set(MonthlyTarget.objects.filter(_met_on_time(quarter.year, months), task__plan__year=quarter.year,
                                           task__plan__unit_id=scope["unit"]).values_list("pk", flat=True))
    rows = MonthlyTarget.objects.filter(task__plan__year=quarter.year, task__plan__unit_id=scope["unit"],
                                        month__in=months).values(
        "id", "month", "status", "target", "task__number").order_by("task__number", "month")
    when = gettext("%(task)s-%(month)s月")
    return [ref("branches.monthlytarget", t["id"],
                f"{'✓' if t['id'] in met else '✗'} "
                f"{when % {'task': t['task__number'], 'month': t['month']}} {t['target']}",
                unit=scope["unit"], year=quarter.year, month=t["month"]) for t in rows]


# --- pair work ---------------------------------------------------------------------------------------

def _on_time() -> Q:
    return Q(status=ProjectTask.Status.DONE, completed_on__isnull=False, completed_on__lte=F("due_date"))


def project_tasks_on_time(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    tasks = ctx.owned(ProjectTask.objects.filter(project__pair__year=ctx.quarter.year, due_date__range=ctx.window),
                      "project__pair", "pairs")
    by_pair = {r["project__pair_id"]: (r["due"], r["done"]) for r in tasks.order_by().values(
        "project__pair_id").annotate(due=Count("pk"), done=Count("pk", filter=_on_time()))}
    facts: dict[int, Fact] = {}
    pairs_of = ctx.pairs_of()
    none = None  # shared by the branches without pairs
    for branch_id in ctx.branches:
        owners = pairs_of.get(branch_id)
        if not owners:
            facts[branch_id] = none = none or Fact(scope=ctx.scope_of("pairs", []), obligated=False)
            continue
        due = done = 0
        for pair_id in owners:
            n_due, n_done = by_pair.get(pair_id, (0, 0))
            due += n_due
            done += n_done
        facts[branch_id] = Fact(done=done, due=due, scope=ctx.scope_of("pairs", owners, PLAIN))
    return facts


def _project_tasks_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    owners = scope.get("pairs", [])
    rows = ProjectTask.objects.filter(project__pair__in=owners, project__pair__year=quarter.year,
                                      due_date__range=_span(quarter, scope)).values(
        "id", "title", "status", "due_date", "completed_on", "project__pair_id").order_by("due_date", "id")

    def label(t: dict) -> str:
        on_time = (t["status"] == ProjectTask.Status.DONE and t["completed_on"] is not None
                   and t["completed_on"] <= t["due_date"])
        return f"{'✓' if on_time else '✗'} {t['due_date']:%Y-%m-%d} {t['title']}"

    return _in_owner_order(rows, "project__pair_id", owners, "pairing.projecttask", label,
                           lambda t: {"pair": t["project__pair_id"]})


def _problems(year: int, span: tuple[date, date]) -> Q:
    return Q(pair__year=year, status=Problem.Status.SOLVED, solved_on__range=span)


def _dated_measure(q: Query, field: str):
    if q.unit == "months":
        return Count(TruncMonth(field), distinct=True)
    if q.unit == "weeks":
        return Count(TruncWeek(field), distinct=True)
    return Count("pk")


def problems_solved(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    counts = _counted(ctx.owned(Problem.objects.filter(_problems(ctx.quarter.year, ctx.span(q))), "pair", "pairs"),
                      "pair_id", _dated_measure(q, "solved_on"))
    return _per_owner(ctx, ctx.pairs_of(), counts, "pairs", q)


def _problems_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    owners = scope.get("pairs", [])
    rows = Problem.objects.filter(_problems(quarter.year, _span(quarter, scope)), pair__in=owners).values(
        "id", "pair_id", "title", "solved_on").order_by("solved_on", "id")
    return _in_owner_order(rows, "pair_id", owners, "pairing.problem", lambda r: f"{r['solved_on']:%Y-%m-%d} {r['title']}",
                           lambda r: {"pair": r["pair_id"]})


def _exchanges(year: int, span: tuple[date, date]) -> Q:
    return Q(partnership__year=year, period_year=year, period_month__in=range(span[0].month, span[1].month + 1))


def information_exchanges(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    measure = Count("period_month", distinct=True) if q.unit == "months" else Count("pk")
    counts = _counted(ctx.owned(InformationExchange.objects.filter(_exchanges(ctx.quarter.year, ctx.span(q))),
                                "partnership", "partnerships"), "partnership_id", measure)
    return _per_owner(ctx, ctx.partnerships_of(), counts, "partnerships", q)


def _exchanges_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    owners = scope.get("partnerships", [])
    kinds = {value: str(label) for value, label in InformationExchange.Kind.choices}
    rows = InformationExchange.objects.filter(_exchanges(quarter.year, _span(quarter, scope)),
                                              partnership__in=owners).values(
        "id", "partnership_id", "kind", "period_month").order_by("period_month", "kind", "id")
    month = gettext("%(m)s月")
    return _in_owner_order(rows, "partnership_id", owners, "pairing.informationexchange",
                           lambda r: f"{month % {'m': r['period_month']}} {kinds.get(r['kind'], r['kind'])}",
                           lambda r: {"partnership": r["partnership_id"]})


def joint_meetings(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    meetings = JointMeeting.objects.filter(date__range=ctx.span(q)).filter(
        Q(pair__year=ctx.quarter.year) | Q(partnership__year=ctx.quarter.year))
    if ctx.limited:
        meetings = meetings.filter(Q(pk__in=ctx.owned(JointMeeting.objects.all(), "pair", "pairs").values("pk"))
                                   | Q(pk__in=ctx.owned(JointMeeting.objects.all(), "partnership", "partnerships")
                                       .values("pk")))
    rows = meetings.order_by().values("pair_id", "partnership_id").annotate(n=_dated_measure(q, "date"))
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
                        scope=ctx.scope(pairs=pairs, partnerships=partnerships, **ctx.extra(q)),
                        obligated=bool(pairs or partnerships))
    return facts


def _meetings_evidence(quarter: Quarter, branch_id: int, scope: dict) -> list[dict]:
    pairs, partnerships = scope.get("pairs", []), scope.get("partnerships", [])
    rows = JointMeeting.objects.filter(date__range=_span(quarter, scope)).filter(
        Q(pair__in=pairs, pair__year=quarter.year) | Q(partnership__in=partnerships, partnership__year=quarter.year)
    ).values("id", "pair_id", "partnership_id", "date", "topic").order_by("date", "id")
    rows = [{**r, "owner": ("pair", r["pair_id"]) if r["pair_id"] else ("partnership", r["partnership_id"])}
            for r in rows]
    owners = [("pair", p) for p in pairs] + [("partnership", p) for p in partnerships]
    return _in_owner_order(rows, "owner", owners, "pairing.jointmeeting", lambda r: f"{r['date']:%Y-%m-%d} {r['topic']}",
                           lambda r: {r["owner"][0]: r["owner"][1]})


# --- supervision -----------------------------------------------------------------------------------

def _overdue(end: date):
    """Rectifications past their deadline before `end` (the quarter's end, or the day a running quarter is
    scored to) and not closed as of that day (or None)."""
    try:
        Rectification = apps.get_model("supervision", "Rectification")
    except LookupError:  # the supervision app has no rectifications yet
        return None
    closed_by_end = Q(state="closed") & (Q(closed_at__isnull=True) | Q(closed_at__date__lte=end))
    return Rectification.objects.filter(deadline__lt=end).exclude(closed_by_end)


def overdue_rectifications(ctx: Context, q: Query = PLAIN) -> dict[int, Fact]:
    """Few rows (open findings), so their ids are kept: rectifications move on after the quarter is
    published (only visits and findings are locked with it)."""
    qs = _overdue(ctx.as_of)
    qs = None if qs is None else ctx.owned(qs, "branch", "branches")
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
