"""Reads of routine supervision, scoped by who is asking."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from branches.access import person_for
from branches.models import Branch
from branches.periods import Quarter
from supervision.models import (
    Finding,
    FindingEvidence,
    GroupBranch,
    Rectification,
    SupervisionGroup,
    SupervisionRound,
    Visit,
)

State = Rectification.State


# ---------------------------------------------------------------------------------------------
# Contract with the workspace and the scoring engine


def open_rectifications(*, branch_ids) -> QuerySet[Rectification]:
    """Rectifications of these branches not yet closed, soonest deadline first."""
    return (
        Rectification.objects.filter(branch_id__in=list(branch_ids))
        .exclude(state=State.CLOSED)
        .select_related("branch")
        .order_by("deadline", "id")
    )


def overdue_rectifications(*, branch_ids=None, as_of: date | None = None) -> QuerySet[Rectification]:
    as_of = as_of or timezone.localdate()
    qs = Rectification.objects.exclude(state=State.CLOSED).filter(deadline__lt=as_of)
    if branch_ids is not None:
        qs = qs.filter(branch_id__in=list(branch_ids))
    return qs.select_related("branch").order_by("deadline", "id")


# ---------------------------------------------------------------------------------------------
# Scope


def groups_of(user) -> QuerySet[SupervisionGroup]:
    """Groups a person leads or belongs to (as an inspector)."""
    if user is None or not getattr(user, "pk", None) or not person_for(user).is_inspector:
        return SupervisionGroup.objects.none()
    return SupervisionGroup.objects.filter(Q(leader_id=user.pk) | Q(members__id=user.pk)).distinct()


def scope_branch_ids(user) -> set[int] | None:
    """Branches whose supervision records a person may read: None means all (organisation department).

    An inspector sees the branches of their groups, a secretary or committee member their own branch;
    a viewer reads summaries only (no records).
    """
    person = person_for(user)
    if person.is_org_admin:
        return None
    ids = set(person.branch_ids)
    if person.is_inspector:
        ids |= set(GroupBranch.objects.filter(group__in=groups_of(user)).values_list("branch_id", flat=True))
    return ids


def _scoped(qs: QuerySet, user, field: str) -> QuerySet:
    ids = scope_branch_ids(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{field}__in": ids})


def rectifications_for(user) -> QuerySet[Rectification]:
    return _scoped(Rectification.objects.all(), user, "branch_id").select_related(
        "branch", "finding__visit__group__round", "owner"
    )


def visits_for(user) -> QuerySet[Visit]:
    return _scoped(Visit.objects.all(), user, "branch_id").select_related("branch", "group__round", "created_by")


def findings_for(user) -> QuerySet[Finding]:
    return _scoped(Finding.objects.all(), user, "visit__branch_id").select_related("visit__branch", "visit__group")


def get_rectification_for(user, pk: int) -> Rectification:
    found = rectifications_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_visit_for(user, pk: int) -> Visit:
    found = visits_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def visit_lock(*, visit: Visit) -> str:
    """Why a visit and its findings are read-only (its quarter's ranking is published), or "" while open."""
    from pairing.services import lock_message, record_is_locked

    return lock_message(Quarter.of(visit.date)) if record_is_locked(visit.date) else ""


def rounds_for(user) -> QuerySet[SupervisionRound]:
    person = person_for(user)
    qs = SupervisionRound.objects.annotate(group_count=Count("groups", distinct=True))
    if person.is_org_admin:
        return qs
    if person.is_inspector:
        return qs.filter(groups__in=groups_of(user)).distinct()
    return qs.none()


def get_round_for(user, pk: int) -> SupervisionRound:
    found = rounds_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def visible_groups(user, supervision_round: SupervisionRound) -> QuerySet[SupervisionGroup]:
    qs = supervision_round.groups.select_related("leader").prefetch_related("members")
    if person_for(user).is_org_admin:
        return qs
    return qs.filter(pk__in=groups_of(user).values("pk"))


def get_group_for(user, pk: int) -> SupervisionGroup:
    qs = SupervisionGroup.objects.select_related("round", "leader")
    if not person_for(user).is_org_admin:
        qs = qs.filter(pk__in=groups_of(user).values("pk"))
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def group_coverage(group: SupervisionGroup) -> list[dict]:
    """Branches a group covers, each with its visits count and open rectifications."""
    links = list(GroupBranch.objects.filter(group=group).select_related("branch").order_by("branch__code"))
    branch_ids = [link.branch_id for link in links]
    visits = dict(
        Visit.objects.filter(group=group, branch_id__in=branch_ids).values("branch_id")
        .annotate(n=Count("id")).values_list("branch_id", "n")
    )
    open_counts = dict(
        Rectification.objects.filter(branch_id__in=branch_ids, finding__visit__group=group).exclude(state=State.CLOSED)
        .values("branch_id").annotate(n=Count("id")).values_list("branch_id", "n")
    )
    return [
        {"link": link, "branch": link.branch, "visits": visits.get(link.branch_id, 0),
         "open_rectifications": open_counts.get(link.branch_id, 0)}
        for link in links
    ]


def unsampled_branches(supervision_round: SupervisionRound) -> QuerySet[Branch]:
    taken = GroupBranch.objects.filter(round=supervision_round).values("branch_id")
    return Branch.objects.filter(is_active=True).exclude(pk__in=taken).order_by("code")


def sample_overview(supervision_round: SupervisionRound) -> list[dict]:
    """Per branch kind: how many branches exist and how many this round covers."""
    totals = dict(Branch.objects.filter(is_active=True).values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    taken = dict(
        GroupBranch.objects.filter(round=supervision_round).values("branch__kind").annotate(n=Count("id"))
        .values_list("branch__kind", "n")
    )
    return [
        {"kind": kind, "label": label, "total": totals.get(kind, 0), "sampled": taken.get(kind, 0)}
        for kind, label in Branch.Kind.choices
    ]


# ---------------------------------------------------------------------------------------------
# Case library


def case_library(*, q: str = "", mode: str = "", branch_kind: str = "") -> QuerySet[Finding]:
    """Typical experiences 典型经验, open to everyone signed in, newest first."""
    qs = (
        Finding.objects.filter(kind=Finding.Kind.TYPICAL_EXPERIENCE)
        .select_related("visit__branch", "visit__group__round")
        .prefetch_related(Prefetch("evidence", queryset=FindingEvidence.objects.order_by("id")))
        .order_by("-visit__date", "-id")
    )
    if q:
        for word in q.split():
            qs = qs.filter(Q(title__icontains=word) | Q(text__icontains=word) | Q(visit__branch__name__icontains=word))
    if mode in Finding.Mode.values:
        qs = qs.filter(mode=mode)
    if branch_kind in Branch.Kind.values:
        qs = qs.filter(visit__branch__kind=branch_kind)
    return qs


def get_case(pk: int) -> Finding:
    found = case_library().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------------------------------------
# Dashboard


def can_see_summary(user) -> bool:
    """The supervision summary: the whole company for those who see everything (organisation department,
    company leaders), their own groups' work for inspectors; not for branches or departments."""
    person = person_for(user)
    return person.sees_everything or person.is_inspector


def supervision_summary_for(user, *, year: int, today: date | None = None) -> dict:
    """The summary a person may see (see `can_see_summary`); 404 for anyone else."""
    person = person_for(user)
    if person.sees_everything:
        return supervision_summary(year=year, today=today)
    if person.is_inspector:
        return supervision_summary(year=year, today=today, group_ids=list(groups_of(user).values_list("pk", flat=True)))
    raise Http404


def supervision_summary(*, year: int, today: date | None = None, group_ids: list[int] | None = None) -> dict:
    """Rounds, visits done, findings by kind and rectifications open/overdue/closed of a year; with
    `group_ids`, only those groups' rounds, visits, findings and rectifications (an inspector's summary).

    {"year", "scoped": bool, "rounds": {"total", "planned", "in_progress", "closed"}, "visits": int,
     "branches_visited": int, "findings": {"shortcoming", "strength", "typical_experience", "total"},
     "findings_by_kind": [{"kind", "label", "count"}],
     "rectifications": {"total", "open", "overdue", "closed"}}
    """
    today = today or timezone.localdate()
    rounds_qs = SupervisionRound.objects.filter(year=year)
    visits = Visit.objects.filter(group__round__year=year)
    findings = Finding.objects.filter(visit__group__round__year=year)
    rectifications = Rectification.objects.filter(finding__visit__group__round__year=year)
    if group_ids is not None:
        rounds_qs = rounds_qs.filter(pk__in=SupervisionGroup.objects.filter(pk__in=group_ids).values("round_id"))
        visits = visits.filter(group_id__in=group_ids)
        findings = findings.filter(visit__group_id__in=group_ids)
        rectifications = rectifications.filter(finding__visit__group_id__in=group_ids)
    rounds = dict(rounds_qs.values("status").annotate(n=Count("id")).values_list("status", "n"))
    visit_stats = visits.aggregate(n=Count("id"), branches=Count("branch", distinct=True))
    by_kind = dict(findings.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    rect = rectifications.aggregate(
        total=Count("id"),
        closed=Count("id", filter=Q(state=State.CLOSED)),
        open=Count("id", filter=~Q(state=State.CLOSED)),
        overdue=Count("id", filter=~Q(state=State.CLOSED) & Q(deadline__lt=today)),
    )
    return {
        "year": year,
        "scoped": group_ids is not None,
        "rounds": {
            "total": sum(rounds.values()),
            **{status: rounds.get(status, 0) for status in SupervisionRound.Status.values},
        },
        "visits": visit_stats["n"],
        "branches_visited": visit_stats["branches"],
        "findings": {**{kind: by_kind.get(kind, 0) for kind in Finding.Kind.values}, "total": sum(by_kind.values())},
        "findings_by_kind": [
            {"kind": kind, "label": str(label), "count": by_kind.get(kind, 0)} for kind, label in Finding.Kind.choices
        ],
        "rectifications": rect,
    }
