"""Celery tasks of the annual assessment: thin wrappers taking primary keys; the services do the work."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from annual import services
from annual.models import AnnualCompileJob


@shared_task(name="annual.tasks.compile_annual", bind=True)
def compile_annual(self, year: int, job_id: int | None = None, user_id: int | None = None) -> int:
    job = AnnualCompileJob.objects.filter(pk=job_id).first() if job_id else None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    task_id = getattr(self.request, "id", None) or ""
    if job is not None and task_id:
        AnnualCompileJob.objects.filter(pk=job.pk).update(task_id=task_id)
    return services.compile_year(year=int(year), user=user, job=job).pk
