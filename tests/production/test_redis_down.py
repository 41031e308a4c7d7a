"""Redis down: secretaries still log activities and pages load; queuing a compile reports a clear Chinese
error instead of a server error; when Redis is back the compile can be queued and runs."""

from __future__ import annotations

import sys
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Role
from pairing.models import Activity
from pairing.services import log_activity
from scoring.models import CompileJob, RankingSnapshot
from scoring.services import request_compile
from tests.factories import user_with_role

from .conftest import celery_on, require_broker, require_postgresql, subprocess_env
from .helpers import cup_ready, secretary_with_pair

QUEUE_ERROR = "无法连接任务队列"


@pytest.mark.django_db
def test_activity_logging_works_through_the_service_while_redis_is_down(dead_broker):
    secretary, branch, office, pair, kind = secretary_with_pair()
    activity = log_activity(user=secretary, branch=branch, data={
        "date": timezone.localdate(), "kind": kind, "title": "联合主题党日", "branches": [office],
        "guest_count": 3, "location": "曲堤管理区", "summary": "共同学习",
    })
    activity.refresh_from_db()
    assert activity.pair == pair
    assert set(activity.branches.all()) == {branch, office}


@pytest.mark.django_db
def test_a_secretary_logs_an_activity_on_the_page_while_redis_is_down(dead_broker, client):
    secretary, branch, office, pair, kind = secretary_with_pair()
    client.force_login(secretary)
    url = reverse("pairing:activity_create")
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "date": timezone.localdate().isoformat(), "kind": kind.pk, "title": "外闯党员谈心谈话",
        "joint": f"pair:{pair.pk}", "branches": [office.pk], "guest_count": 0, "location": "", "summary": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(title="外闯党员谈心谈话")
    assert response["Location"] == reverse("pairing:activity_detail", kwargs={"pk": activity.pk})
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_pages_still_load_while_redis_is_down(dead_broker, client):
    secretary, branch, office, pair, kind = secretary_with_pair()
    client.force_login(secretary)
    for name in ["pairing:home", "pairing:activity_list", "pairing:pair_list", "scoring:rankings"]:
        assert client.get(reverse(name)).status_code == 200, name
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    client.force_login(admin)
    assert client.get(reverse("scoring:rankings")).status_code == 200
    assert client.get(reverse("home"), follow=True).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_queuing_a_compile_reports_a_clear_chinese_error(dead_broker, client):
    cup_ready()
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    client.force_login(admin)
    response = client.post(reverse("scoring:compile"), {"quarter": "2026Q3"}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any(QUEUE_ERROR in m for m in shown), shown
    job = CompileJob.objects.get()
    assert job.state == CompileJob.State.FAILED
    assert QUEUE_ERROR in job.error
    assert not RankingSnapshot.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_queuing_from_the_service_fails_cleanly_then_succeeds_when_redis_returns(dead_broker, test_queue):
    cup_ready()
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    failed = request_compile(quarter=_q("2026Q3"), user=admin)
    assert failed.state == CompileJob.State.FAILED and QUEUE_ERROR in failed.error

    url = require_broker()
    with celery_on(url, queue=test_queue):
        queued = request_compile(quarter=_q("2026Q3"), user=admin)
    queued.refresh_from_db()
    assert queued.state == CompileJob.State.QUEUED
    assert queued.task_id
    import redis

    assert redis.Redis.from_url(url).llen(test_queue) == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_after_redis_returns_a_real_worker_runs_the_compile(dead_broker, test_queue, processes):
    require_postgresql()
    url = require_broker()
    cup_ready(branches=3)
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    assert request_compile(quarter=_q("2026Q3"), user=admin).state == CompileJob.State.FAILED

    worker = processes([sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "--pool", "solo",
                        "-Q", test_queue, "--without-mingle", "--without-gossip", "--without-heartbeat"],
                       subprocess_env(CELERY_BROKER_URL=url), "worker")
    worker.wait_for_output("ready.")
    with celery_on(url, queue=test_queue):
        job = request_compile(quarter=_q("2026Q3"), user=admin)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.3)
    assert job.state == CompileJob.State.DONE, (job.state, job.error, worker.output()[-3000:])
    snapshot = RankingSnapshot.objects.get()
    assert job.snapshot == snapshot
    assert snapshot.entries.count() == 3


def _q(text: str):
    from branches.periods import Quarter

    return Quarter.parse(text)
