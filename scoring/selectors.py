"""Reads of the 党建提质杯 for pages, exports and other apps (console, dashboard)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch, QuerySet

from branches.periods import Quarter
from scoring.engine.compile import rubric_for  # noqa: F401 - part of the read API
from scoring.models import (
    CompileJob,
    ManualScore,
    RankingSnapshot,
    Rubric,
    RubricItem,
    SnapshotEntry,
    SnapshotEvidence,
    SnapshotItemScore,
    Veto,
)
from scoring.versions import current_of


def snapshots_of(*, quarter: Quarter, published_only: bool = False) -> QuerySet[RankingSnapshot]:
    qs = RankingSnapshot.objects.filter(year=quarter.year, number=quarter.number).select_related(
        "created_by", "published_by").order_by("-version")
    if published_only:
        qs = qs.filter(status=RankingSnapshot.Status.PUBLISHED)
    return qs


def latest_snapshot(*, quarter: Quarter, published_only: bool = False) -> RankingSnapshot | None:
    return snapshots_of(quarter=quarter, published_only=published_only).first()


def current_snapshot(*, quarter: Quarter) -> RankingSnapshot | None:
    """The published version that counts for the quarter."""
    return current_of(RankingSnapshot.objects.filter(year=quarter.year, number=quarter.number))


def unscored_manual(*, snapshot: RankingSnapshot) -> list[dict]:
    """Branches of a draft with manual (non-bonus) items nobody has scored: they count as 0 if published.
    [{"branch_id", "branch_code", "branch_name", "items": ["M1 组织生活质量", ...]}] (2 queries)."""
    rows = SnapshotItemScore.objects.filter(entry__snapshot=snapshot, method=RubricItem.Method.MANUAL,
                                            is_bonus=False).values(
        "entry__branch_id", "entry__branch_code", "entry__branch_name", "item_id", "item_code", "item_name",
        "evidence_data").order_by("entry__branch_code", "position")
    scored = set(ManualScore.objects.filter(year=snapshot.year, number=snapshot.number).values_list(
        "branch_id", "item_id"))
    out: dict[int, dict] = {}
    for r in rows:
        stored = r["evidence_data"] if isinstance(r["evidence_data"], list) else []
        if any(ref.get("model") == "scoring.manualscore" for ref in stored):
            continue
        if (r["entry__branch_id"], r["item_id"]) in scored:
            continue
        branch = out.setdefault(r["entry__branch_id"], {
            "branch_id": r["entry__branch_id"], "branch_code": r["entry__branch_code"],
            "branch_name": r["entry__branch_name"], "items": []})
        branch["items"].append(f"{r['item_code']} {r['item_name']}")
    return list(out.values())


def version_diff(*, old: RankingSnapshot, new: RankingSnapshot, changed_only: bool = True) -> list[dict]:
    """Per branch, what a correction changed: points and rank in each version (None where absent)."""
    columns = ("branch_id", "branch_code", "branch_name", "group_name", "total", "rank")
    before = {e["branch_id"]: e for e in old.entries.values(*columns)}
    after = {e["branch_id"]: e for e in new.entries.values(*columns)}
    rows = []
    for branch_id in sorted(before.keys() | after.keys(),
                            key=lambda b: (after.get(b) or before[b])["branch_code"]):
        a, b = before.get(branch_id), after.get(branch_id)
        row = {"branch_id": branch_id, "branch_code": (b or a)["branch_code"], "branch_name": (b or a)["branch_name"],
               "group_name": (b or a)["group_name"],
               "old_total": a["total"] if a else None, "new_total": b["total"] if b else None,
               "old_rank": a["rank"] if a else None, "new_rank": b["rank"] if b else None}
        row["points_change"] = (row["new_total"] - row["old_total"]) if a and b else None
        row["changed"] = (row["old_total"], row["old_rank"], (a or {}).get("group_name")) != (
            row["new_total"], row["new_rank"], (b or {}).get("group_name"))
        if row["changed"] or not changed_only:
            rows.append(row)
    return rows


def latest_job(*, quarter: Quarter) -> CompileJob | None:
    return CompileJob.objects.filter(year=quarter.year, number=quarter.number).order_by("-created_at", "-pk").first()


def snapshot_groups(*, snapshot: RankingSnapshot, branch_ids=None) -> list[dict]:
    """[{"name", "entries": [SnapshotEntry...]}] in group order; optionally only some branches."""
    entries = snapshot.entries.order_by("group_sort", "group_name", "position")
    if branch_ids is not None:
        entries = entries.filter(branch_id__in=branch_ids)
    groups: dict[str, dict] = {}
    for entry in entries:
        groups.setdefault(entry.group_name, {"name": entry.group_name, "entries": [], "size": 0})
        groups[entry.group_name]["entries"].append(entry)
    if branch_ids is not None and groups:
        sizes = defaultdict(int)
        for name in snapshot.entries.filter(group_name__in=list(groups)).values_list("group_name", flat=True):
            sizes[name] += 1
        for name, group in groups.items():
            group["size"] = sizes[name]
    else:
        for group in groups.values():
            group["size"] = len(group["entries"])
    return list(groups.values())


ENTRY_COLUMNS = ("id", "group_name", "rank", "branch_id", "branch_code", "branch_name", "base_total", "bonus_total",
                 "total", "vetoed", "veto_reason")


class _GroupRows:
    """A ranking group's rows in rank order, read as they are iterated: the entries and their item scores
    come from two server-side cursors walked side by side, so an export holds a chunk of rows, not the
    snapshot (its memory does not grow with the organisation). Each iteration runs its two queries again."""

    chunk = 2000

    def __init__(self, snapshot: RankingSnapshot, group: str, first_id: int, last_id: int):
        self.snapshot, self.group, self.first_id, self.last_id = snapshot, group, first_id, last_id

    def __iter__(self):
        entries = self.snapshot.entries.filter(group_name=self.group).order_by("position", "id").values(
            *ENTRY_COLUMNS).iterator(chunk_size=self.chunk)
        # The id range lets the planner go through the item scores' entry index even with stale statistics.
        scores = SnapshotItemScore.objects.filter(
            entry__snapshot=self.snapshot, entry__group_name=self.group, entry__gte=self.first_id,
            entry__lte=self.last_id).order_by("entry__position", "entry_id").values_list(
            "entry_id", "item_code", "points").iterator(chunk_size=self.chunk * 20)
        pending = next(scores, None)
        for e in entries:
            points: dict[str, Decimal] = {}
            while pending is not None and pending[0] == e["id"]:
                points[pending[1]] = pending[2]
                pending = next(scores, None)
            yield {"entry": e, "points": points}


def snapshot_table(*, snapshot: RankingSnapshot) -> list[dict]:
    """Per group: the item columns (code, name, max) and rows of entries (dicts of ENTRY_COLUMNS) with points
    per item. The columns are read at once (2 queries, plain values); the rows as they are iterated (2 queries
    per group, see `_GroupRows`)."""
    groups = list(snapshot.entries.order_by().values("group_sort", "group_name").annotate(
        first=Min("id"), last=Max("id"), count=Count("id")).order_by("group_sort", "group_name"))
    if not groups:
        return []
    first, last = min(g["first"] for g in groups), max(g["last"] for g in groups)
    item_scores = SnapshotItemScore.objects.filter(entry__snapshot=snapshot, entry__gte=first, entry__lte=last)
    columns: dict[str, dict[str, dict]] = defaultdict(dict)
    # An item left out of some branches' maximum (not applicable) is stored with 0: the column shows its maximum.
    for c in item_scores.order_by().values(
            "entry__group_name", "item_code", "item_name", "max_points", "is_bonus").annotate(
            position=Min("position")).order_by("-max_points"):
        columns[c["entry__group_name"]].setdefault(c["item_code"], {
            "code": c["item_code"], "name": c["item_name"], "max": c["max_points"], "is_bonus": c["is_bonus"],
            "position": c["position"]})
    return [{"name": g["group_name"],
             "columns": sorted(columns[g["group_name"]].values(), key=lambda c: (c["position"], c["code"])),
             "count": g["count"], "rows": _GroupRows(snapshot, g["group_name"], g["first"], g["last"])}
            for g in groups]


def entry_for(*, snapshot: RankingSnapshot, branch_id: int) -> SnapshotEntry | None:
    """A branch's entry in a snapshot with its item scores in rubric order."""
    return snapshot.entries.filter(branch_id=branch_id).prefetch_related(
        Prefetch("item_scores", queryset=SnapshotItemScore.objects.order_by("position"))).first()


def attach_evidence(entries: list[SnapshotEntry]) -> None:
    """Load the frozen evidence of the item scores of these entries: one query per snapshot."""
    by_snapshot: dict[int, list[SnapshotItemScore]] = defaultdict(list)
    for entry in entries:
        for score in entry.item_scores.all():
            score.entry = entry
            by_snapshot[entry.snapshot_id].append(score)
    for snapshot_id, scores in by_snapshot.items():
        SnapshotEvidence.attach(scores, snapshot_id=snapshot_id)


def _stats(values: list[Decimal]) -> dict:
    floats = [float(v) for v in values]
    if not floats:
        return {"min": None, "max": None, "mean": None, "median": None, "count": 0}
    return {"min": round(min(floats), 2), "max": round(max(floats), 2),
            "mean": round(statistics.fmean(floats), 2), "median": round(statistics.median(floats), 2),
            "count": len(floats)}


def _shown_snapshots(quarters: list[Quarter]) -> dict[Quarter, RankingSnapshot]:
    """Per quarter: the latest published snapshot, else the latest draft (one query)."""
    if not quarters:
        return {}
    years = {q.year for q in quarters}
    wanted = set(quarters)
    best: dict[Quarter, RankingSnapshot] = {}
    for s in RankingSnapshot.objects.filter(year__in=years).order_by("year", "number", "version"):
        q = s.quarter
        if q not in wanted:
            continue
        current = best.get(q)
        if current is None or s.is_published or not current.is_published:
            best[q] = s
    return best


def rankings_trend(*, quarters: list[Quarter]) -> list[dict]:
    """For each ranking group and quarter: stats of the totals of the shown snapshot (published else draft)."""
    shown = _shown_snapshots(quarters)
    by_snapshot: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    group_order: dict[str, tuple] = {}
    for row in SnapshotEntry.objects.filter(snapshot__in=[s.pk for s in shown.values()]).values(
            "snapshot_id", "group_name", "group_sort", "total"):
        by_snapshot[row["snapshot_id"]][row["group_name"]].append(row["total"])
        group_order.setdefault(row["group_name"], (row["group_sort"], row["group_name"]))
    out = []
    for q in sorted(shown):
        s = shown[q]
        for name in sorted(by_snapshot[s.pk], key=lambda n: group_order[n]):
            out.append({"group": name, "quarter": str(q), "status": s.status, **_stats(by_snapshot[s.pk][name])})
    return out


def latest_ranking_rows(*, quarter: Quarter, limit_per_group: int = 10) -> list[dict]:
    """The top rows of each group in the shown snapshot of a quarter (published else latest draft)."""
    snapshot = _shown_snapshots([quarter]).get(quarter)
    if snapshot is None:
        return []
    rows, seen = [], defaultdict(int)
    for e in snapshot.entries.order_by("group_sort", "group_name", "position").values(
            "group_name", "rank", "branch_id", "branch_name", "total", "vetoed"):
        if seen[e["group_name"]] >= limit_per_group:
            continue
        seen[e["group_name"]] += 1
        rows.append({"group": e["group_name"], "rank": e["rank"], "branch_id": e["branch_id"],
                     "branch_name": e["branch_name"], "total": e["total"], "vetoed": e["vetoed"],
                     "status": snapshot.status})
    return rows


def manual_items(*, quarter: Quarter) -> list[RubricItem]:
    rubric = rubric_for(quarter)
    if rubric is None:
        return []
    return list(rubric.items.filter(method=RubricItem.Method.MANUAL).select_related("section").order_by(
        "section__sort_order", "sort_order", "code"))


def manual_scores(*, quarter: Quarter, items: list[RubricItem]) -> dict[tuple[int, int], ManualScore]:
    return {(m.branch_id, m.item_id): m for m in ManualScore.objects.filter(
        year=quarter.year, number=quarter.number, item__in=items).select_related("updated_by")}


def vetoes(*, quarter: Quarter) -> dict[int, Veto]:
    return {v.branch_id: v for v in Veto.objects.filter(year=quarter.year, number=quarter.number)}


def manual_history(*, quarter: Quarter, limit: int = 50) -> list:
    """Who changed which manual score or veto of the quarter, and when (newest first)."""
    scores = list(ManualScore.history.filter(year=quarter.year, number=quarter.number).select_related(
        "history_user", "branch", "item").order_by("-history_date")[:limit])
    veto_rows = list(Veto.history.filter(year=quarter.year, number=quarter.number).select_related(
        "history_user", "branch").order_by("-history_date")[:limit])
    rows = sorted(scores + veto_rows, key=lambda h: h.history_date, reverse=True)[:limit]
    return rows


def quarters_in_force(rubrics) -> dict[int, tuple[int, int]]:
    """For each active version, the first and last quarter of its year it scores (`rubric_for`'s rule:
    the active version with the latest start, then the highest version, wins a quarter)."""
    span: dict[int, list[int]] = {}
    by_year: dict[int, list] = defaultdict(list)
    for rubric in rubrics:
        if rubric.status == Rubric.Status.ACTIVE:
            by_year[rubric.year].append(rubric)
    for versions in by_year.values():
        for number in range(1, 5):
            started = [r for r in versions if r.valid_from <= number]
            if started:
                winner = max(started, key=lambda r: (r.valid_from, r.version))
                span.setdefault(winner.pk, []).append(number)
    return {pk: (numbers[0], numbers[-1]) for pk, numbers in span.items()}
