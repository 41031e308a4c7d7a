"""The compile through a REAL Celery worker on the configured broker (Redis in CI).

Runs only when CELERY_BROKER_URL is set, e.g.
CELERY_BROKER_URL=redis://127.0.0.1:6379/4 DATABASE_URL=postgres://postgres@127.0.0.1:5432/scoring pytest -m celery_worker
"""

import time
import uuid

import pytest
from django.conf import settings

from branches.periods import Quarter
from scoring import services
from scoring.models import CompileJob, RankingSnapshot
from tests.factories import grassroots_branch
from tests.scoring.conftest import make_rubric

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not settings.CELERY_BROKER_URL,
                       reason="no broker configured: set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/4)"),
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                       reason="the in-memory SQLite test database locks tables across the worker thread; "
                              "run with DATABASE_URL=postgres://..."),
]


@pytest.fixture
def live_worker(transactional_db):
    """A worker thread on the real broker, consuming a queue of its own so that nothing another test
    left on the broker (or another test's producer settings) can stand between the task and it."""
    from celery.contrib.testing.worker import start_worker

    from tests.production.conftest import celery_on

    queue = f"test-scoring-{uuid.uuid4().hex[:10]}"
    with celery_on(settings.CELERY_BROKER_URL, queue=queue) as app:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30,
                          loglevel="WARNING", queues=[queue]):
            yield app


def test_compile_runs_on_a_real_worker(groups, live_worker):
    make_rubric([{"code": "M1", "method": "manual", "max_points": 10}])
    branch = grassroots_branch(code="G01")
    from scoring.models import RubricItem

    services.save_manual_score(quarter=Quarter(2026, 3), branch=branch, item=RubricItem.objects.get(),
                               points="7.5", reason="真实任务")
    job = services.request_compile(quarter=Quarter(2026, 3))  # no atomic block: queued right away
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.2)
    assert job.state == CompileJob.State.DONE, job.error
    assert job.task_id  # it went through the broker
    snapshot = RankingSnapshot.objects.get()
    assert snapshot.task_id == job.task_id
    assert snapshot.entries.get().total == 7.5
