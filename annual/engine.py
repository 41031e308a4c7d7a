"""Compile a year: roll the published quarters up, score the annual items, share bonuses and deductions
between pair partners (连带奖扣), rank within the ranking groups, grade by quota, write one snapshot.

Computed annual items reuse the quarterly record sources (scoring.engine.sources), run for each quarter
of the year and added up: counts and ratios over the four quarters, filings and open overdue findings
as of the year's end. Reading comes first; the snapshot is written in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from annual import grading
from annual.models import (
    AnnualEntry,
    AnnualItem,
    AnnualLine,
    AnnualManualScore,
    AnnualRubric,
    AnnualSnapshot,
    AnnualVeto,
    JointRule,
)
from branches.models import Branch, YearSettings
from branches.periods import Quarter, quarters_of_year
from pairing.models import Pair
from scoring.engine import methods, registry
from scoring.engine.compile import assign_groups
from scoring.engine.sources import Context, Fact
from scoring.models import RankingSnapshot, SnapshotEntry

Progress = Callable[[int, str], None]
fmt, q2, ZERO = methods.fmt, methods.q2, methods.ZERO


@dataclass
class Line:
    kind: str
    name: str
    points: Decimal
    explanation: str
    code: str = ""
    item_kind: str = ""
    max_points: Decimal | None = None
    evidence: list | dict = field(default_factory=list)


@dataclass
class Result:
    branch: dict
    group: object
    lines: list[Line] = field(default_factory=list)
    vetoed: bool = False
    veto_reason: str = ""
    rank: int = 0
    grade: str = ""
    grade_explanation: str = ""

    def _sum(self, kind: str, item_kind: str | None = None) -> Decimal:
        return q2(sum((line.points for line in self.lines if line.kind == kind
                       and (item_kind is None or line.item_kind == item_kind)), ZERO))

    @property
    def quarter_points(self) -> Decimal:
        return self._sum(AnnualLine.Kind.QUARTER)

    @property
    def item_points(self) -> Decimal:
        return self._sum(AnnualLine.Kind.ITEM, AnnualItem.Kind.BASE)

    @property
    def bonus_points(self) -> Decimal:
        return self._sum(AnnualLine.Kind.ITEM, AnnualItem.Kind.BONUS)

    @property
    def deduction_points(self) -> Decimal:
        return self._sum(AnnualLine.Kind.ITEM, AnnualItem.Kind.DEDUCTION)

    @property
    def joint_points(self) -> Decimal:
        return self._sum(AnnualLine.Kind.JOINT)

    @property
    def total(self) -> Decimal:
        return q2(self.quarter_points + self.item_points + self.bonus_points + self.deduction_points
                  + self.joint_points)


def rubric_for(year: int) -> AnnualRubric | None:
    return AnnualRubric.objects.filter(year=year, status=AnnualRubric.Status.ACTIVE).order_by("-version").first()


def published_quarters(year: int) -> dict[int, RankingSnapshot]:
    """Each quarter's current published ranking: its newest published version."""
    out: dict[int, RankingSnapshot] = {}
    for s in RankingSnapshot.objects.filter(year=year, status=RankingSnapshot.Status.PUBLISHED).order_by("version"):
        out[s.number] = s
    return out


# --- the parts -----------------------------------------------------------------------------------------

def _quarter_lines(rubric: AnnualRubric, snapshots: dict[int, RankingSnapshot], branch_ids: list[int]
                   ) -> dict[int, list[Line]]:
    entries: dict[tuple[int, int], dict] = {}
    by_snapshot = {s.pk: n for n, s in snapshots.items()}
    for e in SnapshotEntry.objects.filter(snapshot__in=list(by_snapshot)).values(
            "snapshot_id", "branch_id", "total", "vetoed", "veto_reason"):
        entries[(by_snapshot[e["snapshot_id"]], e["branch_id"])] = e
    weights = rubric.weights()
    share = Decimal(rubric.quarter_share) / 100
    out: dict[int, list[Line]] = defaultdict(list)
    for branch_id in branch_ids:
        for quarter, weight in zip(quarters_of_year(rubric.year), weights, strict=True):
            snapshot = snapshots.get(quarter.number)
            entry = entries.get((quarter.number, branch_id)) if snapshot else None
            if snapshot is None:
                out[branch_id].append(Line(AnnualLine.Kind.QUARTER, str(quarter), ZERO, _(
                    "%(quarter)s 尚无已发布的排名，暂计 0 分。") % {"quarter": quarter}, code=str(quarter)))
                continue
            if entry is None:
                out[branch_id].append(Line(AnnualLine.Kind.QUARTER, str(quarter), ZERO, _(
                    "未参加 %(quarter)s 排名，计 0 分。") % {"quarter": quarter}, code=str(quarter)))
                continue
            points = q2(entry["total"] * weight * share)
            text = _("%(quarter)s 第 %(v)s 版排名总分 %(total)s × 权重 %(weight)s") % {
                "quarter": quarter, "v": snapshot.version, "total": fmt(entry["total"]), "weight": fmt(weight)}
            if share != 1:
                text += _(" × 折算 %(share)s%%") % {"share": fmt(rubric.quarter_share)}
            text += _(" = %(points)s 分。") % {"points": fmt(points)}
            out[branch_id].append(Line(AnnualLine.Kind.QUARTER, str(quarter), points, text, code=str(quarter),
                                       evidence={"quarter_snapshot": snapshot.pk, "vetoed": entry["vetoed"],
                                                 "veto_reason": entry["veto_reason"]}))
    return out


def _item_facts(item: AnnualItem, contexts: dict[Quarter, Context]) -> dict[int, tuple[Fact, dict]]:
    """{branch: (the year's fact, {quarter: scope})} of a computed item."""
    source = registry.SOURCES[item.source].compute
    by_quarter = {q: source(ctx) for q, ctx in contexts.items()}
    last = max(contexts)
    out: dict[int, tuple[Fact, dict]] = {}
    for branch_id in contexts[last].branches:
        facts = {q: by_quarter[q].get(branch_id) or Fact() for q in contexts}
        if item.method in (AnnualItem.Method.ON_TIME, AnnualItem.Method.DEDUCTION_PER):
            out[branch_id] = (facts[last], {str(last): facts[last].scope})
            continue
        counts: list[int] = []
        for fact in facts.values():
            for n, c in enumerate(fact.counts):
                if n < len(counts):
                    counts[n] += c
                else:
                    counts.append(c)
        year_fact = Fact(counts=counts, done=sum(f.done for f in facts.values()),
                         due=sum(f.due for f in facts.values()))
        out[branch_id] = (year_fact, {str(q): f.scope for q, f in facts.items()})
    return out


def _computed_line(item: AnnualItem, fact: Fact, scopes: dict, deadline) -> Line:
    M = AnnualItem.Method
    sign = -1 if item.kind == AnnualItem.Kind.DEDUCTION and item.method != M.DEDUCTION_PER else 1
    if item.method == M.COUNT_TARGET:
        target = Decimal(item.target or 1)
        if not fact.counts:
            points, text = ZERO, _("本年度无此项对应的共建关系，不得分。")
        else:
            points = methods.count_target(item.max_points, fact.counts, target).points
            text = _("全年完成 %(count)s 次，年度目标 %(target)s 次，得 %(points)s 分（满分 %(max)s）。") % {
                "count": sum(fact.counts), "target": fmt(target * len(fact.counts)), "points": fmt(points),
                "max": fmt(item.max_points)}
    elif item.method == M.RATIO:
        points = methods.ratio(item.max_points, fact.done, fact.due).points
        text = _("全年应完成 %(due)s 项，按期完成 %(done)s 项，得 %(points)s 分（满分 %(max)s）。") % {
            "due": fact.due, "done": fact.done, "points": fmt(points), "max": fmt(item.max_points)} if fact.due else _(
            "全年无到期事项，得满分 %(points)s 分。") % {"points": fmt(points)}
    elif item.method == M.ON_TIME:
        outcome = methods.on_time(item.max_points, fact.filed, deadline)
        points, text = outcome.points, outcome.explanation
    else:
        outcome = methods.deduction_per(item.max_points, fact.instances, item.deduction or ZERO)
        points, text = outcome.points, _("年末仍逾期未整改：") + outcome.explanation
    return Line(AnnualLine.Kind.ITEM, item.name, q2(points * sign), text, code=item.code, item_kind=item.kind,
                max_points=item.max_points, evidence={"source": item.source, "quarters": scopes})


def _manual_line(item: AnnualItem, score: AnnualManualScore | None) -> Line:
    if score is None:
        text = _("本年度无此项。") if item.kind != AnnualItem.Kind.BASE else _("组织部门尚未评分，暂计 0 分。")
        return Line(AnnualLine.Kind.ITEM, item.name, ZERO, text, code=item.code, item_kind=item.kind,
                    max_points=item.max_points)
    points = q2(-score.points if item.kind == AnnualItem.Kind.DEDUCTION else score.points)
    return Line(AnnualLine.Kind.ITEM, item.name, points, _("人工评分 %(points)s 分：%(reason)s") % {
        "points": fmt(points), "reason": score.reason}, code=item.code, item_kind=item.kind,
        max_points=item.max_points,
        evidence=[{"model": "annual.annualmanualscore", "id": score.pk, "label": score.reason[:200]}])


def pair_partners(year: int) -> dict[int, list[tuple[int, int, str]]]:
    """{branch: [(partner branch, pair id, pair kind)]}: the lead with each grassroots branch of its pair."""
    members: dict[int, list[int]] = defaultdict(list)
    leads: dict[int, int] = {}
    for pair_id, lead_id, member_id in Pair.objects.filter(year=year).values_list(
            "id", "lead_branch_id", "grassroots_links__branch_id").order_by("id", "grassroots_links__id"):
        leads[pair_id] = lead_id
        if member_id is not None:
            members[pair_id].append(member_id)
    out: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for pair_id, lead_id in leads.items():
        grassroots = members[pair_id]
        kind = JointRule.PairKind.ONE_TO_ONE if len(grassroots) <= 1 else JointRule.PairKind.ONE_TO_TWO
        for member_id in grassroots:
            out[lead_id].append((member_id, pair_id, kind))
            out[member_id].append((lead_id, pair_id, kind))
    return out


def _joint_lines(results: dict[int, Result], rules: dict[str, JointRule], year: int) -> None:
    """Each branch takes its rule's share of each partner's own bonus and deduction (never the partner's
    own 连带奖扣: shares do not travel further along the pairs)."""
    kinds = dict(JointRule.PairKind.choices)
    for branch_id, partners in pair_partners(year).items():
        mine = results.get(branch_id)
        if mine is None:
            continue
        for partner_id, pair_id, kind in partners:
            partner, rule = results.get(partner_id), rules.get(kind)
            if partner is None or rule is None:
                continue
            bonus, deduction = partner.bonus_points, partner.deduction_points
            points = q2(bonus * rule.bonus_share / 100 + deduction * rule.deduction_share / 100)
            text = _("结对伙伴%(partner)s（%(kind)s）：加分 %(bonus)s × %(bs)s%% + 扣分 %(deduction)s × %(ds)s%% "
                     "= %(points)s 分。") % {
                "partner": partner.branch["name"], "kind": kinds[kind], "bonus": fmt(bonus),
                "bs": fmt(rule.bonus_share), "deduction": fmt(deduction), "ds": fmt(rule.deduction_share),
                "points": fmt(points)}
            mine.lines.append(Line(AnnualLine.Kind.JOINT, partner.branch["name"], points, text,
                                   code=partner.branch["code"],
                                   evidence={"partner": partner_id, "pair": pair_id}))


# --- compute and write ---------------------------------------------------------------------------------

def compute(year: int, *, progress: Progress | None = None) -> tuple[AnnualRubric, dict[int, RankingSnapshot],
                                                                      list[Result]]:
    report = progress or (lambda pct, stage: None)
    rubric = rubric_for(year)
    if rubric is None:
        raise ValidationError(_("%(year)s 年度没有生效的年度考核细则，请先启用一个版本。") % {"year": year})
    items = list(rubric.items.order_by("sort_order", "code"))
    branches = list(Branch.objects.filter(is_active=True).values("id", "code", "name", "kind", "unit_id")
                    .order_by("code"))
    groups = assign_groups(branches)
    branches = [b for b in branches if b["id"] in groups]
    snapshots = published_quarters(year)
    report(10, _("汇总季度排名"))
    quarter_lines = _quarter_lines(rubric, snapshots, [b["id"] for b in branches])
    by_id = {b["id"]: b for b in branches}
    contexts = {q: Context(q, by_id) for q in quarters_of_year(year)}
    facts: dict[int, dict[int, tuple[Fact, dict]]] = {}
    computed = [i for i in items if i.method != AnnualItem.Method.MANUAL]
    for n, item in enumerate(computed, start=1):
        facts[item.pk] = _item_facts(item, contexts)
        report(10 + int(50 * n / len(computed)), _("统计：%(item)s") % {"item": item.name})
    manual = {(m.branch_id, m.item_id): m for m in AnnualManualScore.objects.filter(year=year, item__rubric=rubric)}
    vetoes = dict(AnnualVeto.objects.filter(year=year).values_list("branch_id", "reason"))
    deadline = YearSettings.deadline_for(year)
    results: dict[int, Result] = {}
    for b in branches:
        r = results[b["id"]] = Result(b, groups[b["id"]], list(quarter_lines[b["id"]]))
        for item in items:
            if not item.applies_to(b["kind"]):
                continue
            if item.method == AnnualItem.Method.MANUAL:
                r.lines.append(_manual_line(item, manual.get((b["id"], item.pk))))
            else:
                fact, scopes = facts[item.pk].get(b["id"], (Fact(), {}))
                r.lines.append(_computed_line(item, fact, scopes, deadline))
        reasons = []
        if b["id"] in vetoes:
            reasons.append(vetoes[b["id"]])
        if rubric.veto_from_quarters:
            for line in r.lines:
                ev = line.evidence if isinstance(line.evidence, dict) else {}
                if line.kind == AnnualLine.Kind.QUARTER and ev.get("vetoed"):
                    reasons.append(_("%(quarter)s 一票否决：%(reason)s") % {"quarter": line.code,
                                                                          "reason": ev.get("veto_reason", "")})
        if reasons:
            r.vetoed, r.veto_reason = True, "；".join(reasons)
            r.lines.append(Line(AnnualLine.Kind.VETO, _("一票否决"), ZERO, r.veto_reason))
    report(70, _("计算连带奖扣"))
    _joint_lines(results, {rule.pair_kind: rule for rule in rubric.joint_rules.all()}, year)
    report(80, _("排名与评定等次"))
    rules = [(g.name, g.quota_percent) for g in rubric.grade_rules.order_by("sort_order", "id")]
    ordered: list[Result] = []
    by_group: dict[int, list[Result]] = defaultdict(list)
    for r in results.values():
        by_group[r.group.pk].append(r)
    for group_results in sorted(by_group.values(), key=lambda rs: (rs[0].group.sort_order, rs[0].group.pk)):
        order = methods.competition_ranks([(r.total, r.branch["code"], r.vetoed) for r in group_results])
        in_order = []
        for index, rank in order:
            group_results[index].rank = rank
            in_order.append(group_results[index])
        grades = grading.assign([(r.total, r.vetoed) for r in in_order], rules, rubric.veto_grade)
        for r, grade in zip(in_order, grades, strict=True):
            r.grade, r.grade_explanation = grade.name, grade.explanation
        ordered.extend(in_order)
    return rubric, snapshots, ordered


def write_snapshot(year: int, rubric: AnnualRubric, snapshots: dict[int, RankingSnapshot], results: list[Result],
                   *, user=None) -> AnnualSnapshot:
    with transaction.atomic():
        list(AnnualSnapshot.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
        latest = AnnualSnapshot.objects.filter(year=year).aggregate(v=Max("version"))["v"] or 0
        snapshot = AnnualSnapshot.objects.create(
            year=year, version=latest + 1, rubric=rubric, rubric_label=str(rubric), created_by=user,
            quarters_used=[{"quarter": str(Quarter(year, n)), "snapshot": s.pk, "version": s.version}
                           for n, s in sorted(snapshots.items())])
        positions: dict[str, int] = defaultdict(int)
        entries = []
        for r in results:
            positions[r.group.name] += 1
            entries.append(AnnualEntry(
                snapshot=snapshot, group_name=r.group.name, group_sort=r.group.sort_order, branch_id=r.branch["id"],
                branch_code=r.branch["code"], branch_name=r.branch["name"], quarter_points=r.quarter_points,
                item_points=r.item_points, bonus_points=r.bonus_points, deduction_points=r.deduction_points,
                joint_points=r.joint_points, total=r.total, rank=r.rank, position=positions[r.group.name],
                grade=r.grade, grade_explanation=r.grade_explanation, vetoed=r.vetoed, veto_reason=r.veto_reason))
        created = AnnualEntry.objects.bulk_create(entries)
        AnnualLine.objects.bulk_create(
            AnnualLine(entry=entry, kind=line.kind, code=line.code, name=line.name, item_kind=line.item_kind,
                       max_points=line.max_points, points=line.points, explanation=line.explanation,
                       evidence=line.evidence, position=n)
            for entry, r in zip(created, results, strict=True) for n, line in enumerate(r.lines))
        snapshot.refresh_from_db()
    return snapshot

