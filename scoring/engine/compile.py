"""Compile a quarter: read every source once for all branches, score every item, rank, write one snapshot.

Reading happens first (progress is reported between the steps); the snapshot, its entries and item
scores are then written in one transaction, so a failure part-way leaves no partial snapshot.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import Branch, YearSettings
from branches.periods import Quarter
from scoring.engine import methods, registry
from scoring.engine.sources import Context, Fact
from scoring.evidence import TRANSLATED_EVIDENCE, evidence_is_shared, evidence_key
from scoring.groups import groups_for
from scoring.models import (
    ManualScore,
    RankingGroup,
    RankingSnapshot,
    Rubric,
    RubricItem,
    SnapshotEntry,
    SnapshotEvidence,
    SnapshotItemScore,
    Veto,
)
from scoring.versions import publish_version

Progress = Callable[[int, str], None]
ADVISORY_LOCK_BASE = 746_500_000  # + year*10 + quarter: one compile writer per quarter at a time


@dataclass
class ItemResult:
    item: RubricItem
    outcome: methods.Outcome
    stored: list[dict] | None = None  # manual items: the score's ref, stored as it is
    scope: dict | None = None  # record items: the owners counted; stored as {"source": item.source, **scope}

    @property
    def evidence(self) -> list[dict] | dict:
        """What the snapshot stores in SnapshotItemScore.evidence_data."""
        if self.scope is not None:
            return {"source": self.item.source, **self.scope}
        return self.stored or []

    @property
    def max_points(self) -> Decimal:
        """The item's maximum for this branch: nothing when it does not apply (no such obligation)."""
        return self.item.max_points if self.outcome.applicable else methods.ZERO


@dataclass
class BranchResult:
    branch: dict
    group: RankingGroup
    items: list[ItemResult]
    vetoed: bool = False
    veto_reason: str = ""

    @cached_property
    def base_total(self) -> Decimal:
        return sum((r.outcome.points for r in self.items if not r.item.is_bonus), methods.ZERO)

    @cached_property
    def bonus_total(self) -> Decimal:
        return sum((r.outcome.points for r in self.items if r.item.is_bonus), methods.ZERO)

    @cached_property
    def total(self) -> Decimal:
        return methods.q2(self.base_total + self.bonus_total)

    @cached_property
    def base_max(self) -> Decimal:
        """The branch's base maximum: items that apply to it, without bonuses and deductions."""
        return sum((r.max_points for r in self.items if not r.item.is_bonus and not r.item.deducts), methods.ZERO)


def rubric_for(quarter: Quarter) -> Rubric | None:
    """The rubric version in force for a quarter: the active version of its year with the latest start."""
    return (Rubric.objects.filter(year=quarter.year, status=Rubric.Status.ACTIVE, valid_from__lte=quarter.number)
            .order_by("-valid_from", "-version").first())


def assign_groups(branches: list[dict], quarter: Quarter | None = None) -> dict[int, RankingGroup]:
    """With the groups in force for the quarter (today's when none is given): explicitly listed branches go
    to their group; the rest to the first group (by order) of their kind."""
    groups = groups_for(quarter or Quarter.current())
    by_id = {g.pk: g for g in groups}
    explicit: dict[int, RankingGroup] = {}
    for link in RankingGroup.branches.through.objects.filter(rankinggroup__in=list(by_id)).values(
            "rankinggroup_id", "branch_id").order_by("rankinggroup__sort_order", "rankinggroup_id"):
        explicit.setdefault(link["branch_id"], by_id[link["rankinggroup_id"]])
    out: dict[int, RankingGroup] = {}
    for b in branches:
        group = explicit.get(b["id"]) or next((g for g in groups if b["kind"] in (g.branch_kinds or [])), None)
        if group is not None:
            out[b["id"]] = group
    return out


def score_manual(item: RubricItem, manual: dict | None) -> ItemResult:
    """A hand-scored item: the organisation department's score and reason (a bonus nobody gave is 0)."""
    if item.is_bonus and not manual:
        return ItemResult(item, methods.Outcome(methods.ZERO, _("本季度无加分。")))
    outcome = methods.manual(item.max_points, manual["points"] if manual else None, manual["reason"] if manual else "")
    evidence = [{"model": "scoring.manualscore", "id": manual["id"], "label": manual["reason"][:200]}] if manual else []
    return ItemResult(item, outcome, stored=evidence)


def score_item(item: RubricItem, fact: Fact | None, manual: dict | None, env: registry.Env) -> ItemResult:
    if not registry.METHODS[item.method].from_records:
        return score_manual(item, manual)
    fact = fact or Fact(obligated=False)
    return ItemResult(item, registry.score(item, fact, env), scope=fact.scope)


def compute(quarter: Quarter, *, progress: Progress | None = None, as_of: date | None = None,
            branch_ids: list[int] | None = None) -> tuple[Rubric, list[BranchResult]]:
    """Count in SQL per source and query, then score every branch in memory; a fixed number of queries
    whatever the branch count. Branches with the same facts for an item share one outcome (computed once).

    A quarter still running is scored to date: `as_of` (today by default) bounds what was due.
    `branch_ids` limits the result to those branches (the branch home's to-do list)."""
    report = progress or (lambda pct, stage: None)
    rubric = rubric_for(quarter)
    if rubric is None:
        raise ValidationError(_("%(quarter)s 没有生效的评分细则，请先在评分细则页面启用一个版本。")
                              % {"quarter": str(quarter)})
    items = list(rubric.items.select_related("section").order_by("section__sort_order", "sort_order", "code"))
    # An item score's position is its place in the whole rubric, not among the items of one branch kind, so
    # that a ranking group mixing kinds lists its columns in rubric order.
    for n, i in enumerate(items):
        i.rubric_position = n
    # The branches that existed during the quarter, in the groups in force for it.
    branch_qs = Branch.objects.filter(Branch.existing_during(quarter.start, quarter.end))
    if branch_ids is not None:
        branch_qs = branch_qs.filter(pk__in=branch_ids)
    branches = list(branch_qs.values("id", "code", "name", "kind", "unit_id", unit_name=F("unit__name"))
                    .order_by("code"))
    groups = assign_groups(branches, quarter)
    branches = [b for b in branches if b["id"] in groups]
    ctx = Context(quarter, {b["id"]: b for b in branches}, as_of or timezone.localdate(),
                  limited=branch_ids is not None)
    env = registry.Env(quarter, YearSettings.deadline_for(quarter.year), ctx.as_of)
    report(15, _("读取评分细则与排名分组"))

    queries = sorted({registry.query_key(i) for i in items if registry.METHODS[i.method].from_records},
                     key=lambda k: (k[0], repr(k[1])))
    facts: dict[tuple, dict[int, Fact]] = {}
    for n, key in enumerate(queries, start=1):
        source = registry.SOURCES[key[0]]
        facts[key] = source.compute(ctx, key[1])
        report(15 + int(60 * n / max(1, len(queries))), _("统计：%(source)s") % {"source": source.label})

    manual = {(m["branch_id"], m["item_id"]): m for m in ManualScore.objects.filter(
        year=quarter.year, number=quarter.number, item__rubric=rubric).values("id", "branch_id", "item_id", "points",
                                                                             "reason")}
    vetoes = {v["branch_id"]: v["reason"] for v in Veto.objects.filter(year=quarter.year, number=quarter.number)
              .values("branch_id", "reason")}
    # Per branch kind: (item, its query's facts by branch, or None for a hand-scored item), in rubric order.
    plans: dict[str, list[tuple[RubricItem, dict[int, Fact] | None, dict[int, ItemResult]]]] = {}
    outcomes: dict[tuple, methods.Outcome] = {}
    # {item id: {id(fact): result}}; Facts stay alive in `facts` meanwhile, so their ids are unique.
    shared: dict[int, dict[int, ItemResult]] = {}
    empty = Fact(obligated=False)
    unscored: dict[int, ItemResult] = {}
    results = []
    for b in branches:
        branch_id, kind = b["id"], b["kind"]
        plan = plans.get(kind)
        if plan is None:
            plan = plans[kind] = [
                (i, facts[registry.query_key(i)] if registry.METHODS[i.method].from_records else None,
                 shared.setdefault(i.id, {})) for i in items if i.applies_to(kind)]
        scored = []
        for i, by_branch, results_by_fact in plan:
            if by_branch is None:  # scored by hand
                score = manual.get((branch_id, i.id))
                if score is None:  # the same outcome for every branch not scored yet
                    result = unscored.get(i.id)
                    if result is None:
                        result = unscored[i.id] = score_manual(i, None)
                    scored.append(result)
                else:
                    scored.append(score_manual(i, score))
                continue
            fact = by_branch.get(branch_id) or empty
            # Sources share one Fact among branches with the same facts: one result per item and Fact.
            result = results_by_fact.get(id(fact))
            if result is None:
                key = (i.id, fact.key)
                outcome = outcomes.get(key)
                if outcome is None:
                    outcome = outcomes[key] = registry.score(i, fact, env)
                result = results_by_fact[id(fact)] = ItemResult(i, outcome, None, fact.scope)
            scored.append(result)
        results.append(BranchResult(b, groups[branch_id], scored, branch_id in vetoes, vetoes.get(branch_id, "")))
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
                   publish: bool = False, reason: str = "") -> RankingSnapshot:
    with transaction.atomic():
        if connection.vendor == "postgresql" and not publish:
            # A draft can be compiled again: its commit need not wait for the WAL to reach the disk (the
            # database stays consistent; a crash in that instant loses the draft, never part of it).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
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
                entries.append({
                    "snapshot_id": snapshot.pk, "group_id": r.group.pk, "group_name": r.group.name,
                    "group_sort": r.group.sort_order, "branch_id": r.branch["id"], "branch_code": r.branch["code"],
                    "branch_name": r.branch["name"], "unit_name": r.branch.get("unit_name", ""), "base_total": methods.q2(r.base_total),
                    "bonus_total": methods.q2(r.bonus_total), "total": r.total, "rank": rank, "position": position,
                    "vetoed": r.vetoed, "veto_reason": r.veto_reason})
                scored.append(r)
        entry_ids = _write_entries(entries)
        _write_item_scores(entry_ids, scored)
        write_evidence(snapshot_id=snapshot.pk, quarter=quarter, scopes=_evidence_scopes(scored))
        if publish:
            snapshot = publish_version(version=snapshot, siblings=RankingSnapshot.objects.filter(
                year=quarter.year, number=quarter.number), user=user, reason=reason)
    return snapshot


ENTRY_COLUMNS = ("id", "snapshot_id", "group_id", "group_name", "group_sort", "branch_id", "branch_code",
                 "branch_name", "unit_name", "base_total", "bonus_total", "total", "rank", "position", "vetoed", "veto_reason")
ITEM_SCORE_COLUMNS = ("entry_id", "item_id", "item_code", "item_name", "section_name", "mode", "method",
                      "max_points", "is_bonus", "rule", "source", "rule_target", "deduction", "branch_kinds",
                      "rule_params", "count", "target", "points", "explanation", "evidence_data", "position")


class _Chunks(io.TextIOBase):
    """A file psycopg2's copy_expert reads from, filled from an iterator of text as it reads: PostgreSQL
    parses one chunk while Python makes the next. Each read returns the next whole chunk (copy_expert
    sends whatever a read returns), so nothing is sliced or copied again."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        if size is None or size < 0:
            return "".join(self._chunks)
        return next(self._chunks, "")


def _copy(model, attnames: tuple[str, ...], data) -> None:
    """COPY rows into the model's table: `data` is a StringIO or an iterator of text chunks."""
    opts = model._meta
    by_attname = {f.attname: f.column for f in opts.concrete_fields}
    quote = connection.ops.quote_name
    if isinstance(data, io.StringIO):
        data.seek(0)
    else:
        data = _Chunks(data)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {quote(opts.db_table)} ({', '.join(quote(by_attname[a]) for a in attnames)}) "
                                  "FROM STDIN", data, size=1 << 16)


def _write_entries(entries: list[dict]) -> list[int]:
    """The snapshot's entries; returns their ids. PostgreSQL: ids from the sequence in one query, one COPY."""
    if connection.vendor != "postgresql":
        return [e.pk for e in SnapshotEntry.objects.bulk_create([SnapshotEntry(**e) for e in entries])]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [SnapshotEntry._meta.db_table, len(entries)])
        ids = [row[0] for row in cursor.fetchall()]
    buffer = io.StringIO()
    write = buffer.write
    for pk, e in zip(ids, entries, strict=True):
        e["id"] = pk
        write(f"{pk}\t{e['snapshot_id']}\t{e['group_id']}\t{_copy_text(e['group_name'])}\t{e['group_sort']}\t"
              f"{e['branch_id']}\t{_copy_text(e['branch_code'])}\t{_copy_text(e['branch_name'])}\t"
              f"{_copy_text(e['unit_name'])}\t"
              f"{e['base_total']}\t{e['bonus_total']}\t{e['total']}\t{e['rank']}\t{e['position']}\t"
              f"{'t' if e['vetoed'] else 'f'}\t{_copy_text(e['veto_reason'])}\n")
    _copy(SnapshotEntry, ENTRY_COLUMNS, buffer)
    return ids


def _write_item_scores(entry_ids: list[int], scored: list[BranchResult]) -> None:
    """Every item score of every entry, with the item's definition as it was (the snapshot is self-contained).

    PostgreSQL: one COPY, the rows made as text by the engine (no model instances); the text of an item's
    definition and of an outcome is made once, however many branches share it. Elsewhere: bulk_create."""
    if connection.vendor != "postgresql":
        SnapshotItemScore.objects.bulk_create(
            SnapshotItemScore(entry_id=entry_id, item=ir.item, item_code=ir.item.code, item_name=ir.item.name,
                              section_name=ir.item.section.name, mode=ir.item.mode, method=ir.item.method,
                              max_points=ir.max_points, is_bonus=ir.item.is_bonus, rule=ir.item.rule,
                              source=ir.item.source, rule_target=ir.item.target, deduction=ir.item.deduction,
                              branch_kinds=list(ir.item.branch_kinds or []), rule_params=_rule_params(ir.item),
                              count=ir.outcome.count, target=ir.outcome.target, points=ir.outcome.points,
                              explanation=ir.outcome.explanation, evidence_data=ir.evidence,
                              position=ir.item.rubric_position)
            for entry_id, r in zip(entry_ids, scored, strict=True) for ir in r.items)
        return
    _copy(SnapshotItemScore, ITEM_SCORE_COLUMNS, _item_score_text(entry_ids, scored))


def _item_score_text(entry_ids: list[int], scored: list[BranchResult], rows_per_chunk: int = 1000):
    """The item scores in COPY text format, in chunks of rows."""
    items: dict[tuple[int, bool], str] = {}
    outcomes: dict[int, str] = {}
    evidence: dict[tuple[str, int], str] = {}
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    lines: list[str] = []
    append = lines.append
    for pk, r in zip(entry_ids, scored, strict=True):
        entry = str(pk)
        for ir in r.items:
            item = ir.item
            position = item.rubric_position
            applies = ir.outcome.applicable
            item_text = items.get((item.id, applies))
            if item_text is None:
                item_text = items[(item.id, applies)] = "\t".join(_copy_text(v) for v in (
                    item.id, item.code, item.name, item.section.name, item.mode, item.method, ir.max_points,
                    item.is_bonus, item.rule, item.source, item.target, item.deduction,
                    dumps(list(item.branch_kinds or [])), dumps(_rule_params(item))))
            o = ir.outcome
            outcome_text = outcomes.get(id(o))
            if outcome_text is None:
                outcome_text = outcomes[id(o)] = "\t".join(_copy_text(v) for v in (
                    o.count, o.target, o.points, o.explanation))
            if ir.scope is not None:
                # Scopes are shared among branches (and sources): the text once per source and scope.
                # (outcomes and scopes stay alive in `scored`, so their ids are unique here)
                key = (item.source, id(ir.scope))
                evidence_text = evidence.get(key)
                if evidence_text is None:
                    evidence_text = evidence[key] = _copy_text(_scope_json(item.source, ir.scope))
            else:
                evidence_text = _copy_text(dumps(ir.stored)) if ir.stored else "[]"
            append(f"{entry}\t{item_text}\t{outcome_text}\t{evidence_text}\t{position}\n")
        if len(lines) >= rows_per_chunk:
            yield "".join(lines)
            lines.clear()
    if lines:
        yield "".join(lines)


def _rule_params(item: RubricItem) -> dict:
    """The item's counting parameters as the snapshot keeps them (with its rule for a branch without
    obligations)."""
    return {**(item.params or {}), "no_obligation": getattr(item, "no_obligation", "")}


def _evidence_scopes(scored: list[BranchResult]) -> dict[str, tuple[str, int, dict]]:
    """{evidence key: (source, branch id, stored scope)} of every record item scored: whose records the
    snapshot freezes, once per distinct scope (the branches of a pair share theirs)."""
    out: dict[str, tuple[str, int, dict]] = {}
    seen: set[tuple[str, int, int]] = set()
    for r in scored:
        branch_id = r.branch["id"]
        for ir in r.items:
            if ir.scope is None:
                continue
            stored = ir.evidence
            if not evidence_is_shared(stored):
                out.setdefault(evidence_key(stored, branch_id), (stored["source"], branch_id, stored))
                continue
            marker = (stored["source"], id(ir.scope), 0)
            if marker in seen:
                continue
            seen.add(marker)
            out.setdefault(evidence_key(stored, branch_id), (stored["source"], branch_id, stored))
    return out


def write_evidence(*, snapshot_id: int, quarter: Quarter, scopes: dict[str, tuple[str, int, dict]],
                   model=SnapshotEvidence) -> int:
    """Freeze the labelled records behind every scope counted into the snapshot, in the default language (and
    the labels of the sources with translated words in every other language); returns the rows written.
    `model` lets a data migration write with its historical model."""
    base = settings.LANGUAGE_CODE
    others = [code for code, _name in settings.LANGUAGES if code != base]
    rows = []
    for key, (source_key, branch_id, stored) in scopes.items():
        source = registry.SOURCES.get(source_key)
        if source is None:
            continue
        with translation.override(base):
            refs = source.evidence(quarter, branch_id, stored)
        if source_key in TRANSLATED_EVIDENCE:
            for language in others:
                with translation.override(language):
                    translated = source.evidence(quarter, branch_id, stored)
                for ref, other in zip(refs, translated, strict=False):
                    if other["label"] != ref["label"]:
                        ref.setdefault("labels", {base: ref["label"]})[language] = other["label"]
        if refs:
            rows.append(model(snapshot_id=snapshot_id, key=key, refs=refs))
    model.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _scope_json(source: str, scope: dict) -> str:
    """{"source": key, **scope} as JSON; source and scope keys are identifiers, values mostly ids or lists of ids."""
    parts = [f'"source":"{source}"']
    for key, value in scope.items():
        if isinstance(value, list) and all(isinstance(v, int) for v in value):
            parts.append(f'"{key}":[{",".join(map(str, value))}]')
        elif value is None or isinstance(value, int):
            parts.append(f'"{key}":{"null" if value is None else int(value)}')
        else:  # the query of a filtered item, the day a running quarter was scored to
            parts.append(f'"{key}":{json.dumps(value, ensure_ascii=False)}')
    return "{" + ",".join(parts) + "}"


def _copy_text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text
