"""A compile that dies part-way leaves no partial snapshot; the next run completes; two compiles of the
same quarter at once produce two whole, distinct versions (advisory lock + unique version), never a clash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import psycopg2
import pytest
from django.db import DatabaseError, connection

from branches.models import Role
from branches.periods import Quarter
from scoring.engine.compile import ADVISORY_LOCK_BASE
from scoring.models import CompileJob, RankingSnapshot, SnapshotEntry, SnapshotItemScore
from scoring.services import compile_quarter, request_compile
from tests.factories import user_with_role

from .conftest import celery_on, database_url, require_broker, require_postgresql, subprocess_env
from .helpers import cup_ready

Q3 = Quarter(2026, 3)


FAIL_TRIGGER = {
    "postgresql": [
        """CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$""",
        """CREATE TRIGGER test_disk_full BEFORE INSERT ON scoring_snapshotitemscore
           FOR EACH ROW EXECUTE FUNCTION test_disk_full()""",
    ],
    "sqlite": [
        """CREATE TRIGGER test_disk_full BEFORE INSERT ON scoring_snapshotitemscore
           BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END""",
    ],
}
DROP_TRIGGER = {
    "postgresql": ["DROP TRIGGER test_disk_full ON scoring_snapshotitemscore", "DROP FUNCTION test_disk_full()"],
    "sqlite": ["DROP TRIGGER test_disk_full"],
}


def _run_sql(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_no_partial_snapshot():
    """The database refuses the last part of the write (the item scores): nothing of the snapshot stays."""
    if connection.vendor not in FAIL_TRIGGER:
        pytest.skip(f"no failure trigger for {connection.vendor}")
    cup_ready(branches=3)
    _run_sql(FAIL_TRIGGER[connection.vendor])
    # (PostgreSQL's COPY path raises psycopg2's error unwrapped by Django)
    with pytest.raises((DatabaseError, psycopg2.DatabaseError)):
        compile_quarter(quarter=Q3)
    assert not RankingSnapshot.objects.exists()
    assert not SnapshotEntry.objects.exists()

    _run_sql(DROP_TRIGGER[connection.vendor])
    snapshot = compile_quarter(quarter=Q3)
    assert snapshot.version == 1
    assert snapshot.entries.count() == 3
    assert SnapshotItemScore.objects.filter(entry__snapshot=snapshot).count() == 3


def _raw_connection():
    conn = psycopg2.connect(database_url())
    conn.autocommit = True
    return conn


def _wait_for(predicate, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _waiting_backends(cursor, *, relation: str | None = None, advisory: bool = False) -> list[int]:
    if advisory:
        cursor.execute("SELECT pid FROM pg_locks WHERE NOT granted AND locktype = 'advisory'")
    else:
        cursor.execute("SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [relation])
    return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_two_compiles_of_the_same_quarter_at_once_make_two_whole_versions():
    require_postgresql()
    cup_ready(branches=4)
    holder = _raw_connection()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            compile_quarter(quarter=Q3)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with holder.cursor() as cursor:
        # Hold the quarter's compile lock so both compiles queue up behind it and then race.
        cursor.execute("BEGIN")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_BASE + Q3.year * 10 + Q3.number])
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        with _raw_connection() as watcher, watcher.cursor() as watch:
            _wait_for(lambda: len(_waiting_backends(watch, advisory=True)) == 2, what="both compiles to wait")
        cursor.execute("COMMIT")
    for thread in threads:
        thread.join(60)
    holder.close()
    assert not errors, errors
    snapshots = list(RankingSnapshot.objects.filter(year=2026, number=3).order_by("version"))
    assert [s.version for s in snapshots] == [1, 2]
    assert all(s.status == RankingSnapshot.Status.DRAFT for s in snapshots)
    assert [s.entries.count() for s in snapshots] == [4, 4]


def _start_worker(processes, queue: str, url: str):
    """A worker as the Procfile starts it (prefork), on the test database."""
    worker = processes([sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "--concurrency", "1",
                        "-Q", queue, "--without-mingle", "--without-gossip", "--without-heartbeat"],
                       subprocess_env(CELERY_BROKER_URL=url), "worker")
    worker.wait_for_output("ready.")
    return worker


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _backend_gone(cursor, pid: int) -> bool:
    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
    return cursor.fetchone()[0] == 0


def _wait_for_job(job: CompileJob, timeout: float = 90) -> CompileJob:
    _wait_for(lambda: (job.refresh_from_db() or job.finished), timeout, "the compile job to finish")
    return job


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_compile_leaves_nothing_partial_and_the_next_run_completes(processes, test_queue):
    require_postgresql()
    url = require_broker()
    cup_ready(branches=3)
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    worker = _start_worker(processes, test_queue, url)

    locker = _raw_connection()
    with locker.cursor() as cursor:
        # Let the compile get half-way through writing: it has inserted the snapshot and its entries and
        # now waits to insert the item scores.
        cursor.execute("BEGIN")
        cursor.execute("LOCK TABLE scoring_snapshotitemscore IN ACCESS EXCLUSIVE MODE")
        with celery_on(url, queue=test_queue):
            job = request_compile(quarter=Q3, user=admin)
        _wait_for(lambda: _waiting_backends(cursor, relation="scoring_snapshotitemscore"), what="the compile to write")
        (backend,) = _waiting_backends(cursor, relation="scoring_snapshotitemscore")
        os.killpg(worker.popen.pid, signal.SIGKILL)  # the whole worker, pool and all
        worker.popen.wait(30)
        cursor.execute("ROLLBACK")
        _wait_for(lambda: _backend_gone(cursor, backend), what="the killed worker's database session to end")
    locker.close()

    assert not RankingSnapshot.objects.exists()
    assert not SnapshotEntry.objects.exists()
    assert not SnapshotItemScore.objects.exists()
    job.refresh_from_db()
    assert job.state == CompileJob.State.RUNNING  # left as it was; the message stays unacknowledged in Redis

    _start_worker(processes, test_queue, url)
    with celery_on(url, queue=test_queue):
        again = _wait_for_job(request_compile(quarter=Q3, user=admin))
    assert again.state == CompileJob.State.DONE, again.error
    snapshot = RankingSnapshot.objects.get()
    assert snapshot.version == 1
    assert snapshot.entries.count() == 3
    assert SnapshotItemScore.objects.filter(entry__snapshot=snapshot).count() == 3


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_compile_is_retried_and_completes(processes, test_queue):
    """The kernel's OOM killer takes the pool process: with acks_late and reject_on_worker_lost the job is
    handed out again and finishes, once."""
    require_postgresql()
    url = require_broker()
    cup_ready(branches=2)
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    worker = _start_worker(processes, test_queue, url)

    locker = _raw_connection()
    with locker.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("LOCK TABLE scoring_snapshotitemscore IN ACCESS EXCLUSIVE MODE")
        with celery_on(url, queue=test_queue):
            job = request_compile(quarter=Q3, user=admin)
        _wait_for(lambda: _waiting_backends(cursor, relation="scoring_snapshotitemscore"), what="the compile to write")
        (child,) = _children(worker.popen.pid)
        os.kill(child, signal.SIGKILL)
        worker.wait_for_output("WorkerLostError")
        cursor.execute("ROLLBACK")
    locker.close()

    _wait_for_job(job)
    assert job.state == CompileJob.State.DONE, (job.error, worker.output()[-3000:])
    snapshot = RankingSnapshot.objects.get()
    assert job.snapshot == snapshot
    assert snapshot.entries.count() == 2
