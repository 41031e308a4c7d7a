"""Mode 1, 党建+业务: a department's assessment content, the seven duties with 四同 evidence, the key-work plan."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.periods import MAX_YEAR, MIN_YEAR
from config.concurrency import VersionedModel

from .filing import FilingReview
from .org import Unit

YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


def _department_only(unit: Unit | None, field: str = "unit") -> None:
    if unit is not None and unit.kind != Unit.Kind.DEPARTMENT:
        raise ValidationError({field: _("“党建+业务”只适用于机关部门。")})


class Duty(models.Model):
    """One of the party-building duties a department carries in its business system (data, extendable)."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党建职责")
        verbose_name_plural = _("党建职责")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class AssessmentContent(VersionedModel):
    """What the company party committee sets each year for a department; enters its annual KPIs."""

    unit = models.ForeignKey(Unit, verbose_name=_("机关部门"), on_delete=models.CASCADE, related_name="assessment_contents")
    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    duty = models.ForeignKey(Duty, verbose_name=_("对应职责"), null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(_("考核内容"), max_length=200)
    description = models.TextField(_("考核标准"), blank=True)
    weight = models.DecimalField(_("权重(分)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度考核内容")
        verbose_name_plural = _("年度考核内容")
        ordering = ["-year", "unit", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} · {self.title}"

    def clean(self) -> None:
        _department_only(getattr(self, "unit", None) if self.unit_id else None)


class DutyEvidence(VersionedModel):
    """Evidence of one of the 四同 (research, deploy, implement, assess together) for a duty."""

    class Stage(models.TextChoices):
        RESEARCHED = "researched", _("同研究")
        DEPLOYED = "deployed", _("同部署")
        IMPLEMENTED = "implemented", _("同落实")
        ASSESSED = "assessed", _("同考核")

    unit = models.ForeignKey(Unit, verbose_name=_("机关部门"), on_delete=models.CASCADE, related_name="duty_evidence")
    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    duty = models.ForeignKey(Duty, verbose_name=_("职责"), on_delete=models.PROTECT, related_name="evidence")
    stage = models.CharField(_("环节"), max_length=20, choices=Stage.choices)
    date = models.DateField(_("日期"))
    description = models.TextField(_("情况说明"))
    standard = models.TextField(_("标准要求"), blank=True, help_text=_("同部署时填写"))
    supervision_responsibility = models.TextField(_("监督检查责任"), blank=True, help_text=_("同部署时填写"))
    assessment_method = models.TextField(_("考核问责方式"), blank=True, help_text=_("同部署时填写"))
    file = models.FileField(_("佐证材料"), upload_to="duty/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("填报人"))
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("四同记录")
        verbose_name_plural = _("四同记录")
        ordering = ["-year", "unit", "duty__sort_order", "stage", "date"]
        indexes = [models.Index(fields=["unit", "year", "duty"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.duty} · {self.get_stage_display()}"

    def clean(self) -> None:
        errors = {}
        if self.unit_id:
            try:
                _department_only(self.unit)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if self.date and self.year and self.date.year != self.year:
            errors["date"] = _("日期必须在 %(year)s 年度内。") % {"year": self.year}
        if self.stage == self.Stage.DEPLOYED:
            for field, label in (
                ("standard", _("标准要求")),
                ("supervision_responsibility", _("监督检查责任")),
                ("assessment_method", _("考核问责方式")),
            ):
                if not (getattr(self, field) or "").strip():
                    errors[field] = _("同部署须明确%(label)s。") % {"label": label}
        if errors:
            raise ValidationError(errors)


class KeyWorkPlan(FilingReview, VersionedModel):
    """A department's annual key-work plan, decomposed into tasks and monthly targets (督办)."""

    unit = models.ForeignKey(Unit, verbose_name=_("机关部门"), on_delete=models.CASCADE, related_name="key_work_plans")
    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("名称"), max_length=200)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    document = models.FileField(_("方案文件"), upload_to="plans/%Y/", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度重点工作方案")
        verbose_name_plural = _("年度重点工作方案")
        ordering = ["-year", "unit"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="key_work_plan_unique_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} · {self.title}"

    def clean(self) -> None:
        if self.unit_id:
            _department_only(self.unit)
        if self.filed_on and self.year and self.filed_on.year not in (self.year - 1, self.year):
            raise ValidationError({"filed_on": _("备案日期必须在方案年度内（或上一年末）。")})


class KeyWorkTask(VersionedModel):
    plan = models.ForeignKey(KeyWorkPlan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("任务"), max_length=300)
    duty = models.ForeignKey(Duty, verbose_name=_("对应职责"), null=True, blank=True, on_delete=models.SET_NULL)
    owner = models.CharField(_("责任人"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="key_work_task_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class MonthlyTarget(VersionedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("未到期")
        DONE = "done", _("已完成")
        BEHIND = "behind", _("滞后")
        OVERDUE = "overdue", _("逾期")

    task = models.ForeignKey(KeyWorkTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="targets")
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    target = models.CharField(_("月度目标"), max_length=300)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    note = models.TextField(_("说明"), blank=True)
    # The day it was marked done: "按期" is done by the end of its month.
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("更新人"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月度目标")
        verbose_name_plural = _("月度目标")
        ordering = ["task", "month"]
        constraints = [models.UniqueConstraint(fields=["task", "month"], name="monthly_target_unique_month")]

    def __str__(self) -> str:
        return _("%(task)s · %(month)s月") % {"task": self.task, "month": self.month}

    def clean(self) -> None:
        if self.status in (self.Status.BEHIND, self.Status.OVERDUE) and not (self.note or "").strip():
            raise ValidationError({"note": _("标记为滞后或逾期时请说明原因。")})
