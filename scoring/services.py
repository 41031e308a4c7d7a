"""Writes of the 党建提质杯: compiling, publishing, manual scores, vetoes and rubric versions.

Every rule lives here (not in views or forms) so the pages, the command, Celery and the API share it.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from branches.periods import Quarter
from config.concurrency import save_versioned
from scoring import selectors
from scoring.engine import methods
from scoring.engine.compile import compute, write_snapshot
from scoring.models import (
    CompileJob,
    ManualScore,
    PublishedSnapshotError,
    RankingSnapshot,
    Rubric,
    RubricItem,
    RubricSection,
    Veto,
)
from scoring.versions import publish_version

logger = logging.getLogger(__name__)


# --- compiling and publishing -------------------------------------------------------------------------

class _AlreadyCompiled(Exception):
    """Another delivery of the same job linked its version first; this one's is rolled back."""


def compile_quarter(*, quarter: Quarter, user=None, publish: bool = False, job: CompileJob | None = None,
                    task_id: str = "", reason: str = "") -> RankingSnapshot:
    """Compute every branch's items for the quarter and write a new draft (or published) snapshot version.

    A job makes at most one version: delivered again after it finished, it returns that version; two
    deliveries at once both compute, and the one that links its version second rolls its version back.
    """

    def progress(pct: int, stage: str) -> None:
        if job is not None:
            # (a job that already linked its version is done: another delivery's progress leaves it so)
            CompileJob.objects.filter(pk=job.pk, snapshot__isnull=True).update(
                progress=pct, stage=stage[:200], state=CompileJob.State.RUNNING, heartbeat_at=timezone.now())

    if job is not None:
        done = CompileJob.objects.filter(pk=job.pk, snapshot__isnull=False).select_related("snapshot").first()
        if done is not None:
            return done.snapshot
        progress(5, _("开始计算"))
    try:
        rubric, results = compute(quarter, progress=progress)
        progress(90, _("写入排名快照"))
        with transaction.atomic():
            snapshot = write_snapshot(quarter, rubric, results, user=user, task_id=task_id, publish=publish,
                                      reason=reason)
            if job is not None and not CompileJob.objects.filter(pk=job.pk, snapshot__isnull=True).update(
                    snapshot=snapshot):
                raise _AlreadyCompiled
    except _AlreadyCompiled:
        logger.info("compile job %s was delivered twice; its first version stands", job.pk)
        return CompileJob.objects.select_related("snapshot").get(pk=job.pk).snapshot
    except Exception as exc:
        if job is not None:
            message = "；".join(exc.messages) if isinstance(exc, ValidationError) else _("计算失败：%(error)s") % {
                "error": exc}
            CompileJob.objects.filter(pk=job.pk, snapshot__isnull=True).update(
                state=CompileJob.State.FAILED, error=message, finished_at=timezone.now())
        raise
    if job is not None:
        CompileJob.objects.filter(pk=job.pk).update(
            state=CompileJob.State.DONE, progress=100, stage=_("完成"), error="", finished_at=timezone.now())
    return snapshot


def request_compile(*, quarter: Quarter, user=None, publish: bool = False) -> CompileJob:
    """Record a compile job and queue the Celery task once the job row is committed."""
    job = CompileJob.objects.create(year=quarter.year, number=quarter.number, publish=publish, requested_by=user)
    _queue(job, user=user)
    job.refresh_from_db()
    return job


def restart_compile(*, job: CompileJob, user=None) -> CompileJob:
    """Start a failed job again (same quarter, same request): it still makes at most one version."""
    if job.state != CompileJob.State.FAILED:
        raise ValidationError(_("只有失败的计算任务可以重新开始。"), code="not_failed")
    CompileJob.objects.filter(pk=job.pk, state=CompileJob.State.FAILED).update(
        state=CompileJob.State.QUEUED, progress=0, stage="", error="", finished_at=None, heartbeat_at=None,
        task_id="")
    _queue(job, user=user or job.requested_by)
    job.refresh_from_db()
    return job


def _queue(job: CompileJob, *, user) -> None:
    from kombu.exceptions import OperationalError

    from scoring import tasks

    def queue() -> None:
        try:
            result = tasks.compile_quarter.delay(str(job.quarter), publish=job.publish, job_id=job.pk,
                                                 user_id=getattr(user, "pk", None))
        except OperationalError as exc:
            logger.warning("compile of %s not queued: %s", job.quarter, exc)
            CompileJob.objects.filter(pk=job.pk).update(
                state=CompileJob.State.FAILED, finished_at=timezone.now(),
                error=_("无法连接任务队列（消息代理不可用），计算未能开始。请稍后重试或联系系统管理员。"))
            return
        except ValidationError:
            return  # eager run: the failure is already recorded on the job
        CompileJob.objects.filter(pk=job.pk, task_id="").update(task_id=result.id or "")

    transaction.on_commit(queue)


def publish_snapshot(*, snapshot: RankingSnapshot, user, reason: str = "",
                     confirm_unscored: bool = False) -> RankingSnapshot:
    """Publish a draft. Branches with manual items nobody scored (they count as 0) are listed and the
    publisher must confirm. A quarter with a published version takes a correction only with a reason; the
    previous version is then marked superseded (scoring.versions holds that rule)."""
    quarter = Quarter(snapshot.year, snapshot.number)
    if quarter.end >= timezone.localdate():
        # Publishing locks the quarter's records; a running quarter would stop every branch logging.
        raise ValidationError(_("%(quarter)s 尚未结束，季度结束后才能发布排名。") % {"quarter": quarter})
    if not snapshot.is_published and not confirm_unscored:
        unscored = selectors.unscored_manual(snapshot=snapshot)
        if unscored:
            raise ValidationError({"confirm_unscored": _(
                "以下 %(n)s 个党支部的人工评分项尚未评分，发布后按 0 分计：%(branches)s。请确认后再发布。") % {
                "n": len(unscored), "branches": "、".join(b["branch_name"] for b in unscored)}})
    return publish_version(version=snapshot, siblings=RankingSnapshot.objects.filter(
        year=snapshot.year, number=snapshot.number), user=user, reason=reason)


def discard_draft(*, snapshot: RankingSnapshot, user) -> None:
    if snapshot.is_published:
        raise PublishedSnapshotError()
    snapshot.delete()


# --- manual scores and vetoes -------------------------------------------------------------------------

def _points(value) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"points": _("请输入数字分值。")})
    if not points.is_finite():  # "nan"/"inf" parse, but cannot be compared or stored (production engineer)
        raise ValidationError({"points": _("请输入数字分值。")})
    return points


def save_manual_score(*, quarter: Quarter, branch: Branch, item: RubricItem, points, reason: str, user=None,
                      expected_version: int | None = None) -> ManualScore:
    """Score a manual item between 0 and its maximum, with a reason; stale edits are refused. The one rule
    for page and API: a published quarter's manual scores stay the organisation department's to review;
    a change never moves the published version (it is frozen) and counts only in a correction, which is
    published with a reason (publish_snapshot)."""
    errors = {}
    if item.method != RubricItem.Method.MANUAL:
        errors["item"] = _("“%(item)s”按记录自动计分，不能人工评分。") % {"item": item.name}
    elif not item.applies_to(branch.kind):
        errors["item"] = _("“%(item)s”不适用于%(kind)s。") % {"item": item.name, "kind": branch.get_kind_display()}
    value = _points(points)
    if value < 0 or value > item.max_points:
        errors["points"] = _("分值应在 0 到 %(max)s 之间。") % {"max": methods.fmt(item.max_points)}
    elif value != methods.q2(value):
        errors["points"] = _("分值最多保留两位小数。")
    if not (reason or "").strip():
        errors["reason"] = _("请填写评分理由。")
    if errors:
        raise ValidationError(errors)
    score = ManualScore.objects.filter(year=quarter.year, number=quarter.number, branch=branch, item=item).first()
    if score is None:
        if expected_version not in (None, 0):
            from config.concurrency import StaleRecordError

            raise StaleRecordError()
        score = ManualScore(year=quarter.year, number=quarter.number, branch=branch, item=item)
    score.points = value
    score.reason = reason.strip()
    score.updated_by = user
    save_versioned(score, expected_version=expected_version if score.pk else None)
    return score


def set_veto(*, quarter: Quarter, branch: Branch, reason: str, user=None) -> Veto:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("一票否决须填写理由。")})
    veto, _created = Veto.objects.update_or_create(
        year=quarter.year, number=quarter.number, branch=branch,
        defaults={"reason": reason.strip(), "updated_by": user})
    return veto


def lift_veto(*, quarter: Quarter, branch: Branch, user=None) -> None:
    for veto in Veto.objects.filter(year=quarter.year, number=quarter.number, branch=branch):
        veto._history_user = user
        veto.delete()


# --- rubric versions ----------------------------------------------------------------------------------

def rubric_is_frozen(rubric: Rubric) -> bool:
    """A rubric that scored a published ranking keeps its items; changes go into a new version."""
    return rubric.snapshots.filter(status=RankingSnapshot.Status.PUBLISHED).exists()


def _ensure_editable(rubric: Rubric) -> None:
    if rubric_is_frozen(rubric):
        raise ValidationError(_("该版本评分细则已用于已发布的排名，不能修改；请复制为新版本后修改。"))


def save_rubric_item(*, item: RubricItem, user=None, **fields) -> RubricItem:
    _ensure_editable(item.rubric)
    for name, value in fields.items():
        setattr(item, name, value)
    if item.method == RubricItem.Method.MANUAL:
        item.source = ""
    item.full_clean()
    item._history_user = user
    item.save()
    return item


def delete_rubric_item(*, item: RubricItem, user=None) -> None:
    _ensure_editable(item.rubric)
    item._history_user = user
    item.delete()


def copy_rubric(*, rubric: Rubric, year: int, valid_from: int = 1, user=None) -> Rubric:
    """Copy a rubric with its sections and items into a new draft version of `year`, in force from `valid_from`."""
    Quarter(year, valid_from)  # validates both
    with transaction.atomic():
        last = Rubric.objects.filter(year=year).order_by("-version").values_list("version", flat=True).first() or 0
        new = Rubric.objects.create(year=year, version=last + 1, valid_from=valid_from, name=rubric.name,
                                    notes=rubric.notes, status=Rubric.Status.DRAFT)
        sections = {}
        for section in rubric.sections.all():
            sections[section.pk] = RubricSection.objects.create(rubric=new, name=section.name,
                                                                sort_order=section.sort_order)
        for item in rubric.items.all():
            RubricItem.objects.create(
                rubric=new, section=sections[item.section_id], code=item.code, name=item.name, mode=item.mode,
                branch_kinds=list(item.branch_kinds or []), max_points=item.max_points, method=item.method,
                source=item.source, target=item.target, deduction=item.deduction, is_bonus=item.is_bonus,
                rule=item.rule, sort_order=item.sort_order, params=dict(item.params or {}),
                no_obligation=item.no_obligation)
    return new


def activate_rubric(*, rubric: Rubric, user=None) -> Rubric:
    """Put a version in force; an active version of the same year starting the same quarter is retired."""
    if not rubric.items.exists():
        raise ValidationError(_("评分细则没有评分项，不能启用。"))
    with transaction.atomic():
        for other in Rubric.objects.filter(year=rubric.year, valid_from=rubric.valid_from,
                                           status=Rubric.Status.ACTIVE).exclude(pk=rubric.pk):
            other.status = Rubric.Status.RETIRED
            other.save(update_fields=["status"])
        rubric.status = Rubric.Status.ACTIVE
        rubric.save(update_fields=["status"])
    return rubric
