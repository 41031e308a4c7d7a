"""Reads of the annual assessment for pages, exports and reports."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from annual.models import AnnualCompileJob, AnnualEntry, AnnualLine, AnnualSnapshot


def snapshots_of(*, year: int, published_only: bool = False) -> QuerySet[AnnualSnapshot]:
    qs = AnnualSnapshot.objects.filter(year=year).select_related("created_by", "published_by").order_by("-version")
    if published_only:
        qs = qs.exclude(status=AnnualSnapshot.Status.DRAFT)
    return qs


def shown_snapshot(*, year: int, published_only: bool) -> AnnualSnapshot | None:
    """The organisation department sees the newest version, draft or not; others the version in force."""
    return snapshots_of(year=year, published_only=published_only).first()


def latest_job(*, year: int) -> AnnualCompileJob | None:
    return AnnualCompileJob.objects.filter(year=year).order_by("-created_at", "-pk").first()


def groups(*, snapshot: AnnualSnapshot, branch_ids=None) -> list[dict]:
    """[{"name", "size", "entries"}] in group order; optionally only some branches (sizes stay the group's)."""
    out: dict[str, dict] = {}
    for entry in snapshot.entries.order_by("group_sort", "group_name", "position"):
        group = out.setdefault(entry.group_name, {"name": entry.group_name, "size": 0, "entries": []})
        group["size"] += 1
        if branch_ids is None or entry.branch_id in branch_ids:
            group["entries"].append(entry)
    return [g for g in out.values() if g["entries"]]


def entry_for(*, snapshot: AnnualSnapshot, branch_id: int) -> AnnualEntry | None:
    return snapshot.entries.filter(branch_id=branch_id).prefetch_related(
        Prefetch("lines", queryset=AnnualLine.objects.order_by("position"))).first()


def entry_of_branch(*, year: int, branch_id: int) -> AnnualEntry | None:
    """A branch's entry in the year's version in force (for reports and the branch's pages)."""
    snapshot = shown_snapshot(year=year, published_only=True)
    return entry_for(snapshot=snapshot, branch_id=branch_id) if snapshot else None


def grade_counts(*, snapshot: AnnualSnapshot) -> list[dict]:
    """[{"group", "grade", "count"}] in group order, grades in the order first met (best first)."""
    counts: dict[tuple[str, str], int] = {}
    for group, grade in snapshot.entries.order_by("group_sort", "group_name", "position").values_list(
            "group_name", "grade"):
        counts[(group, grade)] = counts.get((group, grade), 0) + 1
    return [{"group": g, "grade": grade, "count": n} for (g, grade), n in counts.items()]
