"""Celery tasks of the cup: thin wrappers taking strings and primary keys; the services do the work."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from branches.periods import Quarter
from scoring.jobs import Heartbeat, fail_stalled_jobs


@shared_task(name="scoring.tasks.compile_quarter", bind=True)
def compile_quarter(self, quarter: str, publish: bool = False, job_id: int | None = None,
                    user_id: int | None = None) -> int:
    """Compile `quarter` ("2026Q3") into a new snapshot version; returns the snapshot's id."""
    from scoring.models import CompileJob
    from scoring.services import compile_quarter as compile_service

    job = CompileJob.objects.filter(pk=job_id).first() if job_id else None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    task_id = getattr(self.request, "id", None) or ""
    if job is not None and task_id:
        CompileJob.objects.filter(pk=job.pk).update(task_id=task_id)
    with Heartbeat(job.pk if job is not None else None):
        snapshot = compile_service(quarter=Quarter.parse(quarter), user=user, publish=publish, job=job,
                                   task_id=task_id)
    return snapshot.pk


@shared_task(name="scoring.tasks.fail_stalled_compiles")
def fail_stalled_compiles() -> int:
    """Beat, every few seconds: fail the compile jobs whose worker stopped beating (scoring/jobs.py)."""
    return fail_stalled_jobs()


@shared_task(name="scoring.tasks.compile_previous_quarter")
def compile_previous_quarter() -> int:
    """Beat, on the first day of each quarter: compile the quarter just ended as a draft for review."""
    from scoring.models import CompileJob

    quarter = Quarter.of(timezone.localdate()).previous()
    job = CompileJob.objects.create(year=quarter.year, number=quarter.number)
    return compile_quarter.apply(args=(str(quarter),), kwargs={"job_id": job.pk}).get()
