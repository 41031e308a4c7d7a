"""Requesting and generating reports, and who may have which: one place for both."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from branches.models import Branch, Unit
from branches.periods import Quarter, validate_year
from reports import content, convert, tasks
from reports.models import ReportJob

logger = logging.getLogger(__name__)
K = ReportJob.Kind


def may_have(person, *, kind: str, branch: Branch | None = None, unit: Unit | None = None) -> bool:
    """述职: the branch's own officers; a unit's quarterly report: its department heads and the officers of
    its branches; the year-end report: the party committee's readers. The organisation department: all."""
    if person.is_org_admin:
        return True
    if kind == K.SECRETARY:
        return branch is not None and branch.pk in person.branch_ids
    if kind == K.UNIT_QUARTER:
        if unit is None:
            return False
        return person.is_viewer or unit.pk in person.unit_ids or unit.branches.filter(pk__in=person.branch_ids).exists()
    if kind == K.YEAR_END:
        return person.is_viewer
    return False


def request_report(*, person, user, kind: str, year: int, quarter: int | None = None, branch: Branch | None = None,
                   unit: Unit | None = None) -> ReportJob:
    validate_year(year)
    if kind == K.SECRETARY and branch is None:
        raise ValidationError({"branch": _("请选择党支部。")})
    if kind == K.UNIT_QUARTER:
        if unit is None:
            raise ValidationError({"unit": _("请选择单位。")})
        Quarter(year, quarter or 0)
    if not may_have(person, kind=kind, branch=branch, unit=unit):
        raise PermissionDenied
    job = ReportJob.objects.create(kind=kind, year=year, quarter=quarter if kind == K.UNIT_QUARTER else None,
                                   branch=branch if kind == K.SECRETARY else None,
                                   unit=unit if kind == K.UNIT_QUARTER else None, requested_by=user)

    def queue() -> None:
        try:
            tasks.generate_report.delay(job.pk)
        except OperationalError as exc:
            logger.warning("report %s not queued: %s", job.pk, exc)
            ReportJob.objects.filter(pk=job.pk).update(
                state=ReportJob.State.FAILED, finished_at=timezone.now(),
                error=_("无法连接任务队列（消息代理不可用），报告未能生成。请稍后重试或联系系统管理员。"))

    transaction.on_commit(queue)
    return job


def draft(job: ReportJob, *, today=None):
    today = today or timezone.localdate()
    if job.kind == K.SECRETARY:
        return content.secretary_report(branch=job.branch, year=job.year, today=today)
    if job.kind == K.UNIT_QUARTER:
        return content.unit_quarter_report(unit=job.unit, quarter=Quarter(job.year, job.quarter), today=today)
    return content.year_end_report(year=job.year, today=today)


def generate(*, job_id: int) -> ReportJob:
    job = ReportJob.objects.select_related("branch", "unit").get(pk=job_id)
    ReportJob.objects.filter(pk=job.pk).update(state=ReportJob.State.RUNNING)
    docx = draft(job).bytes()
    name = f"{job.kind}-{job.year}{f'Q{job.quarter}' if job.quarter else ''}-{job.pk}"
    job.docx.save(f"{name}.docx", ContentFile(docx), save=False)
    try:
        job.pdf.save(f"{name}.pdf", ContentFile(convert.to_pdf(docx)), save=False)
    except ValidationError as exc:
        job.pdf_error = "；".join(exc.messages)
    job.state, job.finished_at = ReportJob.State.DONE, timezone.now()
    job.save()
    return job
