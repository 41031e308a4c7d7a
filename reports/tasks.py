"""Celery task of the reports: a thin wrapper taking the job's primary key."""

from __future__ import annotations

import subprocess

from celery import shared_task
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports import services
from reports.models import ReportJob


@shared_task(name="reports.tasks.generate_report")
def generate_report(job_id: int) -> int:
    try:
        return services.generate(job_id=job_id).pk
    except ReportJob.DoesNotExist:
        return 0
    except (ValidationError, OSError, ValueError, subprocess.TimeoutExpired) as exc:
        ReportJob.objects.filter(pk=job_id).update(state=ReportJob.State.FAILED, error=str(exc)[:2000],
                                                  finished_at=timezone.now())
        raise
