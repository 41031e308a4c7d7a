"""Reads of the workspace: who may see which records, and what a branch still owes.

Every page and the API read through these functions, so scoping is written once. A record outside a
person's scope is simply not in their querysets (pages answer 404).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from branches.access import person_for, visible_branches
from branches.models import Branch, Member, YearSettings
from branches.params import parse_id
from branches.periods import Quarter, expected_by_quarter
from pairing.models import (
    Activity,
    AnnualPlan,
    Evidence,
    InformationExchange,
    JointMeeting,
    KeyProject,
    Pair,
    PairGrassroots,
    Partnership,
    Problem,
    ProjectTask,
)

# ---------------------------------------------------------------------------------------------
# Scope


def _scoped_branch_ids(user) -> set[int] | None:
    """None means "everything" (organisation department, leaders, inspectors)."""
    person = person_for(user)
    if person.sees_everything or person.is_inspector:
        return None
    return set(visible_branches(user).values_list("pk", flat=True))


def pairs_for(user) -> QuerySet[Pair]:
    ids = _scoped_branch_ids(user)
    qs = Pair.objects.select_related("lead_branch")
    if ids is None:
        return qs
    links = PairGrassroots.objects.filter(pair_id=OuterRef("pk"), branch_id__in=ids)
    return qs.filter(Q(lead_branch_id__in=ids) | Exists(links))


def partnerships_for(user) -> QuerySet[Partnership]:
    ids = _scoped_branch_ids(user)
    qs = Partnership.objects.select_related("branch", "external_org")
    return qs if ids is None else qs.filter(branch_id__in=ids)


def activities_for(user) -> QuerySet[Activity]:
    """Activities a person may read: their branches' own, those their branches took part in, and the
    joint activities of their pairs and partnerships."""
    ids = _scoped_branch_ids(user)
    qs = Activity.objects.select_related("kind", "owner_branch", "pair", "partnership__external_org")
    if ids is None:
        return qs
    taking_part = Activity.branches.through.objects.filter(activity_id=OuterRef("pk"), branch_id__in=ids)
    return qs.filter(
        Q(owner_branch_id__in=ids)
        | Exists(taking_part)
        | Q(pair__in=pairs_for(user).values("pk"))
        | Q(partnership__branch_id__in=ids)
    )


def get_or_404(queryset: QuerySet, pk) -> object:
    pk = parse_id(pk)
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404


def get_activity(*, user, pk) -> Activity:
    return get_or_404(activities_for(user), pk)


def get_pair(*, user, pk) -> Pair:
    return get_or_404(pairs_for(user), pk)


def get_partnership(*, user, pk) -> Partnership:
    return get_or_404(partnerships_for(user), pk)


def key_projects_for(user) -> QuerySet[KeyProject]:
    return KeyProject.objects.filter(pair__in=pairs_for(user).values("pk")).select_related("pair")


def tasks_for(user) -> QuerySet[ProjectTask]:
    return ProjectTask.objects.filter(project__pair__in=pairs_for(user).values("pk")).select_related(
        "project__pair", "claimant"
    )


def problems_for(user) -> QuerySet[Problem]:
    return Problem.objects.filter(pair__in=pairs_for(user).values("pk")).select_related("pair", "raised_by")


def meetings_for(user) -> QuerySet[JointMeeting]:
    return JointMeeting.objects.filter(
        Q(pair__in=pairs_for(user).values("pk")) | Q(partnership__in=partnerships_for(user).values("pk"))
    ).select_related("pair", "partnership")


def exchanges_for(user) -> QuerySet[InformationExchange]:
    return InformationExchange.objects.filter(partnership__in=partnerships_for(user).values("pk")).select_related(
        "partnership"
    )


def plans_for(user) -> QuerySet[AnnualPlan]:
    return AnnualPlan.objects.filter(
        Q(pair__in=pairs_for(user).values("pk")) | Q(partnership__in=partnerships_for(user).values("pk"))
    )


def workspace_branches(user) -> QuerySet[Branch]:
    """Branches whose workspace a person may open: their own first; everyone for those who see all."""
    person = person_for(user)
    if person.branch_ids and not (person.sees_everything or person.is_inspector):
        return Branch.objects.filter(pk__in=person.branch_ids).select_related("unit")
    return visible_branches(user).filter(is_active=True).select_related("unit")


def workspace_branch(user, requested: str | None) -> Branch:
    """The branch a workspace page is about: `?branch=ID` if in scope, else the person's first branch."""
    branches = workspace_branches(user)
    if requested:
        try:
            return branches.get(pk=parse_id(requested, "branch"))
        except (Branch.DoesNotExist, ValueError, TypeError):
            raise Http404
    person = person_for(user)
    if person.branch_ids and not (person.sees_everything or person.is_inspector):
        return person.own_branches[0]  # workspace_branches() are exactly these: no query
    own = branches.filter(pk__in=person.branch_ids).order_by("code").first() if person.branch_ids else None
    branch = own or branches.order_by("code").first()
    if branch is None:
        raise Http404
    return branch


# ---------------------------------------------------------------------------------------------
# Pairs and partners of a branch


def pair_of_branch(branch: Branch, year: int) -> Pair | None:
    """A branch leads at most one pair a year and joins at most one, and the two kinds exclude each other."""
    return (
        Pair.objects.filter(Q(lead_branch=branch) | Q(grassroots_links__branch=branch), year=year)
        .select_related("lead_branch")
        .first()
    )


def pair_branch_ids(pair: Pair) -> set[int]:
    return {pair.lead_branch_id, *PairGrassroots.objects.filter(pair=pair).values_list("branch_id", flat=True)}


def partner_branches(branch: Branch, year: int) -> list[Branch]:
    """The own branch first, then the branches it is paired with in the year."""
    pair = pair_of_branch(branch, year)
    if pair is None:
        return [branch]
    others = [b for b in pair.branches if b.pk != branch.pk]
    return [branch, *others]


def roster(branch_ids) -> QuerySet[Member]:
    return Member.objects.filter(branch_id__in=branch_ids, is_active=True).select_related("branch").order_by(
        "branch__code", "employee_no"
    )


def members_away_by_unit(partnership_or_branch) -> list[dict]:
    """Working-away members of the HR center branch grouped by outside unit."""
    if isinstance(partnership_or_branch, Partnership):
        qs = Member.objects.filter(branch_id=partnership_or_branch.branch_id,
                                   outside_org_id=partnership_or_branch.external_org_id)
    else:
        qs = Member.objects.filter(branch=partnership_or_branch)
    qs = qs.filter(status=Member.Status.WORKING_AWAY, is_active=True).select_related("outside_org").order_by(
        "outside_org__outside_unit", "employee_no"
    )
    groups: dict[str, dict] = {}
    for member in qs:
        unit = member.outside_org.outside_unit if member.outside_org else "—"
        group = groups.setdefault(unit, {"unit": unit, "org": member.outside_org, "members": []})
        group["members"].append(member)
    return list(groups.values())


# ---------------------------------------------------------------------------------------------
# Activity list


def activity_list(*, user, branch: Branch | None = None, search: str = "", period: str = "", kind_id=None,
                  pair_id=None, partnership_id=None) -> QuerySet[Activity]:
    """The activity list with its filters; `period` is a quarter like 2026Q3 or a year like 2026."""
    if branch is not None:
        # The branch's activities are those it took part in: pairing.services always puts the owner branch
        # among an activity's branches, so one indexed IN (...) on the link table finds them. An OR with
        # `owner_branch` (as before) defeats every index and seq-scans all activities at scale.
        took_part = Activity.branches.through.objects.filter(branch_id=branch.pk).values("activity_id")
        ids = _scoped_branch_ids(user)
        if ids is None or branch.pk in ids:
            # activities_for() lets a person read every activity a branch in their scope took part in, so
            # its OR-ed scope adds nothing here.
            qs = Activity.objects.select_related("kind", "owner_branch", "pair", "partnership__external_org")
            qs = qs.filter(pk__in=took_part)
        else:
            qs = activities_for(user).filter(pk__in=took_part)
    else:
        qs = activities_for(user)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(summary__icontains=search) | Q(location__icontains=search))
    period = (period or "").strip()
    if period:
        if period.isdigit() and len(period) == 4:
            qs = qs.filter(date__year=int(period))
        else:
            quarter = Quarter.parse(period)
            qs = qs.filter(date__range=(quarter.start, quarter.end))
    if kind_id:
        qs = qs.filter(kind_id=kind_id)
    if pair_id:
        qs = qs.filter(pair_id=pair_id)
    if partnership_id:
        qs = qs.filter(partnership_id=partnership_id)
    # A correlated count, not JOIN + GROUP BY over every selected column: the same numbers, and a plan
    # PostgreSQL makes in a third of the time.
    evidence = Evidence.objects.filter(activity=OuterRef("pk")).order_by().values("activity").annotate(n=Count("pk"))
    return qs.annotate(evidence_count=Coalesce(Subquery(evidence.values("n")), Value(0))).order_by("-date", "-id")


# ---------------------------------------------------------------------------------------------
# What a branch owes


def _pace(done: int, minimum: int, quarter_number: int) -> dict:
    expected = expected_by_quarter(minimum, quarter_number) if quarter_number else 0
    shortfall = max(expected - done, 0)
    return {
        "done": done,
        "minimum": minimum,
        "expected": expected,
        "behind": done < expected,
        "shortfall": shortfall,
        "remaining": max(minimum - done, 0),
        "percent": min(100, round(100 * done / minimum)) if minimum else 100,
    }


def _plan_state(plan: AnnualPlan | None, deadline: date, today: date) -> dict:
    if plan is not None and plan.filed_on:
        state = "on_time" if plan.filed_on <= deadline else "late"
    else:
        state = "missing" if today > deadline else "pending"
    return {"plan": plan, "state": state, "deadline": deadline, "filed_on": plan.filed_on if plan else None,
            "behind": state == "missing"}


def _pace_quarter(year: int, today: date) -> int:
    """How many quarters of the year count for pace: all of a past year, none of a future one."""
    if year < today.year:
        return 4
    if year > today.year:
        return 0
    return Quarter.of(today).number


def pace_rows(*, pairs: Iterable[Pair], partnerships: Iterable[Partnership], year: int, today: date) -> dict:
    """Rows of the pair list: each pair's and partnership's joint-activity pace and plan state in `year`,
    in a fixed number of queries. Answers {"pair": [...], "partnership": [...]}, rows in the given order."""
    owners = {"pair": list(pairs), "partnership": list(partnerships)}
    counts = {
        (row["pair_id"], row["partnership_id"]): row["n"]
        for row in Activity.objects.filter(kind__counts_as_joint=True, date__year=year)
        .filter(Q(pair__in=owners["pair"]) | Q(partnership__in=owners["partnership"]))
        .values("pair_id", "partnership_id").annotate(n=Count("pk"))
    }
    plans = {(p.pair_id, p.partnership_id): p for p in AnnualPlan.objects.filter(
        Q(pair__in=owners["pair"]) | Q(partnership__in=owners["partnership"]))}
    deadline = YearSettings.deadline_for(year)
    number = _pace_quarter(year, today)
    rows: dict[str, list[dict]] = {}
    for kind, items in owners.items():
        rows[kind] = []
        for obj in items:
            key = (obj.pk, None) if kind == "pair" else (None, obj.pk)
            rows[kind].append({"kind": kind, "obj": obj, "pace": _pace(counts.get(key, 0), obj.yearly_minimum, number),
                               "plan": _plan_state(plans.get(key), deadline, today)})
    return rows


def branch_obligations(*, branch: Branch, year: int, today: date) -> dict:
    """What the branch owes this quarter and this year, for each mode it takes part in.

    The query count does not grow with the number of activities, tasks, members or branches.
    """
    quarter_number = _pace_quarter(year, today)
    quarter = Quarter(year, quarter_number or 1)
    deadline = YearSettings.deadline_for(year)

    # Mode 2: the pair this branch leads or joins (at most one a year).
    joined = PairGrassroots.objects.filter(branch=branch, year=year).values("pair_id")
    pairs = list(
        Pair.objects.filter(Q(lead_branch=branch) | Q(pk__in=joined), year=year)
        .select_related("lead_branch")
        .prefetch_related(Prefetch("grassroots_links", queryset=PairGrassroots.objects.select_related("branch")))
    )
    # Mode 3: the HR center branch's partnerships.
    partnerships = list(
        Partnership.objects.filter(branch=branch, year=year).select_related("external_org")
        if branch.kind == Branch.Kind.HR_CENTER else []
    )
    pair_ids = [p.pk for p in pairs]
    partnership_ids = [p.pk for p in partnerships]

    joint = Q(kind__counts_as_joint=True, date__year=year)
    in_quarter = Q(date__range=(quarter.start, quarter.end))
    counts: dict[tuple[str, int], dict] = {}
    if pair_ids or partnership_ids:
        rows = (
            Activity.objects.filter(joint)
            .filter(Q(pair_id__in=pair_ids) | Q(partnership_id__in=partnership_ids))
            .values("pair_id", "partnership_id")
            .annotate(total=Count("pk"), in_quarter=Count("pk", filter=in_quarter))
        )
        for row in rows:
            key = ("pair", row["pair_id"]) if row["pair_id"] else ("partnership", row["partnership_id"])
            counts[key] = row
    plans = {}
    if pair_ids or partnership_ids:
        for plan in AnnualPlan.objects.filter(Q(pair_id__in=pair_ids) | Q(partnership_id__in=partnership_ids)):
            plans[("pair", plan.pair_id) if plan.pair_id else ("partnership", plan.partnership_id)] = plan

    projects_by_pair: dict[int, list[dict]] = {}
    problems_by_pair: dict[int, list[Problem]] = {}
    if pair_ids:
        open_tasks = ProjectTask.objects.exclude(status=ProjectTask.Status.DONE).select_related("claimant")
        for project in (
            KeyProject.objects.filter(pair_id__in=pair_ids)
            .prefetch_related(Prefetch("tasks", queryset=open_tasks, to_attr="open_tasks"))
            .order_by("pk")
        ):
            overdue = [t for t in project.open_tasks if t.due_date and t.due_date < today]
            for task in project.open_tasks:
                task.is_overdue = bool(task.due_date and task.due_date < today)
            projects_by_pair.setdefault(project.pair_id, []).append(
                {"project": project, "open_tasks": project.open_tasks, "overdue_count": len(overdue),
                 "behind": bool(overdue)}
            )
        for problem in Problem.objects.filter(pair_id__in=pair_ids).exclude(status=Problem.Status.SOLVED).select_related(
            "raised_by"
        ):
            problems_by_pair.setdefault(problem.pair_id, []).append(problem)

    pair_items = []
    for pair in pairs:
        row = counts.get(("pair", pair.pk), {})
        pace = _pace(row.get("total", 0), pair.yearly_minimum, quarter_number)
        pace["in_quarter"] = row.get("in_quarter", 0)
        partners = [b for b in [pair.lead_branch, *(link.branch for link in pair.grassroots_links.all())]
                    if b.pk != branch.pk]
        projects = projects_by_pair.get(pair.pk, [])
        pair_items.append({
            "pair": pair,
            "partners": partners,
            "activities": pace,
            "plan": _plan_state(plans.get(("pair", pair.pk)), deadline, today),
            "key_projects": projects,
            "open_task_count": sum(len(p["open_tasks"]) for p in projects),
            "overdue_task_count": sum(p["overdue_count"] for p in projects),
            "open_problems": problems_by_pair.get(pair.pk, []),
        })

    exchanges: dict[int, dict[int, set[str]]] = {}
    if partnership_ids:
        for partnership_id, month, kind in InformationExchange.objects.filter(
            partnership_id__in=partnership_ids, period_year=year
        ).values_list("partnership_id", "period_month", "kind"):
            exchanges.setdefault(partnership_id, {}).setdefault((month - 1) // 3 + 1, set()).add(kind)
    partnership_items = []
    for partnership in partnerships:
        row = counts.get(("partnership", partnership.pk), {})
        pace = _pace(row.get("total", 0), partnership.yearly_minimum, quarter_number)
        pace["in_quarter"] = row.get("in_quarter", 0)
        by_quarter = exchanges.get(partnership.pk, {})
        done_kinds = by_quarter.get(quarter_number, set())
        missing = [
            {"kind": value, "label": label}
            for value, label in InformationExchange.Kind.choices if value not in done_kinds
        ] if quarter_number else []
        missed_earlier = sum(
            len({k for k, _ in InformationExchange.Kind.choices} - by_quarter.get(n, set()))
            for n in range(1, quarter_number)
        )
        partnership_items.append({
            "partnership": partnership,
            "activities": pace,
            "plan": _plan_state(plans.get(("partnership", partnership.pk)), deadline, today),
            "exchanges_done": sorted(done_kinds),
            "exchanges_missing": missing,
            "exchanges_missed_earlier": missed_earlier,
            "exchanges_behind": bool(missed_earlier) or (bool(missing) and quarter.end < today),
        })

    duty = _duty_obligations(branch, year, today) if branch.kind == Branch.Kind.OFFICE else None
    rectifications = _open_rectifications(branch, today)

    own_counts = Activity.objects.filter(
        Exists(Activity.branches.through.objects.filter(activity_id=OuterRef("pk"), branch_id=branch.pk)),
        date__year=year,
    ).aggregate(year_total=Count("pk"), quarter_total=Count("pk", filter=in_quarter))

    behind_count = (
        sum(1 for p in pair_items if p["activities"]["behind"])
        + sum(1 for p in partnership_items if p["activities"]["behind"])
        + sum(1 for p in [*pair_items, *partnership_items] if p["plan"]["state"] == "missing")
        + sum(p["overdue_task_count"] for p in pair_items)
        + sum(1 for p in partnership_items if p["exchanges_behind"])
        + (len(duty["behind"]) + len(duty["overdue"]) if duty else 0)
        + (sum(1 for r in rectifications if r.is_overdue) if rectifications else 0)
    )
    return {
        "branch": branch,
        "year": year,
        "today": today,
        "quarter": quarter if quarter_number else None,
        "deadline": deadline,
        "activities": {"year": own_counts["year_total"], "quarter": own_counts["quarter_total"]},
        "pairs": pair_items,
        "partnerships": partnership_items,
        "duty": duty,
        "rectifications": rectifications,
        "behind_count": behind_count,
    }


def _duty_obligations(branch: Branch, year: int, today: date) -> dict | None:
    """Monthly targets of the department's key-work plan that are behind or overdue (mode 1)."""
    from branches.models import KeyWorkPlan, MonthlyTarget

    plan = KeyWorkPlan.objects.filter(unit_id=branch.unit_id, year=year).first()
    if plan is None:
        return {"plan": None, "behind": [], "overdue": [], "total": 0, "done": 0}
    past_month = today.month if year == today.year else (13 if year < today.year else 0)
    targets = list(
        MonthlyTarget.objects.filter(task__plan=plan)
        .filter(Q(status__in=[MonthlyTarget.Status.BEHIND, MonthlyTarget.Status.OVERDUE])
                | Q(status=MonthlyTarget.Status.PENDING, month__lt=past_month))
        .select_related("task")
        .order_by("month", "task__number")[:50]
    )
    stats = MonthlyTarget.objects.filter(task__plan=plan).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status=MonthlyTarget.Status.DONE))
    )
    behind = [t for t in targets if t.status == MonthlyTarget.Status.BEHIND]
    overdue = [t for t in targets if t.status != MonthlyTarget.Status.BEHIND]
    return {"plan": plan, "behind": behind, "overdue": overdue, **stats}


def _open_rectifications(branch: Branch, today: date) -> list | None:
    try:
        from supervision.selectors import open_rectifications
    except ImportError:
        return None
    items = list(open_rectifications(branch_ids=[branch.pk]).order_by("deadline")[:20])
    for item in items:
        item.is_overdue = bool(item.deadline and item.deadline < today)
    return items


# ---------------------------------------------------------------------------------------------
# Pair and partnership pages


def pair_detail(*, pair: Pair, today: date) -> dict:
    quarter_number = _pace_quarter(pair.year, today)
    total = Activity.objects.filter(pair=pair, kind__counts_as_joint=True).count()
    plan = AnnualPlan.objects.filter(pair=pair).select_related("filed_by").first()
    projects = list(
        KeyProject.objects.filter(pair=pair).prefetch_related(
            Prefetch("tasks", queryset=ProjectTask.objects.select_related("claimant__branch"))
        )
    )
    for project in projects:
        for task in project.tasks.all():
            task.is_overdue = bool(task.status != ProjectTask.Status.DONE and task.due_date and task.due_date < today)
    return {
        "pair": pair,
        "branches": pair.branches,
        "activities_pace": _pace(total, pair.yearly_minimum, quarter_number),
        "plan": _plan_state(plan, YearSettings.deadline_for(pair.year), today),
        "projects": projects,
        "problems": list(Problem.objects.filter(pair=pair).select_related("raised_by")),
        "meetings": list(JointMeeting.objects.filter(pair=pair)),
        "activities": list(
            Activity.objects.filter(pair=pair).select_related("kind", "owner_branch").order_by("-date", "-id")[:50]
        ),
    }


def partnership_detail(*, partnership: Partnership, today: date) -> dict:
    quarter_number = _pace_quarter(partnership.year, today)
    total = Activity.objects.filter(partnership=partnership, kind__counts_as_joint=True).count()
    plan = AnnualPlan.objects.filter(partnership=partnership).select_related("filed_by").first()
    exchanges = list(InformationExchange.objects.filter(partnership=partnership))
    by_quarter: dict[int, set[str]] = {}
    for item in exchanges:
        by_quarter.setdefault(item.quarter.number, set()).add(item.kind)
    grid = []
    for number in range(1, 5):
        cells = []
        for value, label in InformationExchange.Kind.choices:
            done = value in by_quarter.get(number, set())
            due = bool(quarter_number) and number <= quarter_number
            cells.append({"kind": value, "label": label, "done": done,
                          "behind": not done and due and Quarter(partnership.year, number).end < today})
        grid.append({"quarter": Quarter(partnership.year, number), "cells": cells})
    return {
        "partnership": partnership,
        "activities_pace": _pace(total, partnership.yearly_minimum, quarter_number),
        "plan": _plan_state(plan, YearSettings.deadline_for(partnership.year), today),
        "exchanges": exchanges,
        "exchange_grid": grid,
        "meetings": list(JointMeeting.objects.filter(partnership=partnership)),
        "activities": list(
            Activity.objects.filter(partnership=partnership).select_related("kind").order_by("-date", "-id")[:50]
        ),
        "members_away": members_away_by_unit(partnership),
    }
