"""Snapshots: published ones are immutable, failures leave nothing, and compiling is set-based."""

import datetime
import math
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from branches.models import Branch
from branches.periods import Quarter
from scoring import locks, services
from scoring.engine import compile as compile_module
from scoring.models import (
    CompileJob,
    PublishedSnapshotError,
    RankingSnapshot,
    SnapshotEntry,
    SnapshotItemScore,
)
from tests.factories import (
    ActivityFactory,
    ActivityKindFactory,
    AnnualPlanFactory,
    PairFactory,
    PartnershipFactory,
    grassroots_branch,
    office_branch,
)
from tests.scoring.conftest import make_rubric

Q2 = Quarter(2026, 2)
pytestmark = pytest.mark.django_db

FULL_RUBRIC = [
    {"code": "P1", "method": "count_target", "source": "pair_joint_activities", "target": 1},
    {"code": "P2", "method": "on_time", "source": "pair_plan_filed"},
    {"code": "P3", "method": "ratio", "source": "project_tasks_on_time"},
    {"code": "P4", "method": "count_target", "source": "problems_solved", "target": 1},
    {"code": "P5", "method": "count_target", "source": "joint_meetings", "target": 1},
    {"code": "H1", "method": "count_target", "source": "partnership_joint_activities", "target": 2},
    {"code": "H2", "method": "on_time", "source": "partnership_plan_filed"},
    {"code": "H3", "method": "count_target", "source": "information_exchanges", "target": 3},
    {"code": "D1", "method": "on_time", "source": "department_plan_filed"},
    {"code": "D2", "method": "ratio", "source": "duty_targets_met"},
    {"code": "B1", "method": "count_target", "source": "branch_activities", "target": 2},
    {"code": "S1", "method": "deduction_per", "source": "overdue_rectifications", "deduction": 1},
    {"code": "M1", "method": "manual"},
    {"code": "X1", "method": "manual", "is_bonus": True},
]


@pytest.fixture
def compiled(groups):
    make_rubric([{"code": "M1", "method": "manual", "max_points": 10}])
    grassroots_branch()
    return services.compile_quarter(quarter=Q2)


def test_published_snapshot_cannot_be_edited_or_deleted(compiled):
    snapshot = services.publish_snapshot(snapshot=compiled, user=None, confirm_unscored=True)
    snapshot = RankingSnapshot.objects.get(pk=snapshot.pk)
    snapshot.rubric_label = "篡改"
    with pytest.raises(PublishedSnapshotError):
        snapshot.save()
    with pytest.raises(PublishedSnapshotError):
        snapshot.delete()
    with pytest.raises(PublishedSnapshotError), transaction.atomic():
        RankingSnapshot.objects.filter(pk=snapshot.pk).delete()
    entry = SnapshotEntry.objects.get(snapshot=snapshot)
    entry.total = D(100)
    with pytest.raises(PublishedSnapshotError):
        entry.save()
    with pytest.raises(PublishedSnapshotError), transaction.atomic():
        SnapshotItemScore.objects.filter(entry=entry).delete()
    with pytest.raises(PublishedSnapshotError):
        services.publish_snapshot(snapshot=snapshot, user=None, confirm_unscored=True)
    with pytest.raises(PublishedSnapshotError):
        services.discard_draft(snapshot=snapshot, user=None)
    assert SnapshotEntry.objects.get(snapshot=snapshot).total == D("0.00")


def test_a_draft_can_be_discarded_and_an_older_draft_not_published_over_a_newer(compiled):
    second = services.compile_quarter(quarter=Q2)
    services.publish_snapshot(snapshot=second, user=None, confirm_unscored=True)
    with pytest.raises(Exception, match="更新的版本"):
        services.publish_snapshot(snapshot=compiled, user=None, confirm_unscored=True)
    services.discard_draft(snapshot=compiled, user=None)
    assert list(RankingSnapshot.objects.values_list("version", flat=True)) == [2]


def test_publishing_locks_the_quarter(compiled):
    assert not locks.quarter_is_locked(Q2)
    locks.ensure_quarter_open(datetime.date(2026, 5, 1))
    services.publish_snapshot(snapshot=compiled, user=None, confirm_unscored=True)
    assert locks.quarter_is_locked(Q2)
    assert not locks.quarter_is_locked(Quarter(2026, 3))
    with pytest.raises(Exception) as exc:
        locks.ensure_quarter_open(datetime.date(2026, 5, 1))
    assert "已发布" in exc.value.message_dict["date"][0]
    locks.ensure_quarter_open(datetime.date(2026, 7, 1))


def test_failure_mid_compile_leaves_no_partial_snapshot(groups, monkeypatch):
    make_rubric([{"code": "M1", "method": "manual", "max_points": 10}])
    grassroots_branch()
    job = CompileJob.objects.create(year=2026, number=2)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # The item scores are written after the snapshot and its entries (COPY on PostgreSQL, bulk_create elsewhere).
    monkeypatch.setattr(compile_module, "_write_item_scores", boom)
    with pytest.raises(RuntimeError):
        services.compile_quarter(quarter=Q2, job=job)
    assert not RankingSnapshot.objects.exists()
    assert not SnapshotEntry.objects.exists()
    job.refresh_from_db()
    assert job.state == CompileJob.State.FAILED and "disk full" in job.error


def _organisation(n_pairs: int) -> None:
    joint = ActivityKindFactory(code="joint", counts_as_joint=True)
    for n in range(n_pairs):
        pair = PairFactory(lead_branch=office_branch(), grassroots=[grassroots_branch(), grassroots_branch()])
        AnnualPlanFactory(pair=pair)
        ActivityFactory(pair=pair, owner_branch=pair.lead_branch, kind=joint, date=datetime.date(2026, 5, 1 + n % 20))
    partnership = PartnershipFactory()
    ActivityFactory(partnership=partnership, owner_branch=partnership.branch, kind=joint,
                    date=datetime.date(2026, 4, 3))


def _insert_batches(rows: int, fields: int) -> int:
    """The INSERT statements the database backend needs for `rows` (SQLite caps parameters per query)."""
    if connection.vendor != "sqlite":
        return 1
    return math.ceil(rows / (connection.features.max_query_params // fields))


@pytest.mark.parametrize("n_pairs", [2, 20])
def test_compile_queries_do_not_grow_with_branches(groups, django_assert_max_num_queries, n_pairs, monkeypatch):
    make_rubric(FULL_RUBRIC)
    _organisation(n_pairs)
    branches = Branch.objects.count()
    assert branches == 3 * n_pairs + 1
    # Freezing the evidence into the snapshot is measured apart: it lists each distinct scope's records once
    # (a pair's branches share theirs), a bounded number of queries per scope.
    frozen = {"queries": [], "scopes": 0}
    write_evidence = compile_module.write_evidence

    def measured(**kwargs):
        with CaptureQueriesContext(connection) as inner:
            written = write_evidence(**kwargs)
        frozen["queries"] = inner.captured_queries
        frozen["scopes"] = len(kwargs["scopes"])
        return written

    monkeypatch.setattr(compile_module, "write_evidence", measured)
    # Reads and fixed writes: a constant (+1 for the ranking-group set in force for the quarter); plus the
    # INSERT batches the backend needs for the rows written.
    extra = (_insert_batches(branches, 16) - 1) + (_insert_batches(branches * len(FULL_RUBRIC), 22) - 1)
    with django_assert_max_num_queries(10_000) as captured:
        snapshot = services.compile_quarter(quarter=Q2)
    assert snapshot.entries.count() == branches
    evidence = {id(q) for q in frozen["queries"]}
    own = [q for q in captured.captured_queries if id(q) not in evidence]
    assert len(own) == len(captured.captured_queries) - len(frozen["queries"])
    assert len(own) <= 33 + extra
    non_insert = [q for q in own if not q["sql"].lstrip().upper().startswith("INSERT")]
    # 7 and 61 branches: 30 reads/locks either way; on PostgreSQL 32 (the draft's SET LOCAL synchronous_commit
    # and the quarter's advisory lock)
    assert len(non_insert) <= (32 if connection.vendor == "postgresql" else 30)
    # at most two reads per scope frozen (and its label translation), plus the INSERT batches
    assert frozen["scopes"] and len(frozen["queries"]) <= 3 * frozen["scopes"] + 2


def test_a_quarter_that_has_not_ended_cannot_be_published(groups, monkeypatch):
    """Publishing locks a quarter's records: doing it mid-quarter would stop every branch logging."""
    import datetime

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    make_rubric([{"code": "M1", "method": "manual", "max_points": 10}])
    grassroots_branch()
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 11, 21))
    snapshot = services.compile_quarter(quarter=Quarter(2026, 4))
    with pytest.raises(ValidationError, match="尚未结束"):
        services.publish_snapshot(snapshot=snapshot, user=None, confirm_unscored=True)
    snapshot.refresh_from_db()
    assert not snapshot.is_published
