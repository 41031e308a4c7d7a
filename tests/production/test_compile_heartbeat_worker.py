"""A real worker killed mid-compile: its job stops beating and is failed within a minute (not left at
计算中 for the broker's hour); restarted on a new worker it completes with one version, and the old
message delivered again afterwards makes none."""

from __future__ import annotations

import os
import signal
import time

import pytest

from branches.models import Role
from branches.periods import Quarter
from scoring import tasks
from scoring.jobs import fail_stalled_jobs
from scoring.models import CompileJob, RankingSnapshot
from scoring.services import request_compile, restart_compile
from tests.factories import user_with_role

from .conftest import celery_on, require_broker, require_postgresql
from .helpers import cup_ready
from .test_compile_faults import _raw_connection, _start_worker, _wait_for, _wait_for_job, _waiting_backends

Q3 = Quarter(2026, 3)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_dead_workers_job_fails_within_a_minute_and_restarts_into_one_version(processes, test_queue, settings):
    require_postgresql()
    url = require_broker()
    settings.COMPILE_STALL_SECONDS = 20
    cup_ready(branches=3)
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    worker = _start_worker(processes, test_queue, url)

    locker = _raw_connection()
    with locker.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("LOCK TABLE scoring_snapshotitemscore IN ACCESS EXCLUSIVE MODE")
        with celery_on(url, queue=test_queue):
            job = request_compile(quarter=Q3, user=admin)
        _wait_for(lambda: _waiting_backends(cursor, relation="scoring_snapshotitemscore"), what="the compile to write")
        # Waiting on the database, the job still beats (its own thread): it is not failed while alive.
        time.sleep(settings.COMPILE_HEARTBEAT_SECONDS + 1)
        job.refresh_from_db()
        assert job.state == CompileJob.State.RUNNING and job.heartbeat_at is not None
        os.killpg(worker.popen.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        worker.popen.wait(30)
        cursor.execute("ROLLBACK")
    locker.close()

    _wait_for(lambda: fail_stalled_jobs(pk=job.pk) or (job.refresh_from_db() or job.finished), timeout=60,
              what="the dead worker's job to be failed")
    assert time.monotonic() - killed_at < 60
    job.refresh_from_db()
    assert job.state == CompileJob.State.FAILED and "计算进程已中断" in job.error
    assert not RankingSnapshot.objects.exists()

    again = _start_worker(processes, test_queue, url)
    with celery_on(url, queue=test_queue):
        restart_compile(job=job, user=admin)
        _wait_for_job(job)
    assert job.state == CompileJob.State.DONE, job.error
    (snapshot,) = RankingSnapshot.objects.all()
    assert job.snapshot == snapshot and snapshot.entries.count() == 3

    # The killed worker's message, handed out again when the broker's visibility timeout ends:
    with celery_on(url, queue=test_queue):
        tasks.compile_quarter.delay(str(Q3), job_id=job.pk, user_id=admin.pk)
    _wait_for(lambda: again.output().count("succeeded in") >= 2, what="the redelivered task to run")
    assert RankingSnapshot.objects.count() == 1
    job.refresh_from_db()
    assert job.state == CompileJob.State.DONE and job.snapshot == snapshot
