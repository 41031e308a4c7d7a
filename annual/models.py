"""The annual branch assessment 年度党支部党建工作考核: its rubric as data, hand scores and vetoes, and the
compiled snapshots (draft → published → locked).

A snapshot keeps every line it showed (quarters rolled up, annual items, 连带奖扣, the grade and why), so
a later change of a rubric, a quarter or a record never moves a published annual result.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models import Branch
from branches.periods import MAX_YEAR, MIN_YEAR
from scoring.engine.registry import SOURCES

YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
POINTS = {"max_digits": 8, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class AnnualRubric(models.Model):
    """年度考核细则: one version of a year's rules."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("生效")
        RETIRED = "retired", _("已停用")

    class Rollup(models.TextChoices):
        AVERAGE = "average", _("四个季度平均")
        SUM = "sum", _("四个季度求和")
        WEIGHTED = "weighted", _("按权重加权")

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    rollup = models.CharField(_("季度汇总方式"), max_length=20, choices=Rollup.choices, default=Rollup.AVERAGE)
    quarter_weights = models.JSONField(_("季度权重"), default=list, blank=True,
                                       help_text=_("按权重加权时填写四个数，如 [0.2, 0.2, 0.3, 0.3]"))
    quarter_share = models.DecimalField(_("季度得分折算比例(%)"), default=Decimal("100"), **PERCENT,
                                        help_text=_("季度汇总分乘以该比例计入年度总分"))
    veto_from_quarters = models.BooleanField(_("季度一票否决计入年度"), default=True,
                                             help_text=_("任一季度被一票否决的党支部，年度考核一票否决"))
    veto_grade = models.CharField(_("一票否决等次"), max_length=50, default="不定等次")
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度考核细则")
        verbose_name_plural = _("年度考核细则")
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="annual_rubric_unique_version")]

    def __str__(self) -> str:
        return f"{self.year} {self.name} v{self.version}"

    def is_frozen(self) -> bool:
        """A version that scored a published annual assessment keeps its rules; changes go into a copy."""
        return self.pk is not None and self.snapshots.exclude(status=AnnualSnapshot.Status.DRAFT).exists()

    def weights(self) -> list[Decimal]:
        """The factor of each quarter's total in the roll-up."""
        if self.rollup == self.Rollup.SUM:
            return [Decimal(1)] * 4
        if self.rollup == self.Rollup.WEIGHTED:
            return [Decimal(str(w)) for w in self.quarter_weights]
        return [Decimal("0.25")] * 4

    def clean(self) -> None:
        if self.rollup == self.Rollup.WEIGHTED:
            weights = self.quarter_weights
            ok = isinstance(weights, list) and len(weights) == 4
            try:
                ok = ok and all(Decimal(str(w)) >= 0 for w in weights)
            except ArithmeticError:
                ok = False
            if not ok:
                raise ValidationError({"quarter_weights": gettext("按权重加权须填写四个不小于 0 的季度权重。")})


class AnnualItem(models.Model):
    """An annual item: computed from the year's records (the quarterly sources added up over the year),
    or scored by hand with a reason. Bonus and deduction items are what 连带奖扣 shares with partners."""

    class Kind(models.TextChoices):
        BASE = "base", _("基础项")
        BONUS = "bonus", _("加分项")
        DEDUCTION = "deduction", _("扣分项")

    class Method(models.TextChoices):
        COUNT_TARGET = "count_target", _("按数量达标")
        ON_TIME = "on_time", _("按时备案")
        RATIO = "ratio", _("完成比例")
        DEDUCTION_PER = "deduction_per", _("按次扣分")
        MANUAL = "manual", _("人工评分")

    rubric = models.ForeignKey(AnnualRubric, verbose_name=_("年度考核细则"), on_delete=models.CASCADE,
                               related_name="items")
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("考核项"), max_length=200)
    mode = models.CharField(_("所属模式"), max_length=20, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.BASE)
    branch_kinds = models.JSONField(_("适用支部类型"), default=list, blank=True,
                                    help_text=_("为空表示适用于全部支部类型"))
    max_points = models.DecimalField(_("分值"), validators=[MinValueValidator(0)], **POINTS)
    method = models.CharField(_("计分方式"), max_length=20, choices=Method.choices)
    source = models.CharField(_("数据来源"), max_length=40, blank=True)
    target = models.DecimalField(_("年度目标数"), null=True, blank=True, validators=[MinValueValidator(0)], **POINTS)
    deduction = models.DecimalField(_("每次扣分"), null=True, blank=True, validators=[MinValueValidator(0)], **POINTS)
    rule = models.TextField(_("评分标准"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度考核项")
        verbose_name_plural = _("年度考核项")
        ordering = ["rubric", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="annual_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def applies_to(self, kind: str) -> bool:
        return not self.branch_kinds or kind in self.branch_kinds

    def clean(self) -> None:
        errors = {}
        if not isinstance(self.branch_kinds, list) or not set(self.branch_kinds) <= set(Branch.Kind.values):
            errors["branch_kinds"] = gettext("适用支部类型无效。")
        if self.method == self.Method.MANUAL:
            if self.source:
                errors["source"] = gettext("人工评分项不选择数据来源。")
        elif self.source not in SOURCES:
            errors["source"] = gettext("按记录计分的考核项必须选择数据来源。")
        elif self.method not in SOURCES[self.source].methods:
            errors["method"] = gettext("该数据来源不支持这种计分方式。")
        if self.method == self.Method.COUNT_TARGET and not self.target:
            errors["target"] = gettext("按数量达标计分须填写大于 0 的年度目标数。")
        if self.method == self.Method.DEDUCTION_PER:
            if not self.deduction:
                errors["deduction"] = gettext("按次扣分须填写每次扣分。")
            if self.kind != self.Kind.DEDUCTION:
                errors["kind"] = gettext("按次扣分的考核项只能是扣分项。")
        if errors:
            raise ValidationError(errors)


class JointRule(models.Model):
    """连带奖扣: the share of a partner's bonus and deduction a branch takes on, per pair kind."""

    class PairKind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("一对一")
        ONE_TO_TWO = "one_to_two", _("一对二")

    rubric = models.ForeignKey(AnnualRubric, verbose_name=_("年度考核细则"), on_delete=models.CASCADE,
                               related_name="joint_rules")
    pair_kind = models.CharField(_("结对类型"), max_length=20, choices=PairKind.choices)
    bonus_share = models.DecimalField(_("连带加分比例(%)"), **PERCENT)
    deduction_share = models.DecimalField(_("连带扣分比例(%)"), **PERCENT)

    class Meta:
        verbose_name = _("连带奖扣规则")
        verbose_name_plural = _("连带奖扣规则")
        ordering = ["rubric", "pair_kind"]
        constraints = [models.UniqueConstraint(fields=["rubric", "pair_kind"], name="joint_rule_once")]

    def __str__(self) -> str:
        return f"{self.rubric} · {self.get_pair_kind_display()}"


class GradeRule(models.Model):
    """A grade by quota within each ranking group, best first: 五星 for the top n%, and so on; the last
    grade without a quota takes the rest."""

    rubric = models.ForeignKey(AnnualRubric, verbose_name=_("年度考核细则"), on_delete=models.CASCADE,
                               related_name="grade_rules")
    name = models.CharField(_("等次"), max_length=50)
    quota_percent = models.DecimalField(_("名额比例(%)"), null=True, blank=True,
                                        help_text=_("为空表示其余全部"), **PERCENT)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("等次名额")
        verbose_name_plural = _("等次名额")
        ordering = ["rubric", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class AnnualManualScore(models.Model):
    """A hand-scored annual item of a branch, with the reason."""

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(AnnualItem, verbose_name=_("考核项"), on_delete=models.CASCADE,
                             related_name="manual_scores")
    points = models.DecimalField(_("得分"), **POINTS)
    reason = models.TextField(_("评分理由"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("评分人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度人工评分")
        verbose_name_plural = _("年度人工评分")
        ordering = ["-year", "branch__code", "item__code"]
        constraints = [models.UniqueConstraint(fields=["year", "branch", "item"], name="annual_manual_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.branch} · {self.item.code}"


class AnnualVeto(models.Model):
    """年度一票否决, by hand with a reason."""

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("否决理由"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("操作人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度一票否决")
        verbose_name_plural = _("年度一票否决")
        constraints = [models.UniqueConstraint(fields=["year", "branch"], name="annual_veto_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.branch}"


class AnnualCompileJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=200, blank=True)
    task_id = models.CharField(_("任务编号"), max_length=100, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    snapshot = models.ForeignKey("AnnualSnapshot", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("生成的年度考核"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度考核计算任务")
        verbose_name_plural = _("年度考核计算任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_state_display()}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class PublishedAnnualError(ValidationError):
    def __init__(self) -> None:
        super().__init__(gettext("已发布的年度考核不能修改或删除；如需更正，请重新计算生成新版本，写明更正原因后发布。"),
                         code="published")


class AnnualSnapshot(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        LOCKED = "locked", _("已锁定")

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    rubric = models.ForeignKey(AnnualRubric, verbose_name=_("年度考核细则"), on_delete=models.PROTECT,
                               related_name="snapshots")
    rubric_label = models.CharField(_("年度考核细则版本"), max_length=250)
    quarters_used = models.JSONField(_("采用的季度排名"), default=list, blank=True)
    correction_reason = models.TextField(_("更正原因"), blank=True)
    created_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("计算人"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("发布人"))
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度考核结果")
        verbose_name_plural = _("年度考核结果")
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="annual_snapshot_unique_version")]

    def __str__(self) -> str:
        return f"{self.year} v{self.version} ({self.get_status_display()})"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = getattr(instance, "status", None)
        return instance

    @property
    def is_published(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.LOCKED)

    def save(self, *args, **kwargs) -> None:
        # Publishing, then locking, are the only changes of a snapshot; nothing changes after the lock.
        stored = getattr(self, "_stored_status", None)
        allowed = stored == self.Status.PUBLISHED and self.status == self.Status.LOCKED and set(
            kwargs.get("update_fields") or ()) <= {"status", "locked_at"} and kwargs.get("update_fields")
        if self.pk and stored in (self.Status.PUBLISHED, self.Status.LOCKED) and not allowed:
            raise PublishedAnnualError()
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise PublishedAnnualError()
        return super().delete(*args, **kwargs)


def _snapshot_is_published(snapshot_id: int) -> bool:
    return AnnualSnapshot.objects.filter(pk=snapshot_id).exclude(status=AnnualSnapshot.Status.DRAFT).exists()


class AnnualEntry(models.Model):
    snapshot = models.ForeignKey(AnnualSnapshot, verbose_name=_("年度考核结果"), on_delete=models.CASCADE,
                                 related_name="entries")
    group_name = models.CharField(_("排名分组"), max_length=100)
    group_sort = models.PositiveIntegerField(_("分组排序"), default=0)
    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="+")
    branch_code = models.CharField(_("支部编码"), max_length=32)
    branch_name = models.CharField(_("党支部"), max_length=100)
    quarter_points = models.DecimalField(_("季度汇总得分"), **POINTS)
    item_points = models.DecimalField(_("年度考核项得分"), **POINTS)
    bonus_points = models.DecimalField(_("本支部加分"), **POINTS)
    deduction_points = models.DecimalField(_("本支部扣分"), **POINTS)
    joint_points = models.DecimalField(_("连带奖扣"), **POINTS)
    total = models.DecimalField(_("年度总分"), **POINTS)
    rank = models.PositiveIntegerField(_("名次"))
    position = models.PositiveIntegerField(_("顺序"))
    grade = models.CharField(_("等次"), max_length=50)
    grade_explanation = models.TextField(_("等次说明"), blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    veto_reason = models.TextField(_("否决理由"), blank=True)

    class Meta:
        verbose_name = _("年度考核条目")
        verbose_name_plural = _("年度考核条目")
        ordering = ["snapshot", "group_sort", "position"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "branch"], name="annual_entry_once")]

    def __str__(self) -> str:
        return f"{self.snapshot} · {self.branch_name}"

    def save(self, *args, **kwargs) -> None:
        if _snapshot_is_published(self.snapshot_id):
            raise PublishedAnnualError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _snapshot_is_published(self.snapshot_id):
            raise PublishedAnnualError()
        return super().delete(*args, **kwargs)


class AnnualLine(models.Model):
    """One explained line of a branch's annual result: a quarter, an annual item, a partner's 连带奖扣, a veto."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("季度得分")
        ITEM = "item", _("年度考核项")
        JOINT = "joint", _("连带奖扣")
        VETO = "veto", _("一票否决")

    entry = models.ForeignKey(AnnualEntry, verbose_name=_("年度考核条目"), on_delete=models.CASCADE,
                              related_name="lines")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("编码"), max_length=32, blank=True)
    name = models.CharField(_("名称"), max_length=200)
    item_kind = models.CharField(_("考核项类别"), max_length=20, blank=True)
    max_points = models.DecimalField(_("分值"), null=True, blank=True, **POINTS)
    points = models.DecimalField(_("得分"), **POINTS)
    explanation = models.TextField(_("计分说明"), blank=True)
    # The records behind the line: [{"model", "id", "label", ...}] (scoring.links makes the links), or
    # {"quarter_snapshot": id} / {"partner": branch id} for lines pointing at another result.
    evidence = models.JSONField(_("依据记录"), default=list, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("年度考核明细")
        verbose_name_plural = _("年度考核明细")
        ordering = ["entry", "position"]

    def __str__(self) -> str:
        return f"{self.entry} · {self.name}"

    def save(self, *args, **kwargs) -> None:
        if _snapshot_is_published(self.entry.snapshot_id):
            raise PublishedAnnualError()
        super().save(*args, **kwargs)


@receiver(pre_delete, sender=AnnualSnapshot)
@receiver(pre_delete, sender=AnnualEntry)
@receiver(pre_delete, sender=AnnualLine)
def _refuse_deleting_published(sender, instance, **kwargs) -> None:
    """Queryset and cascade deletes do not call delete(); the signal guards them too."""
    if sender is AnnualSnapshot:
        snapshot_id = instance.pk
    elif sender is AnnualEntry:
        snapshot_id = instance.snapshot_id
    else:
        snapshot_id = AnnualEntry.objects.filter(pk=instance.entry_id).values_list("snapshot_id", flat=True).first()
    if snapshot_id and _snapshot_is_published(snapshot_id):
        raise PublishedAnnualError()


class KpiConfirmation(models.Model):
    """The organisation department's confirmation of a department's 考核内容 result for the year, with the
    figures as they were confirmed (the records may still move afterwards; what was confirmed does not)."""

    content = models.OneToOneField("branches.AssessmentContent", verbose_name=_("考核内容"), on_delete=models.CASCADE,
                                   related_name="kpi_confirmation")
    result_percent = models.DecimalField(_("完成率(%)"), max_digits=5, decimal_places=2)
    points = models.DecimalField(_("得分"), null=True, blank=True, **POINTS)
    explanation = models.TextField(_("计分说明"))
    note = models.TextField(_("确认意见"), blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("部门考核结果确认")
        verbose_name_plural = _("部门考核结果确认")

    def __str__(self) -> str:
        return str(self.content)
