"""Reads of the organisation department's console, dashboard, filing board and the department pages.

Every function here runs a fixed number of queries whatever the size of the organisation: counts are
aggregated in the database (``values().annotate()``) and joined in Python by primary key.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import (
    AssessmentContent,
    Branch,
    Duty,
    DutyEvidence,
    ExternalOrganization,
    FilingReview,
    KeyWorkPlan,
    KeyWorkTask,
    Member,
    MonthlyTarget,
    Notification,
    Role,
    Unit,
    YearSettings,
)
from branches.periods import Quarter, expected_by_quarter

PARTNERSHIP_MIN_MEMBERS_AWAY = 5


def safe_reverse(name: str, *args) -> str:
    """The url of a page another engineer owns, or "" while it does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def pace_quarter(*, year: int, today: date) -> Quarter:
    """The quarter pace is measured against: the quarter containing today in the current year, Q4 for a past
    year, and Q1 for a future year."""
    if year == today.year:
        return Quarter.of(today)
    if year < today.year:
        return Quarter(year, 4)
    return Quarter(year, 1)


# --------------------------------------------------------------------------------------------- organisation


def unit_list() -> QuerySet[Unit]:
    return Unit.objects.select_related("parent").annotate(branch_count=Count("branches")).order_by("sort_order", "code")


def branch_list(*, search: str = "", kind: str = "", unit_id: int | None = None) -> QuerySet[Branch]:
    qs = Branch.objects.select_related("unit", "secretary").annotate(member_count=Count("members"))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if kind:
        qs = qs.filter(kind=kind)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("code")


def member_list(
    *,
    search: str = "",
    branch_id: int | None = None,
    status: str = "",
    place: str = "",
    outside_org_id: int | None = None,
) -> QuerySet[Member]:
    qs = Member.objects.select_related("branch", "outside_org", "party_group")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(employee_no__icontains=search) | Q(phone__icontains=search))
    if branch_id:
        qs = qs.filter(branch_id=branch_id)
    if status:
        qs = qs.filter(status=status)
    if place:
        qs = qs.filter(place=place)
    if outside_org_id:
        qs = qs.filter(outside_org_id=outside_org_id)
    return qs.order_by("branch__code", "employee_no")


def external_org_list() -> QuerySet[ExternalOrganization]:
    return ExternalOrganization.objects.annotate(
        away_count=Count("members_working_away", filter=Q(members_working_away__status=Member.Status.WORKING_AWAY,
                                                          members_working_away__is_active=True))
    ).order_by("name")


def role_list(*, search: str = "", kind: str = "") -> QuerySet[Role]:
    qs = Role.objects.select_related("user", "branch", "unit", "member")
    if search:
        qs = qs.filter(
            Q(user__username__icontains=search) | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
        )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("user__username", "kind")


def console_counts() -> dict:
    User = get_user_model()
    return {
        "units": Unit.objects.count(),
        "branches": Branch.objects.count(),
        "members": Member.objects.filter(is_active=True).count(),
        "members_away": Member.objects.filter(is_active=True, status=Member.Status.WORKING_AWAY).count(),
        "external_orgs": ExternalOrganization.objects.count(),
        "users": User.objects.filter(roles__isnull=False).distinct().count(),
    }


# --------------------------------------------------------------------------------------------- year setup


def partnership_candidates(*, year: int) -> list[dict]:
    """Outside organisations where 5+ members of an HR service center branch work away, with the count,
    and whether a partnership already exists in the year."""
    from pairing.models import Partnership

    rows = (
        Member.objects.filter(status=Member.Status.WORKING_AWAY, is_active=True,
                              branch__kind=Branch.Kind.HR_CENTER, outside_org__isnull=False)
        .values("branch_id", "branch__name", "outside_org_id", "outside_org__name")
        .annotate(n=Count("id"))
        .order_by("branch__name", "-n", "outside_org__name")
    )
    existing = set(Partnership.objects.filter(year=year).values_list("branch_id", "external_org_id"))
    result = []
    for row in rows:
        result.append({
            "branch_id": row["branch_id"],
            "branch_name": row["branch__name"],
            "org_id": row["outside_org_id"],
            "org_name": row["outside_org__name"],
            "count": row["n"],
            "eligible": row["n"] >= PARTNERSHIP_MIN_MEMBERS_AWAY,
            "exists": (row["branch_id"], row["outside_org_id"]) in existing,
        })
    return result


def year_setup(*, year: int) -> dict:
    from pairing.models import Pair, Partnership

    pairs = list(
        Pair.objects.filter(year=year).select_related("lead_branch").prefetch_related("grassroots_branches")
        .order_by("lead_branch__code")
    )
    partnerships = list(
        Partnership.objects.filter(year=year).select_related("branch", "external_org").order_by("external_org__name")
    )
    counts = {
        (r["branch_id"], r["outside_org_id"]): r["n"]
        for r in Member.objects.filter(status=Member.Status.WORKING_AWAY, is_active=True)
        .values("branch_id", "outside_org_id").annotate(n=Count("id"))
    }
    for p in partnerships:
        p.current_count = counts.get((p.branch_id, p.external_org_id), 0)
    contents = list(
        AssessmentContent.objects.filter(year=year).select_related("unit", "duty").order_by("unit__sort_order", "unit__code", "id")
    )
    departments = list(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).order_by("sort_order", "code"))
    by_unit: dict[int, list] = defaultdict(list)
    for c in contents:
        by_unit[c.unit_id].append(c)
    paired_lead = {p.lead_branch_id for p in pairs}
    paired_grassroots = {b.pk for p in pairs for b in p.grassroots_branches.all()}
    unpaired_leads = list(
        Branch.objects.filter(kind__in=[Branch.Kind.OFFICE, Branch.Kind.DIRECT], is_active=True)
        .exclude(pk__in=paired_lead).order_by("code")
    )
    unpaired_grassroots = list(
        Branch.objects.filter(kind=Branch.Kind.GRASSROOTS, is_active=True).exclude(pk__in=paired_grassroots).order_by("code")
    )
    settings_row = YearSettings.objects.filter(year=year).first()
    return {
        "pairs": pairs,
        "partnerships": partnerships,
        "candidates": partnership_candidates(year=year),
        "departments": [{"unit": u, "contents": by_unit.get(u.pk, [])} for u in departments],
        "unpaired_leads": unpaired_leads,
        "unpaired_grassroots": unpaired_grassroots,
        "year_settings": settings_row,
        "deadline": settings_row.plan_deadline if settings_row else YearSettings.deadline_for(year),
        "last_year_pairs": Pair.objects.filter(year=year - 1).count(),
    }


# --------------------------------------------------------------------------------------------- filing board


@dataclass
class FilingRow:
    mode: str  # "pair" / "partnership" / "department"
    mode_label: str
    name: str
    status: str  # "on_time" / "late" / "missing"
    filed_on: date | None
    link: str
    branch_ids: list[int] = field(default_factory=list)
    unit_id: int | None = None
    item_key: str = ""
    plan_id: int | None = None
    review_state: str = ""  # FilingReview.Review: submitted / received / returned ("" while missing)
    return_reason: str = ""

    @property
    def review_label(self) -> str:
        return str(FilingReview.Review(self.review_state).label) if self.review_state else ""

    @property
    def status_label(self) -> str:
        return {"on_time": _("按时备案"), "late": _("逾期备案"), "missing": _("未备案")}[self.status]


def _filing_status(filed_on: date | None, deadline: date) -> str:
    if filed_on is None:
        return "missing"
    return "on_time" if filed_on <= deadline else "late"


def filing_board(*, year: int) -> dict:
    """Annual plans of all three modes: filed on time, filed late, or missing against the year's deadline."""
    from pairing.models import AnnualPlan, Pair, Partnership

    deadline = YearSettings.deadline_for(year)
    plans = list(AnnualPlan.objects.filter(year=year).values("id", "pair_id", "partnership_id", "filed_on",
                                                             "review_state", "return_reason"))
    by_pair = {p["pair_id"]: p["filed_on"] for p in plans if p["pair_id"]}
    by_partnership = {p["partnership_id"]: p["filed_on"] for p in plans if p["partnership_id"]}
    review = {("pair", p["pair_id"]) if p["pair_id"] else ("partnership", p["partnership_id"]): {
        "plan_id": p["id"], "review_state": p["review_state"], "return_reason": p["return_reason"]}
        for p in plans if p["filed_on"]}
    rows: list[FilingRow] = []
    for pair in Pair.objects.filter(year=year).select_related("lead_branch").prefetch_related("grassroots_links"):
        rows.append(FilingRow(
            mode="pair", mode_label=_("结对共建"), name=str(pair),
            status=_filing_status(by_pair.get(pair.pk), deadline), filed_on=by_pair.get(pair.pk),
            link=safe_reverse("pairing:pair_detail", pair.pk),
            branch_ids=[pair.lead_branch_id, *[g.branch_id for g in pair.grassroots_links.all()]],
            item_key=f"pair{pair.pk}", **review.get(("pair", pair.pk), {}),
        ))
    for ps in Partnership.objects.filter(year=year).select_related("branch", "external_org"):
        rows.append(FilingRow(
            mode="partnership", mode_label=_("党建共建"), name=f"{ps.branch.name} — {ps.external_org.name}",
            status=_filing_status(by_partnership.get(ps.pk), deadline), filed_on=by_partnership.get(ps.pk),
            link=safe_reverse("pairing:partnership_detail", ps.pk), branch_ids=[ps.branch_id],
            item_key=f"partnership{ps.pk}", **review.get(("partnership", ps.pk), {}),
        ))
    kw_plans = {p.unit_id: p for p in KeyWorkPlan.objects.filter(year=year)}
    department_home = safe_reverse("branches:department_home")
    for unit in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).order_by("sort_order", "code"):
        plan = kw_plans.get(unit.pk)
        filed_on = plan.filed_on if plan else None
        rows.append(FilingRow(
            mode="department", mode_label=_("党建+业务"), name=unit.name,
            status=_filing_status(filed_on, deadline), filed_on=filed_on,
            link=f"{department_home}?unit={unit.pk}&year={year}" if department_home else "",
            unit_id=unit.pk, item_key=f"unit{unit.pk}",
            **({"plan_id": plan.pk, "review_state": plan.review_state, "return_reason": plan.return_reason}
               if filed_on else {}),
        ))
    order = {"missing": 0, "late": 1, "on_time": 2}
    rows.sort(key=lambda r: (order[r.status], r.mode, r.name))
    counts = Counter(r.status for r in rows)
    awaiting = sum(1 for r in rows if r.review_state == FilingReview.Review.SUBMITTED)
    return {"rows": rows, "deadline": deadline, "counts": {k: counts.get(k, 0) for k in order}, "total": len(rows),
            "awaiting": awaiting}


# --------------------------------------------------------------------------------------------- dashboard


def _ratio(done: int, expected: int) -> float:
    return 1.0 if expected <= 0 else done / expected


def _rankings(quarter: Quarter) -> dict:
    """The latest rankings and each group's spread over the last four quarters, from the scoring app."""
    try:
        from scoring.selectors import latest_ranking_rows, rankings_trend
    except ImportError:
        return {"available": False, "trend": [], "rows": [], "groups": [], "quarters": []}
    quarters = [quarter]
    for _i in range(3):
        quarters.insert(0, quarters[0].previous())
    try:
        trend = list(rankings_trend(quarters=quarters))
        rows = list(latest_ranking_rows(quarter=quarter, limit_per_group=10))
    except Exception:  # noqa: BLE001 - the scoring app is being built; the dashboard must still render
        return {"available": False, "trend": [], "rows": [], "groups": [], "quarters": []}
    groups = sorted({t["group"] for t in trend} | {r["group"] for r in rows})
    rows_by_group = defaultdict(list)
    for r in rows:
        rows_by_group[r["group"]].append(r)
    return {
        "available": True,
        "trend": trend,
        "rows": rows,
        "rows_by_group": [{"group": g, "rows": rows_by_group.get(g, [])} for g in groups],
        "groups": groups,
        "quarters": [str(q) for q in quarters],
    }


def dashboard_full_data(*, quarter: Quarter, today: date) -> dict:
    """Everything about a year up to the end of the chosen quarter, in a bounded number of queries: each
    mode's progress for every pair, partnership and department, what is behind, activity by month and
    kind, the network, rankings. Its size grows with the organisation: pages read `dashboard_data`."""
    from pairing.models import (
        Activity,
        AnnualPlan,
        InformationExchange,
        KeyProject,
        Pair,
        PairGrassroots,
        Partnership,
        Problem,
        ProjectTask,
    )

    year = quarter.year
    as_of = min(quarter.end, today)
    qn = quarter.number
    department_home = safe_reverse("branches:department_home")

    # --- mode 2: pairs
    # Plain values, not model instances: every pair is counted, only the rows shown get names and links.
    pairs = list(Pair.objects.filter(year=year).order_by("id").values(
        "id", "name", "yearly_minimum", "lead_branch_id", "lead_branch__name"))
    grassroots_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pair_id, branch_id, branch_name in PairGrassroots.objects.filter(pair__year=year).order_by(
            "pair_id", "branch__code").values_list("pair_id", "branch_id", "branch__name"):
        grassroots_of[pair_id].append((branch_id, branch_name))
    joint = (
        Activity.objects.filter(date__year=year, date__lte=quarter.end, kind__counts_as_joint=True)
        .filter(Q(pair_id__in=Pair.objects.filter(year=year).values("id"))
                | Q(partnership_id__in=Partnership.objects.filter(year=year).values("id")))
        .values("pair_id", "partnership_id").annotate(n=Count("id")).order_by()
    )
    pair_done: dict[int, int] = {}
    ps_done: dict[int, int] = {}
    for row in joint:
        if row["pair_id"]:
            pair_done[row["pair_id"]] = pair_done.get(row["pair_id"], 0) + row["n"]
        elif row["partnership_id"]:
            ps_done[row["partnership_id"]] = ps_done.get(row["partnership_id"], 0) + row["n"]
    plans = set(
        AnnualPlan.objects.filter(year=year, filed_on__isnull=False).values_list("pair_id", "partnership_id")
    )
    plan_pairs = {p for p, _x in plans if p}
    plan_partnerships = {s for _x, s in plans if s}
    projects = Counter()
    projects_done = Counter()
    for row in KeyProject.objects.filter(pair__year=year).values("pair_id", "status").annotate(n=Count("id")):
        projects[row["pair_id"]] += row["n"]
        if row["status"] == KeyProject.Status.DONE:
            projects_done[row["pair_id"]] += row["n"]
    tasks = Counter()
    tasks_done = Counter()
    tasks_overdue = Counter()
    task_rows = (
        ProjectTask.objects.filter(project__pair__year=year)
        .values("project__pair_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(status=ProjectTask.Status.DONE, completed_on__lte=quarter.end)),
            overdue=Count("id", filter=Q(due_date__lt=as_of) & ~Q(status=ProjectTask.Status.DONE)),
        )
    )
    for row in task_rows:
        pid = row["project__pair_id"]
        tasks[pid], tasks_done[pid], tasks_overdue[pid] = row["n"], row["done"], row["overdue"]
    problems = Counter()
    problems_solved = Counter()
    problem_rows = (
        Problem.objects.filter(pair__year=year, raised_on__lte=quarter.end)
        .values("pair_id")
        .annotate(n=Count("id"), solved=Count("id", filter=Q(status=Problem.Status.SOLVED, solved_on__lte=quarter.end)))
    )
    for row in problem_rows:
        problems[row["pair_id"]], problems_solved[row["pair_id"]] = row["n"], row["solved"]

    pair_rows = []
    for p in pairs:
        pk = p["id"]
        done = pair_done.get(pk, 0)
        expected = expected_by_quarter(p["yearly_minimum"], qn)
        pair_rows.append({
            "id": pk,
            "name": p["name"] or f"{year} {p['lead_branch__name']}",
            "lead": p["lead_branch__name"],
            "grassroots": [name for _b, name in grassroots_of.get(pk, ())],
            "done": done,
            "expected": expected,
            "minimum": p["yearly_minimum"],
            "behind": done < expected,
            "plan_filed": pk in plan_pairs,
            "projects": projects[pk],
            "projects_done": projects_done[pk],
            "tasks": tasks[pk],
            "tasks_done": tasks_done[pk],
            "tasks_overdue": tasks_overdue[pk],
            "problems": problems[pk],
            "problems_solved": problems_solved[pk],
            "link_to": ("pairing:pair_detail", pk),
        })

    # --- mode 3: partnerships
    partnerships = list(Partnership.objects.filter(year=year).order_by("id").values(
        "id", "yearly_minimum", "branch_id", "branch__name", "external_org_id", "external_org__name"))
    exchanges = Counter(
        {r["partnership_id"]: r["n"] for r in InformationExchange.objects.filter(
            period_year=year, period_month__lte=quarter.months[-1]).values("partnership_id").annotate(n=Count("id"))}
    )
    partnership_rows = []
    for ps in partnerships:
        pk = ps["id"]
        done = ps_done.get(pk, 0)
        expected = expected_by_quarter(ps["yearly_minimum"], qn)
        partnership_rows.append({
            "id": pk,
            "name": f"{ps['branch__name']} — {ps['external_org__name']}",
            "branch": ps["branch__name"],
            "external_org": ps["external_org__name"],
            "done": done,
            "expected": expected,
            "minimum": ps["yearly_minimum"],
            "behind": done < expected,
            "plan_filed": pk in plan_partnerships,
            "exchanges": exchanges[pk],
            "link_to": ("pairing:partnership_detail", pk),
        })

    # --- mode 1: departments' monthly targets up to the quarter's last month
    # a month's targets are due once the month is over; marks of behind/overdue count as soon as they are made
    last_month = quarter.months[-1]
    if quarter.end < today:
        due_month = last_month
    elif quarter.start <= today:
        due_month = today.month - 1
    else:
        due_month = 0
    due_q = Q(month__lte=due_month)
    target_rows = (
        MonthlyTarget.objects.filter(task__plan__year=year, month__lte=last_month)
        .values("task__plan__unit_id")
        .annotate(
            due=Count("id", filter=due_q),
            done=Count("id", filter=due_q & Q(status=MonthlyTarget.Status.DONE)),
            behind=Count("id", filter=Q(status=MonthlyTarget.Status.BEHIND)),
            overdue=Count("id", filter=Q(status=MonthlyTarget.Status.OVERDUE)),
            pending=Count("id", filter=due_q & Q(status=MonthlyTarget.Status.PENDING)),
        )
    )
    targets_by_unit = {r["task__plan__unit_id"]: r for r in target_rows}
    task_counts = {
        r["plan__unit_id"]: r["n"]
        for r in KeyWorkTask.objects.filter(plan__year=year).values("plan__unit_id").annotate(n=Count("id"))
    }
    kw_plans = {p["unit_id"]: p["filed_on"] for p in KeyWorkPlan.objects.filter(year=year).values("unit_id", "filed_on")}
    department_rows = []
    for unit in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).order_by("sort_order", "code"):
        t = targets_by_unit.get(unit.pk, {})
        due = t.get("due", 0)
        done = t.get("done", 0)
        behind = t.get("behind", 0) + t.get("overdue", 0)
        department_rows.append({
            "id": unit.pk,
            "name": unit.name,
            "plan_filed": bool(kw_plans.get(unit.pk)),
            "tasks": task_counts.get(unit.pk, 0),
            "due": due,
            "done": done,
            "behind_count": behind,
            "pending": t.get("pending", 0),
            "behind": behind > 0,
            "link": f"{department_home}?unit={unit.pk}&year={year}" if department_home else "",
        })

    # --- what is behind, furthest first (its reasons are worded when it is shown: `_behind_shown`)
    behind = [_behind_entry("pair", r, done=r["done"], expected=r["expected"]) for r in pair_rows
              if r["behind"] or not r["plan_filed"] or r["tasks_overdue"]]
    behind += [_behind_entry("partnership", r, done=r["done"], expected=r["expected"]) for r in partnership_rows
               if r["behind"] or not r["plan_filed"]]
    behind += [_behind_entry("department", r, done=r["done"], expected=r["due"]) for r in department_rows
               if r["behind_count"] or not r["plan_filed"]]
    behind.sort(key=lambda b: (b["ratio"], -b["gap"], b["name"]))

    # --- activity by month and by kind (all activities of the year up to the quarter end), in one scan
    by_month = {m: {"all": 0, "joint": 0} for m in range(1, 13)}
    kind_counts: Counter = Counter()
    for row in (
        Activity.objects.filter(date__year=year, date__lte=quarter.end)
        .annotate(m=ExtractMonth("date")).values("m", "kind__name")
        .annotate(n=Count("id"), joint=Count("id", filter=Q(kind__counts_as_joint=True)
                                             & (Q(pair__isnull=False) | Q(partnership__isnull=False))))
        .order_by()
    ):
        by_month[row["m"]]["all"] += row["n"]
        by_month[row["m"]]["joint"] += row["joint"]
        kind_counts[row["kind__name"]] += row["n"]
    by_kind = sorted(kind_counts.items(), key=lambda item: (-item[1], item[0]))

    # --- the network of pairs and partnerships: one group of nodes and links per pair or partnership
    groups = []
    for r, p in zip(pair_rows, pairs, strict=True):
        lead = {"id": f"b{p['lead_branch_id']}", "name": p["lead_branch__name"], "category": 0}
        others = [{"id": f"b{pk}", "name": name, "category": 1} for pk, name in grassroots_of.get(p["id"], ())]
        groups.append({"key": f"p{p['id']}", "behind": r["behind"], "ratio": _ratio(r["done"], r["expected"]),
                       "a": r["lead"], "b": "、".join(r["grassroots"]), "done": r["done"], "expected": r["expected"],
                       "nodes": [lead, *others],
                       "links": [{"source": lead["id"], "target": o["id"], "behind": r["behind"]} for o in others]})
    for r, ps in zip(partnership_rows, partnerships, strict=True):
        hr = {"id": f"b{ps['branch_id']}", "name": ps["branch__name"], "category": 2}
        org = {"id": f"o{ps['external_org_id']}", "name": ps["external_org__name"], "category": 3}
        groups.append({"key": f"s{ps['id']}", "behind": r["behind"], "ratio": _ratio(r["done"], r["expected"]),
                       "a": r["branch"], "b": r["external_org"], "done": r["done"], "expected": r["expected"],
                       "nodes": [hr, org], "links": [{"source": hr["id"], "target": org["id"], "behind": r["behind"]}]})

    totals = {
        "pairs": len(pair_rows),
        "pairs_behind": sum(1 for r in pair_rows if r["behind"]),
        "partnerships": len(partnership_rows),
        "partnerships_behind": sum(1 for r in partnership_rows if r["behind"]),
        "joint_activities": sum(r["done"] for r in pair_rows) + sum(r["done"] for r in partnership_rows),
        "activities": sum(v["all"] for v in by_month.values()),
        "problems": sum(r["problems"] for r in pair_rows),
        "problems_solved": sum(r["problems_solved"] for r in pair_rows),
        "projects": sum(r["projects"] for r in pair_rows),
        "projects_done": sum(r["projects_done"] for r in pair_rows),
        "tasks": sum(r["tasks"] for r in pair_rows),
        "tasks_done": sum(r["tasks_done"] for r in pair_rows),
        "targets_due": sum(r["due"] for r in department_rows),
        "targets_done": sum(r["done"] for r in department_rows),
        "departments": len(department_rows),
    }
    return {
        "quarter": quarter,
        "year": year,
        "pair_rows": sorted(pair_rows, key=lambda r: (_ratio(r["done"], r["expected"]), r["name"])),
        "partnership_rows": sorted(partnership_rows, key=lambda r: (_ratio(r["done"], r["expected"]), r["name"])),
        "department_rows": department_rows,
        "behind": behind,
        "by_month": [{"month": m, **by_month[m]} for m in range(1, 13)],
        "by_kind": [{"name": name, "count": n} for name, n in by_kind],
        "network": _network(groups),
        "network_groups": groups,
        "totals": totals,
        "rankings": _rankings(quarter),
    }


def _joint_reasons(row: dict, *, plan_missing: str) -> list[str]:
    """Why a pair or partnership is behind: joint activities short of pace, its annual plan not filed."""
    reasons = []
    if row["behind"]:
        reasons.append(_("共建活动 %(done)s/%(expected)s 次（差 %(gap)s 次）") % {
            "done": row["done"], "expected": row["expected"], "gap": row["expected"] - row["done"]})
    if not row["plan_filed"]:
        reasons.append(plan_missing)
    return reasons


def _behind_entry(kind: str, row: dict, *, done: int, expected: int) -> dict:
    return {"kind": kind, "row": row, "name": row["name"], "ratio": _ratio(done, expected), "gap": expected - done,
            "done": done, "expected": expected}


def _behind_shown(entry: dict) -> dict:
    """A behind entry as the page shows it: its mode and reasons worded, its link."""
    row, kind = entry["row"], entry["kind"]
    if kind == "department":
        mode, reasons = _("党建+业务"), []
        if row["behind_count"]:
            reasons.append(_("月度目标滞后或逾期 %(n)s 项") % {"n": row["behind_count"]})
        if not row["plan_filed"]:
            reasons.append(_("年度重点工作方案未备案"))
    elif kind == "pair":
        mode, reasons = _("结对共建"), _joint_reasons(row, plan_missing=_("年度实施方案未备案"))
        if row["tasks_overdue"]:
            reasons.append(_("领办任务逾期 %(n)s 项") % {"n": row["tasks_overdue"]})
    else:
        mode, reasons = _("党建共建"), _joint_reasons(row, plan_missing=_("年度共建方案未备案"))
    return {"mode": mode, "name": entry["name"], "reasons": reasons, "link": _link(row), "ratio": entry["ratio"],
            "gap": entry["gap"], "done": entry["done"], "expected": entry["expected"]}


def _link(row: dict) -> str:
    """A shown row's link: reversed for the rows shown only (a few dozen), not for every pair counted."""
    if "link" not in row:
        row["link"] = safe_reverse(*row["link_to"]) if row.get("link_to") else ""
    return row["link"]


def _shown(rows: list[dict]) -> list[dict]:
    for row in rows:
        _link(row)
    return rows


def _network(groups: list[dict]) -> dict:
    nodes: dict[str, dict] = {}
    links = []
    for g in groups:
        for node in g["nodes"]:
            nodes.setdefault(node["id"], node)
        links.extend(g["links"])
    return {"nodes": list(nodes.values()), "links": links}


# The page lists at most DASHBOARD_ROWS behind items and DASHBOARD_CHART_ROWS rows per chart (furthest
# behind first) unless asked for all (?all=1), and draws at most DASHBOARD_NETWORK_NODES nodes in the
# network graph, so its HTML does not grow with the organisation.
DASHBOARD_ROWS = 50
DASHBOARD_CHART_ROWS = 20
DASHBOARD_NETWORK_NODES = 200
# The computed page is cached per quarter, day and language for a few minutes; nothing invalidates it.
DASHBOARD_CACHE_SECONDS = 180


def _bounded_network(groups: list[dict], limit: int) -> tuple[dict, list[dict]]:
    """All pairs and partnerships if their nodes fit in `limit`, else those behind, furthest first, while
    their nodes fit."""
    if len({n["id"] for g in groups for n in g["nodes"]}) > limit:
        groups = sorted((g for g in groups if g["behind"]), key=lambda g: (g["ratio"], g["a"]))
    chosen, seen = [], set()
    for g in groups:
        new = {n["id"] for n in g["nodes"]} - seen
        if len(seen) + len(new) > limit:
            continue
        seen |= new
        chosen.append(g)
    return _network(chosen), chosen


def _dashboard_page(*, quarter: Quarter, today: date, show_all: bool) -> dict:
    data = dashboard_full_data(quarter=quarter, today=today)
    departments = sorted(data["department_rows"],
                         key=lambda r: (not r["behind"], -r["behind_count"], _ratio(r["done"], r["due"])))
    groups = data.pop("network_groups")
    limit = None if show_all else DASHBOARD_ROWS
    chart_limit = None if show_all else DASHBOARD_CHART_ROWS
    network, shown_groups = (data["network"], groups) if show_all else _bounded_network(groups, DASHBOARD_NETWORK_NODES)
    data.update({
        "pair_rows": _shown(data["pair_rows"][:chart_limit]),
        "partnership_rows": _shown(data["partnership_rows"][:chart_limit]),
        "department_rows": departments[:chart_limit],
        "behind": [_behind_shown(b) for b in data["behind"][:limit]],
        "network": network,
        "network_rows": [{k: g[k] for k in ("key", "a", "b", "done", "expected", "behind")}
                         for g in shown_groups[:chart_limit]],
        "limits": {
            "rows": DASHBOARD_ROWS,
            "chart_rows": DASHBOARD_CHART_ROWS,
            "show_all": show_all,
            "behind": len(data["behind"]),
            "pairs": len(data["pair_rows"]),
            "partnerships": len(data["partnership_rows"]),
            "departments": len(departments),
            "network_groups": len(groups),
            "network_groups_shown": len(shown_groups),
            "network_nodes": DASHBOARD_NETWORK_NODES,
            "cache_minutes": DASHBOARD_CACHE_SECONDS // 60,
            "cache_seconds": DASHBOARD_CACHE_SECONDS,
        },
        "computed_at": timezone.localtime(),
    })
    data["limits"]["truncated"] = not show_all and (len(data["behind"]) < data["limits"]["behind"] or any(
        data["limits"][key] > DASHBOARD_CHART_ROWS for key in ("pairs", "partnerships", "departments")))
    return data


def dashboard_data(*, quarter: Quarter, today: date, show_all: bool = False) -> dict:
    """What the dashboard page shows: `dashboard_full_data` bounded to the DASHBOARD_ROWS rows furthest
    behind per table and a network of at most DASHBOARD_NETWORK_NODES nodes (`show_all`: everything).

    The page caches what it renders from this for DASHBOARD_CACHE_SECONDS (branches/views/dashboard.py);
    `computed_at` says when it was computed."""
    return _dashboard_page(quarter=quarter, today=today, show_all=show_all)


def _short_branch(name: str) -> str:
    """A chart label: a branch name without the common 党支部 suffix."""
    return name.removesuffix("党支部") or name


def dashboard_chart_data(data: dict) -> dict:
    """The part of the dashboard data the charts draw, safe to serialise with json_script."""
    return {
        "labels": {
            "done": _("已开展"), "expected": _("应开展（按季度进度）"), "minimum": _("年度下限"),
            "all": _("全部活动"), "joint": _("共建活动"), "met": _("已完成"), "due": _("应完成"),
            "behind": _("滞后/逾期"), "min": _("最低分"), "max": _("最高分"), "median": _("中位数"),
            "mean": _("平均分"), "categories": [_("机关/直属党支部"), _("基层党支部"), _("人力资源服务中心党支部"),
                                              _("外部党组织")],
            "months": [_("%(m)s月") % {"m": m} for m in range(1, 13)],
            "problems": _("提出难题"), "solved": _("已解决"), "tasks": _("领办任务"), "tasks_done": _("已完成任务"),
        },
        "pairs": [{"name": r["name"], "label": "—".join(_short_branch(n) for n in [r["lead"], *r["grassroots"]]),
                   "done": r["done"], "expected": r["expected"], "minimum": r["minimum"]}
                  for r in data["pair_rows"]],
        # Every partnership has the same HR center branch: the outside organisation tells them apart.
        "partnerships": [{"name": r["name"], "label": r["external_org"], "done": r["done"], "expected": r["expected"],
                          "minimum": r["minimum"]}
                         for r in data["partnership_rows"]],
        "departments": [{"name": r["name"], "done": r["done"], "due": r["due"], "behind": r["behind_count"]}
                        for r in data["department_rows"]],
        "by_month": data["by_month"],
        "by_kind": data["by_kind"],
        "network": data["network"],
        "totals": data["totals"],
        "trend": {
            "quarters": data["rankings"].get("quarters", []),
            "groups": data["rankings"].get("groups", []),
            "points": [
                {k: t.get(k) for k in ("group", "quarter", "min", "max", "mean", "median", "count", "status")}
                for t in data["rankings"].get("trend", [])
            ],
        },
    }


# --------------------------------------------------------------------------------------------- departments


def department_units_for(person) -> QuerySet[Unit]:
    """The office departments a person may open: all for the organisation department, else their own."""
    qs = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).order_by("sort_order", "code")
    if person.is_org_admin:
        return qs
    return qs.filter(pk__in=person.unit_ids)


def department_overview(*, unit: Unit, year: int, month: int) -> dict:
    duties = list(Duty.objects.filter(is_active=True).order_by("sort_order", "code"))
    evidence = defaultdict(list)
    for ev in DutyEvidence.objects.filter(unit=unit, year=year).order_by("date", "id"):
        evidence[(ev.duty_id, ev.stage)].append(ev)
    duty_rows = []
    for duty in duties:
        stages = [
            {"value": value, "label": label, "items": evidence.get((duty.pk, value), [])}
            for value, label in DutyEvidence.Stage.choices
        ]
        duty_rows.append({"duty": duty, "stages": stages, "complete": all(s["items"] for s in stages)})
    contents = list(AssessmentContent.objects.filter(unit=unit, year=year).select_related("duty").order_by("id"))
    plan = KeyWorkPlan.objects.filter(unit=unit, year=year).first()
    tasks = []
    month_targets = []
    status_counts = Counter()
    if plan is not None:
        tasks = list(plan.tasks.select_related("duty").prefetch_related("targets").order_by("number"))
        for task in tasks:
            for t in task.targets.all():
                if t.month <= month:
                    status_counts[t.status] += 1
                if t.month == month:
                    month_targets.append(t)
    return {
        "duty_rows": duty_rows,
        "contents": contents,
        "plan": plan,
        "tasks": tasks,
        "month_targets": month_targets,
        "status_counts": status_counts,
    }


def department_score_items(*, unit: Unit, quarter: Quarter) -> dict:
    """The 党建+业务 score items of the department's branches in the quarter's ranking (published, else the
    latest draft), from the scoring app; an empty answer until it exists or has compiled the quarter."""
    empty = {"available": False, "items": [], "snapshot": None}
    try:
        from scoring.models import SnapshotItemScore
        from scoring.selectors import latest_snapshot
    except ImportError:
        return empty
    try:
        snapshot = latest_snapshot(quarter=quarter, published_only=True) or latest_snapshot(quarter=quarter)
        if snapshot is None:
            return empty
        rows = (
            SnapshotItemScore.objects.filter(entry__snapshot=snapshot, entry__branch__unit=unit, mode="party_business")
            .values("entry__branch_name", "item_code", "item_name", "points", "max_points", "count", "target",
                    "explanation")
            .order_by("entry__branch_name", "position")
        )
        items = [{
            "branch_name": r["entry__branch_name"], "code": r["item_code"], "name": r["item_name"],
            "points": r["points"], "max_points": r["max_points"], "count": r["count"], "target": r["target"],
            "explanation": r["explanation"],
        } for r in rows]
    except Exception:  # noqa: BLE001 - the scoring app is being built; never break the department page
        return empty
    return {"available": True, "items": items, "snapshot": snapshot}


# --------------------------------------------------------------------------------------------- notifications


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by(F("read_at").asc(nulls_first=True), "-created_at")


# --------------------------------------------------------------------------------------------- reminders


@dataclass
class ReminderItem:
    """Something behind pace or due, and whose it is: officers of branches, or heads of departments."""

    kind: str
    item_key: str
    title: str
    body: str
    link: str = ""
    branch_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)  # people reminded by name (e.g. a group's inspectors)


PLAN_REMINDER_DAYS_BEFORE_DEADLINE = 14


def plan_missing_items(*, year: int, today: date | None = None) -> list[ReminderItem]:
    """Plans still missing, and plans returned and not submitted again: their owners are reminded."""
    board = filing_board(year=year)
    today = today or timezone.localdate()
    deadline = board["deadline"]
    if today > deadline:
        body = _("备案截止日 %(deadline)s 已过 %(days)s 天，请尽快向组织部门备案年度方案。") % {
            "deadline": deadline.isoformat(), "days": (today - deadline).days}
    else:
        body = _("请在 %(deadline)s 前向组织部门备案年度方案（还有 %(days)s 天）。") % {
            "deadline": deadline.isoformat(), "days": (deadline - today).days}
    items = []
    for row in board["rows"]:
        if row.review_state == FilingReview.Review.RETURNED:
            items.append(ReminderItem(
                kind="plan_returned", item_key=row.item_key,
                title=_("%(year)s 年度方案被退回，尚未重新提交：%(name)s") % {"year": year, "name": row.name},
                body=_("退回理由：%(reason)s。请修改后重新提交，备案日期不变。") % {"reason": row.return_reason},
                link=row.link, branch_ids=row.branch_ids, unit_ids=[row.unit_id] if row.unit_id else [],
            ))
            continue
        if row.status != "missing":
            continue
        items.append(ReminderItem(
            kind="plan_missing", item_key=row.item_key,
            title=_("%(year)s 年度方案尚未备案：%(name)s") % {"year": year, "name": row.name},
            body=body, link=row.link, branch_ids=row.branch_ids, unit_ids=[row.unit_id] if row.unit_id else [],
        ))
    return items


def reminder_items(*, today: date) -> list[ReminderItem]:
    """Items behind pace or due as of today, for the weekly reminders (a bounded number of queries)."""
    from pairing.models import InformationExchange, Partnership, ProjectTask

    year = today.year
    quarter = Quarter.of(today)
    data = dashboard_full_data(quarter=quarter, today=today)
    pairs_by_id = {}
    from pairing.models import PairGrassroots

    for link in PairGrassroots.objects.filter(year=year).values("pair_id", "branch_id", "pair__lead_branch_id"):
        pairs_by_id.setdefault(link["pair_id"], {link["pair__lead_branch_id"]}).add(link["branch_id"])
    items: list[ReminderItem] = []

    for r in data["pair_rows"]:
        branch_ids = sorted(pairs_by_id.get(r["id"], set()))
        if r["behind"]:
            items.append(ReminderItem(
                kind="pair_behind", item_key=f"pair{r['id']}",
                title=_("共建活动进度滞后：%(name)s") % {"name": r["name"]},
                body=_("截至 %(quarter)s 应开展共建活动 %(expected)s 次，已开展 %(done)s 次（年度不少于 %(minimum)s 次）。") % {
                    "quarter": quarter, "expected": r["expected"], "done": r["done"], "minimum": r["minimum"]},
                link=_link(r), branch_ids=branch_ids,
            ))
    overdue_tasks = (
        ProjectTask.objects.filter(project__pair__year=year, due_date__lt=today)
        .exclude(status=ProjectTask.Status.DONE)
        .values("project__pair_id").annotate(n=Count("id"), first_due=Min("due_date"))
    )
    pair_names = {r["id"]: r for r in data["pair_rows"]}
    for row in overdue_tasks:
        pid = row["project__pair_id"]
        pair_row = pair_names.get(pid)
        name, link = (pair_row["name"], _link(pair_row)) if pair_row else (str(pid), "")
        items.append(ReminderItem(
            kind="tasks_overdue", item_key=f"pair{pid}",
            title=_("领办任务逾期：%(name)s") % {"name": name},
            body=_("有 %(n)s 项领办任务已过完成时限仍未完成（最早的时限 %(due)s）。") % {
                "n": row["n"], "due": row["first_due"].isoformat()},
            link=link, branch_ids=sorted(pairs_by_id.get(pid, set())),
        ))

    partnerships = {p.pk: p for p in Partnership.objects.filter(year=year)}
    for r in data["partnership_rows"]:
        if r["behind"]:
            items.append(ReminderItem(
                kind="partnership_behind", item_key=f"partnership{r['id']}",
                title=_("共建活动进度滞后：%(name)s") % {"name": r["name"]},
                body=_("截至 %(quarter)s 应开展共建活动 %(expected)s 次，已开展 %(done)s 次（年度不少于 %(minimum)s 次）。") % {
                    "quarter": quarter, "expected": r["expected"], "done": r["done"], "minimum": r["minimum"]},
                link=_link(r), branch_ids=[partnerships[r["id"]].branch_id],
            ))
    if today.month > 1 and partnerships:
        month = today.month - 1
        have = set(
            InformationExchange.objects.filter(partnership_id__in=partnerships, period_year=year, period_month=month)
            .values_list("partnership_id", "kind")
        )
        labels = dict(InformationExchange.Kind.choices)
        for r in data["partnership_rows"]:
            missing = [str(labels[k]) for k in labels if (r["id"], k) not in have]
            if missing:
                items.append(ReminderItem(
                    kind="exchange_missing", item_key=f"partnership{r['id']}m{month}",
                    title=_("信息互通缺项：%(name)s") % {"name": r["name"]},
                    body=_("%(year)s 年 %(month)s 月尚未记录（应于该月结束后记录）：%(kinds)s。") % {
                        "year": year, "month": month, "kinds": "、".join(missing)},
                    link=_link(r), branch_ids=[partnerships[r["id"]].branch_id],
                ))

    target_rows = (
        MonthlyTarget.objects.filter(task__plan__year=year, month__lte=today.month)
        .values("task__plan__unit_id")
        .annotate(
            behind=Count("id", filter=Q(status__in=[MonthlyTarget.Status.BEHIND, MonthlyTarget.Status.OVERDUE])),
            unmarked=Count("id", filter=Q(status=MonthlyTarget.Status.PENDING, month__lt=today.month)),
            this_month=Count("id", filter=Q(status=MonthlyTarget.Status.PENDING, month=today.month)),
        )
    )
    unit_names = {r["id"]: (r["name"], r["link"]) for r in data["department_rows"]}
    for row in target_rows:
        uid = row["task__plan__unit_id"]
        parts = []
        if row["behind"]:
            parts.append(_("%(n)s 项标记为滞后或逾期") % {"n": row["behind"]})
        if row["unmarked"]:
            parts.append(_("%(n)s 项往月目标尚未标记完成情况") % {"n": row["unmarked"]})
        if row["this_month"] and today.day >= 20:
            parts.append(_("本月还有 %(n)s 项目标待完成") % {"n": row["this_month"]})
        if parts:
            name, link = unit_names.get(uid, (str(uid), ""))
            items.append(ReminderItem(
                kind="targets_behind", item_key=f"unit{uid}",
                title=_("月度目标需跟进：%(name)s") % {"name": name},
                body="；".join(str(p) for p in parts) + "。",
                link=link, unit_ids=[uid],
            ))

    deadline = YearSettings.deadline_for(year)
    if (deadline - today).days <= PLAN_REMINDER_DAYS_BEFORE_DEADLINE:
        items.extend(plan_missing_items(year=year, today=today))
    return items
