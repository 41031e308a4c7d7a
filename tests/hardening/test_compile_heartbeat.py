"""A compile job beats while it runs; a silent one is failed within a minute and can be started again;
a job delivered twice links one ranking version."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches.models import Role
from branches.periods import Quarter
from scoring import services, tasks
from scoring.jobs import Heartbeat, fail_stalled_jobs
from scoring.models import CompileJob, RankingSnapshot
from tests.factories import user_with_role
from tests.production.helpers import cup_ready

Q3 = Quarter(2026, 3)


def _running(*, silent_for: float) -> CompileJob:
    return CompileJob.objects.create(year=2026, number=3, state=CompileJob.State.RUNNING, progress=90,
                                     heartbeat_at=timezone.now() - timedelta(seconds=silent_for))


@pytest.mark.django_db
def test_a_job_silent_past_the_limit_is_failed_when_its_progress_is_polled(settings):
    settings.COMPILE_STALL_SECONDS = 40
    dead, alive = _running(silent_for=45), _running(silent_for=5)
    client = Client()
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    page = client.get(reverse("scoring:job_status", args=[dead.pk])).content.decode()
    assert "计算进程已中断" in page and "重新计算" in page
    dead.refresh_from_db()
    assert dead.state == CompileJob.State.FAILED and dead.finished_at is not None
    client.get(reverse("scoring:job_status", args=[alive.pk]))
    alive.refresh_from_db()
    assert alive.state == CompileJob.State.RUNNING


@pytest.mark.django_db
def test_beat_fails_every_stalled_job_within_a_minute(settings):
    settings.COMPILE_STALL_SECONDS = 40
    # beat checks every COMPILE_STALL_CHECK_SECONDS: a dead worker's job fails within stall + check < 60 s
    assert settings.COMPILE_STALL_SECONDS + settings.COMPILE_STALL_CHECK_SECONDS < 60
    assert settings.CELERY_BEAT_SCHEDULE["fail-stalled-compiles"]["schedule"] == settings.COMPILE_STALL_CHECK_SECONDS
    stalled = [_running(silent_for=41), _running(silent_for=300)]
    fresh = _running(silent_for=1)
    assert tasks.fail_stalled_compiles.apply().get() == 2
    assert {j.state for j in CompileJob.objects.filter(pk__in=[j.pk for j in stalled])} == {CompileJob.State.FAILED}
    fresh.refresh_from_db()
    assert fresh.state == CompileJob.State.RUNNING


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_from_its_own_thread_while_the_compile_works():
    job = _running(silent_for=100)
    with Heartbeat(job.pk, every=0.05):
        first = CompileJob.objects.get(pk=job.pk).heartbeat_at
        time.sleep(0.5)  # the compile's own thread is busy (here: asleep); the beat goes on
        later = CompileJob.objects.get(pk=job.pk).heartbeat_at
    assert first > job.heartbeat_at and later > first
    assert fail_stalled_jobs() == 0


@pytest.mark.django_db
def test_a_failed_job_is_restarted_and_makes_one_version(django_capture_on_commit_callbacks):
    cup_ready(branches=2)
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    job = _running(silent_for=100)
    fail_stalled_jobs()
    client = Client()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("scoring:job_restart", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == CompileJob.State.DONE and job.error == ""
    assert list(RankingSnapshot.objects.values_list("pk", flat=True)) == [job.snapshot_id]
    # Only a failed job starts again.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scoring:job_restart", args=[job.pk]), follow=True)
    assert "只有失败的计算任务可以重新开始" in response.content.decode()
    assert RankingSnapshot.objects.count() == 1


@pytest.mark.django_db
def test_a_job_delivered_again_after_it_finished_makes_no_second_version():
    cup_ready(branches=2)
    job = CompileJob.objects.create(year=2026, number=3)
    first = tasks.compile_quarter.apply(args=(str(Q3),), kwargs={"job_id": job.pk}).get()
    again = tasks.compile_quarter.apply(args=(str(Q3),), kwargs={"job_id": job.pk}).get()
    assert first == again
    assert RankingSnapshot.objects.count() == 1
    job.refresh_from_db()
    assert job.state == CompileJob.State.DONE and job.snapshot_id == first


@pytest.mark.django_db
def test_two_deliveries_at_once_link_one_version_and_the_other_rolls_back(monkeypatch):
    cup_ready(branches=2)
    job = CompileJob.objects.create(year=2026, number=3)
    real_compute = services.compute
    seen = {}

    def compute_while_the_other_delivery_finishes(quarter, progress=None):
        results = real_compute(quarter, progress=progress)
        if not seen:
            seen["other"] = True
            seen["snapshot"] = services.compile_quarter(quarter=quarter, job=job)
        return results

    monkeypatch.setattr(services, "compute", compute_while_the_other_delivery_finishes)
    snapshot = services.compile_quarter(quarter=Q3, job=job)
    assert snapshot == seen["snapshot"]
    assert list(RankingSnapshot.objects.values_list("version", flat=True)) == [1]
    job.refresh_from_db()
    assert job.snapshot == snapshot and job.state == CompileJob.State.DONE
