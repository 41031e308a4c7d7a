"""Writes of the annual assessment: compiling, publishing, correcting and locking, hand scores and vetoes.

The same rules for the page, the command and Celery: a draft may be discarded; a published version never
changes; a correction is a newer version, published with its reason; locking the year ends corrections.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from annual import engine, tasks
from annual.models import (
    AnnualCompileJob,
    AnnualItem,
    AnnualManualScore,
    AnnualRubric,
    AnnualSnapshot,
    AnnualVeto,
    GradeRule,
    JointRule,
    PublishedAnnualError,
)
from branches.access import person_for
from branches.models import Branch
from branches.periods import validate_year
from scoring.engine.methods import fmt, q2

logger = logging.getLogger(__name__)


def year_is_locked(year: int) -> bool:
    return AnnualSnapshot.objects.filter(year=year, status=AnnualSnapshot.Status.LOCKED).exists()


def _ensure_open(year: int) -> None:
    if year_is_locked(year):
        raise ValidationError(_("%(year)s 年度考核已锁定，不能再计算、评分或更正。") % {"year": year})


def compile_year(*, year: int, user=None, job: AnnualCompileJob | None = None) -> AnnualSnapshot:
    """Compute the year and write a new draft version; a job, when given, reports progress and failure."""

    def progress(pct: int, stage: str) -> None:
        if job is not None:
            AnnualCompileJob.objects.filter(pk=job.pk).update(progress=pct, stage=stage[:200],
                                                              state=AnnualCompileJob.State.RUNNING)

    try:
        validate_year(year)
        _ensure_open(year)
        progress(5, _("开始计算"))
        rubric, quarters, results = engine.compute(year, progress=progress)
        progress(90, _("写入年度考核结果"))
        snapshot = engine.write_snapshot(year, rubric, quarters, results, user=user)
    except ValidationError as exc:
        if job is not None:
            AnnualCompileJob.objects.filter(pk=job.pk).update(
                state=AnnualCompileJob.State.FAILED, error="；".join(exc.messages), finished_at=timezone.now())
        raise
    if job is not None:
        AnnualCompileJob.objects.filter(pk=job.pk).update(
            state=AnnualCompileJob.State.DONE, progress=100, stage=_("完成"), snapshot=snapshot,
            finished_at=timezone.now())
    return snapshot


def request_compile(*, year: int, user=None) -> AnnualCompileJob:
    """Record a job and queue the Celery task once the job row is committed."""
    job = AnnualCompileJob.objects.create(year=year, requested_by=user)

    def queue() -> None:
        try:
            result = tasks.compile_annual.delay(year, job_id=job.pk, user_id=getattr(user, "pk", None))
        except OperationalError as exc:
            logger.warning("annual compile of %s not queued: %s", year, exc)
            AnnualCompileJob.objects.filter(pk=job.pk).update(
                state=AnnualCompileJob.State.FAILED, finished_at=timezone.now(),
                error=_("无法连接任务队列（消息代理不可用），计算未能开始。请稍后重试或联系系统管理员。"))
            return
        except ValidationError:
            return  # eager run: the failure is already recorded on the job
        AnnualCompileJob.objects.filter(pk=job.pk, task_id="").update(task_id=result.id or "")

    transaction.on_commit(queue)
    job.refresh_from_db()
    return job


def current_published(year: int) -> AnnualSnapshot | None:
    """The version in force: the newest published (or locked) one."""
    return AnnualSnapshot.objects.filter(year=year).exclude(status=AnnualSnapshot.Status.DRAFT).order_by(
        "-version").first()


def publish(*, snapshot: AnnualSnapshot, user, correction_reason: str = "", today: date | None = None
            ) -> AnnualSnapshot:
    """Publish a draft once the year is over and its four quarters are published. Publishing over an earlier
    published version is a correction and needs its reason."""
    today = today or timezone.localdate()
    with transaction.atomic():
        snapshot = AnnualSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        if snapshot.is_published:
            raise PublishedAnnualError()
        _ensure_open(snapshot.year)
        if today <= date(snapshot.year, 12, 31):
            raise ValidationError(_("%(year)s 年度尚未结束，年度结束后才能发布年度考核。") % {"year": snapshot.year})
        used = {q["quarter"]: q["snapshot"] for q in snapshot.quarters_used}
        missing = [f"{snapshot.year}Q{n}" for n in (1, 2, 3, 4) if f"{snapshot.year}Q{n}" not in used]
        if missing:
            raise ValidationError(_("%(quarters)s 的季度排名尚未发布，不能发布年度考核。") % {
                "quarters": "、".join(missing)})
        current = engine.published_quarters(snapshot.year)
        stale = [f"{snapshot.year}Q{n}" for n, s in current.items() if used.get(f"{snapshot.year}Q{n}") != s.pk]
        if stale:
            raise ValidationError(_("%(quarters)s 的季度排名已有更新的发布版本，请重新计算年度考核后发布。") % {
                "quarters": "、".join(stale)})
        earlier = current_published(snapshot.year)
        if earlier is not None:
            if earlier.version > snapshot.version:
                raise ValidationError(_("该年度已发布了更新的版本，不能再发布旧版本。"))
            if not (correction_reason or "").strip():
                raise ValidationError({"correction_reason": _(
                    "该年度已发布第 %(v)s 版；发布更正版本须写明更正原因。") % {"v": earlier.version}})
        snapshot.status = AnnualSnapshot.Status.PUBLISHED
        snapshot.published_at = timezone.now()
        snapshot.published_by = user
        snapshot.correction_reason = (correction_reason or "").strip()
        snapshot.save(update_fields=["status", "published_at", "published_by", "correction_reason"])
    return snapshot


def lock(*, snapshot: AnnualSnapshot, user) -> AnnualSnapshot:
    """Lock the year on its version in force: no more compiles, hand scores or corrections."""
    with transaction.atomic():
        snapshot = AnnualSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        current = current_published(snapshot.year)
        if snapshot.status != AnnualSnapshot.Status.PUBLISHED or current is None or current.pk != snapshot.pk:
            raise ValidationError(_("只能锁定该年度正在生效的已发布版本。"))
        snapshot.status = AnnualSnapshot.Status.LOCKED
        snapshot.locked_at = timezone.now()
        snapshot.save(update_fields=["status", "locked_at"])
    return snapshot


def discard_draft(*, snapshot: AnnualSnapshot, user) -> None:
    if snapshot.is_published:
        raise PublishedAnnualError()
    snapshot.delete()


def save_manual_score(*, year: int, branch: Branch, item: AnnualItem, points, reason: str,
                      user=None) -> AnnualManualScore:
    """Score a hand item between 0 and its maximum (a deduction item: the points deducted), with a reason."""
    _ensure_open(year)
    errors = {}
    if item.method != AnnualItem.Method.MANUAL:
        errors["item"] = _("“%(item)s”按记录自动计分，不能人工评分。") % {"item": item.name}
    elif not item.applies_to(branch.kind):
        errors["item"] = _("“%(item)s”不适用于%(kind)s。") % {"item": item.name, "kind": branch.get_kind_display()}
    try:
        value = Decimal(str(points).strip())
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"points": _("请输入数字分值。")})
    if value < 0 or value > item.max_points:
        errors["points"] = _("分值应在 0 到 %(max)s 之间。") % {"max": fmt(item.max_points)}
    elif value != q2(value):
        errors["points"] = _("分值最多保留两位小数。")
    if not (reason or "").strip():
        errors["reason"] = _("请填写评分理由。")
    if errors:
        raise ValidationError(errors)
    score, _created = AnnualManualScore.objects.update_or_create(
        year=year, branch=branch, item=item, defaults={"points": value, "reason": reason.strip(), "updated_by": user})
    return score


def set_veto(*, year: int, branch: Branch, reason: str, user=None) -> AnnualVeto:
    _ensure_open(year)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("一票否决须填写理由。")})
    veto, _created = AnnualVeto.objects.update_or_create(
        year=year, branch=branch, defaults={"reason": reason.strip(), "updated_by": user})
    return veto


def lift_veto(*, year: int, branch: Branch, user=None) -> None:
    _ensure_open(year)
    for veto in AnnualVeto.objects.filter(year=year, branch=branch):
        veto._history_user = user
        veto.delete()


# --- rubric versions ----------------------------------------------------------------------------------

def copy_rubric(*, rubric: AnnualRubric, year: int, user=None) -> AnnualRubric:
    """A new draft version of `year` with the rubric's items, 连带奖扣 rules and grade quotas, to edit and activate."""
    validate_year(year)
    with transaction.atomic():
        last = AnnualRubric.objects.filter(year=year).order_by("-version").values_list("version", flat=True).first()
        new = AnnualRubric.objects.create(
            year=year, version=(last or 0) + 1, name=rubric.name, rollup=rubric.rollup,
            quarter_weights=list(rubric.quarter_weights or []), quarter_share=rubric.quarter_share,
            veto_from_quarters=rubric.veto_from_quarters, veto_grade=rubric.veto_grade, notes=rubric.notes)
        for item in rubric.items.all():
            AnnualItem.objects.create(
                rubric=new, code=item.code, name=item.name, mode=item.mode, kind=item.kind,
                branch_kinds=list(item.branch_kinds or []), max_points=item.max_points, method=item.method,
                source=item.source, target=item.target, deduction=item.deduction, rule=item.rule,
                sort_order=item.sort_order)
        for rule in rubric.joint_rules.all():
            JointRule.objects.create(rubric=new, pair_kind=rule.pair_kind, bonus_share=rule.bonus_share,
                                     deduction_share=rule.deduction_share)
        for grade in rubric.grade_rules.all():
            GradeRule.objects.create(rubric=new, name=grade.name, quota_percent=grade.quota_percent,
                                     sort_order=grade.sort_order)
    return new


def activate_rubric(*, rubric: AnnualRubric, user=None) -> AnnualRubric:
    """Put a version in force for its year; the version in force before it retires."""
    _ensure_open(rubric.year)
    if not rubric.items.exists():
        raise ValidationError(_("年度考核细则没有考核项，不能启用。"))
    with transaction.atomic():
        for other in AnnualRubric.objects.filter(year=rubric.year, status=AnnualRubric.Status.ACTIVE).exclude(
                pk=rubric.pk):
            other.status = AnnualRubric.Status.RETIRED
            other.save(update_fields=["status"])
        rubric.status = AnnualRubric.Status.ACTIVE
        rubric.save(update_fields=["status"])
    return rubric


# --- rubric contents, edited on the pages by the organisation department ------------------------------

RUBRIC_FIELDS = ["name", "rollup", "quarter_weights", "quarter_share", "veto_from_quarters", "veto_grade", "notes"]


def _ensure_rubric_editable(*, rubric: AnnualRubric, user) -> None:
    if user is None or not person_for(user).is_org_admin:
        raise PermissionDenied(_("只有组织部门可以修改年度考核细则。"))
    if rubric.is_frozen():
        raise ValidationError(_("该版本已用于发布的年度考核结果，不能修改；请复制为新版本后修改。"))


def update_rubric_settings(*, rubric: AnnualRubric, user, **fields) -> AnnualRubric:
    _ensure_rubric_editable(rubric=rubric, user=user)
    for name, value in fields.items():
        if name not in RUBRIC_FIELDS:
            raise ValidationError(_("不能修改该字段。"))
        setattr(rubric, name, value)
    rubric.full_clean()
    rubric._history_user = user
    rubric.save()
    return rubric


def save_rubric_part(*, rubric: AnnualRubric, part: AnnualItem | JointRule | GradeRule, user):
    """Add or change an annual item, a 连带奖扣 rule or a grade quota of a version that is not frozen."""
    _ensure_rubric_editable(rubric=rubric, user=user)
    if part.pk is not None and part.rubric_id != rubric.pk:
        raise PermissionDenied
    part.rubric = rubric
    part.full_clean()
    if hasattr(part, "history"):
        part._history_user = user
    part.save()
    return part


def delete_rubric_part(*, rubric: AnnualRubric, part: AnnualItem | JointRule | GradeRule, user) -> None:
    _ensure_rubric_editable(rubric=rubric, user=user)
    if part.rubric_id != rubric.pk:
        raise PermissionDenied
    if isinstance(part, AnnualItem) and part.manual_scores.exists():
        raise ValidationError(_("该考核项已有人工评分，不能删除。"))
    if hasattr(part, "history"):
        part._history_user = user
    part.delete()
