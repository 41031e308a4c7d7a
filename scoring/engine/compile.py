"""Compile a quarter: read every source once for all branches, score every item, rank, write one snapshot.

Reading happens first (progress is reported between the steps); the snapshot, its entries and item
scores are then written in one transaction, so a failure part-way leaves no partial snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch, YearSettings
from branches.periods import Quarter
from scoring.engine import methods
from scoring.engine.sources import SOURCES, Context, Fact
from scoring.models import (
    ManualScore,
    RankingGroup,
    RankingSnapshot,
    Rubric,
    RubricItem,
    SnapshotEntry,
    SnapshotItemScore,
    Veto,
)

Progress = Callable[[int, str], None]
ADVISORY_LOCK_BASE = 746_500_000  # + year*10 + quarter: one compile writer per quarter at a time


@dataclass
class ItemResult:
    item: RubricItem
    outcome: methods.Outcome
    evidence: list[dict] = field(default_factory=list)


@dataclass
class BranchResult:
    branch: dict
    group: RankingGroup
    items: list[ItemResult]
    vetoed: bool = False
    veto_reason: str = ""

    @property
    def base_total(self) -> Decimal:
        return sum((r.outcome.points for r in self.items if not r.item.is_bonus), methods.ZERO)

    @property
    def bonus_total(self) -> Decimal:
        return sum((r.outcome.points for r in self.items if r.item.is_bonus), methods.ZERO)

    @property
    def total(self) -> Decimal:
        return methods.q2(self.base_total + self.bonus_total)


def rubric_for(quarter: Quarter) -> Rubric | None:
    """The rubric version in force for a quarter: the active version of its year with the latest start."""
    return (Rubric.objects.filter(year=quarter.year, status=Rubric.Status.ACTIVE, valid_from__lte=quarter.number)
            .order_by("-valid_from", "-version").first())


def assign_groups(branches: list[dict]) -> dict[int, RankingGroup]:
    """Explicitly listed branches go to their group; the rest to the first group (by order) of their kind."""
    groups = list(RankingGroup.objects.filter(is_active=True).order_by("sort_order", "id"))
    by_id = {g.pk: g for g in groups}
    explicit: dict[int, RankingGroup] = {}
    for link in RankingGroup.branches.through.objects.filter(rankinggroup__is_active=True).values(
            "rankinggroup_id", "branch_id").order_by("rankinggroup__sort_order", "rankinggroup_id"):
        explicit.setdefault(link["branch_id"], by_id[link["rankinggroup_id"]])
    out: dict[int, RankingGroup] = {}
    for b in branches:
        group = explicit.get(b["id"]) or next((g for g in groups if b["kind"] in (g.branch_kinds or [])), None)
        if group is not None:
            out[b["id"]] = group
    return out


def score_item(item: RubricItem, fact: Fact | None, manual: dict | None, deadline) -> ItemResult:
    method = item.method
    M = RubricItem.Method
    if method == M.MANUAL and item.is_bonus and not manual:
        return ItemResult(item, methods.Outcome(methods.ZERO, _("本季度无加分。")))
    if method == M.MANUAL:
        outcome = methods.manual(item.max_points, manual["points"] if manual else None,
                                 manual["reason"] if manual else "")
        evidence = [{"model": "scoring.manualscore", "id": manual["id"], "label": manual["reason"][:200]}] if manual else []
        return ItemResult(item, outcome, evidence)
    fact = fact or Fact()
    if method == M.COUNT_TARGET:
        outcome = methods.count_target(item.max_points, fact.counts, item.target or Decimal(1))
    elif method == M.ON_TIME:
        outcome = methods.on_time(item.max_points, fact.filed, deadline)
    elif method == M.RATIO:
        outcome = methods.ratio(item.max_points, fact.done, fact.due)
    elif method == M.DEDUCTION_PER:
        outcome = methods.deduction_per(item.max_points, fact.instances, item.deduction or Decimal(0))
    else:  # pragma: no cover - guarded by RubricItem.clean
        raise ValidationError(_("未知的计分方式：%(method)s") % {"method": method})
    return ItemResult(item, outcome, fact.evidence)


def compute(quarter: Quarter, *, progress: Progress | None = None) -> tuple[Rubric, list[BranchResult]]:
    """Read everything and score every branch in memory; a fixed number of queries whatever the branch count."""
    report = progress or (lambda pct, stage: None)
    rubric = rubric_for(quarter)
    if rubric is None:
        raise ValidationError(_("%(quarter)s 没有生效的评分细则，请先在评分细则页面启用一个版本。")
                              % {"quarter": str(quarter)})
    items = list(rubric.items.select_related("section").order_by("section__sort_order", "sort_order", "code"))
    branches = list(Branch.objects.filter(is_active=True).values("id", "code", "name", "kind", "unit_id")
                    .order_by("code"))
    groups = assign_groups(branches)
    branches = [b for b in branches if b["id"] in groups]
    ctx = Context(quarter, {b["id"]: b for b in branches})
    report(15, _("读取评分细则与排名分组"))

    used_sources = sorted({i.source for i in items if i.method != RubricItem.Method.MANUAL and i.source})
    facts: dict[str, dict[int, Fact]] = {}
    for n, key in enumerate(used_sources, start=1):
        facts[key] = SOURCES[key][0](ctx)
        report(15 + int(60 * n / max(1, len(used_sources))), _("统计：%(source)s")
               % {"source": RubricItem.Source(key).label})

    manual = {(m["branch_id"], m["item_id"]): m for m in ManualScore.objects.filter(
        year=quarter.year, number=quarter.number, item__rubric=rubric).values("id", "branch_id", "item_id", "points",
                                                                             "reason")}
    vetoes = {v["branch_id"]: v["reason"] for v in Veto.objects.filter(year=quarter.year, number=quarter.number)
              .values("branch_id", "reason")}
    deadline = YearSettings.deadline_for(quarter.year)
    results = []
    for b in branches:
        scored = [score_item(i, facts.get(i.source, {}).get(b["id"]), manual.get((b["id"], i.pk)), deadline)
                  for i in items if i.applies_to(b["kind"])]
        results.append(BranchResult(b, groups[b["id"]], scored, b["id"] in vetoes, vetoes.get(b["id"], "")))
    report(80, _("计算排名"))
    return rubric, results


def _lock_quarter(quarter: Quarter) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_BASE + quarter.year * 10 + quarter.number])
    # Row locks on the quarter's snapshots, where the database has them; the unique (quarter, version)
    # constraint stands behind both.
    list(RankingSnapshot.objects.select_for_update().filter(year=quarter.year, number=quarter.number)
         .values_list("pk", flat=True))


def write_snapshot(quarter: Quarter, rubric: Rubric, results: list[BranchResult], *, user=None, task_id: str = "",
                   publish: bool = False) -> RankingSnapshot:
    with transaction.atomic():
        _lock_quarter(quarter)
        latest = RankingSnapshot.objects.filter(year=quarter.year, number=quarter.number).aggregate(v=Max("version"))
        snapshot = RankingSnapshot.objects.create(
            year=quarter.year, number=quarter.number, version=(latest["v"] or 0) + 1, rubric=rubric,
            rubric_label=str(rubric), task_id=task_id or "", created_by=user)
        entries, scored = [], []
        by_group: dict[int, list[BranchResult]] = {}
        for r in results:
            by_group.setdefault(r.group.pk, []).append(r)
        for group_results in by_group.values():
            order = methods.competition_ranks([(r.total, r.branch["code"], r.vetoed) for r in group_results])
            for position, (index, rank) in enumerate(order, start=1):
                r = group_results[index]
                entries.append(SnapshotEntry(
                    snapshot=snapshot, group=r.group, group_name=r.group.name, group_sort=r.group.sort_order,
                    branch_id=r.branch["id"], branch_code=r.branch["code"], branch_name=r.branch["name"],
                    base_total=methods.q2(r.base_total), bonus_total=methods.q2(r.bonus_total), total=r.total,
                    rank=rank, position=position, vetoed=r.vetoed, veto_reason=r.veto_reason))
                scored.append(r)
        SnapshotEntry.objects.bulk_create(entries)
        rows = []
        for entry, r in zip(entries, scored, strict=True):
            for position, ir in enumerate(r.items):
                item = ir.item
                rows.append(SnapshotItemScore(
                    entry=entry, item=item, item_code=item.code, item_name=item.name, section_name=item.section.name,
                    mode=item.mode, method=item.method, max_points=item.max_points, is_bonus=item.is_bonus,
                    rule=item.rule, count=ir.outcome.count, target=ir.outcome.target, points=ir.outcome.points,
                    explanation=ir.outcome.explanation, evidence=ir.evidence, position=position))
        SnapshotItemScore.objects.bulk_create(rows)
        if publish:
            snapshot.status = RankingSnapshot.Status.PUBLISHED
            snapshot.published_at = timezone.now()
            snapshot.published_by = user
            snapshot.save(update_fields=["status", "published_at", "published_by"])
    return snapshot
