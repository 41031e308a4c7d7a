"""The quarterly 党建提质杯: the rubric as data, ranking groups, manual scores, vetoes and ranking snapshots.

A published snapshot stores everything it showed (item names, maxima, rule text, points, the records
behind them), so changing a rubric later never moves a published score.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models import Branch
from branches.periods import MAX_YEAR, MIN_YEAR, Quarter
from config.concurrency import VersionedModel
from scoring.engine import registry
from scoring.evidence import evidence_key

YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
QUARTER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]
POINTS = {"max_digits": 8, "decimal_places": 2}


class QuarterFields(models.Model):
    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    number = models.PositiveSmallIntegerField(_("季度"), validators=QUARTER_VALIDATORS)

    class Meta:
        abstract = True

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.year, self.number)


class Rubric(models.Model):
    """评分细则: one version of the rules, in force from a quarter of its year until a later version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("生效")
        RETIRED = "retired", _("已停用")

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    version = models.PositiveIntegerField(_("版本"), default=1)
    valid_from = models.PositiveSmallIntegerField(
        _("自第几季度起适用"), default=1, validators=QUARTER_VALIDATORS
    )
    name = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评分细则")
        verbose_name_plural = _("评分细则")
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="rubric_unique_version")]

    def __str__(self) -> str:
        return f"{self.year} {self.name} v{self.version}"

    @property
    def base_points(self) -> Decimal:
        return sum((i.max_points for i in self.items.all() if not i.is_bonus and not i.deducts),
                   Decimal("0"))


class RubricSection(models.Model):
    rubric = models.ForeignKey(Rubric, verbose_name=_("评分细则"), on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("名称"), max_length=100)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评分板块")
        verbose_name_plural = _("评分板块")
        ordering = ["rubric", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class RubricItem(VersionedModel):
    class Mode(models.TextChoices):
        PARTY_BUSINESS = "party_business", _("党建+业务")
        PAIRING = "pairing", _("结对共建")
        PARTNERSHIP = "partnership", _("党建共建")
        BASE = "base", _("基础工作")
        SUPERVISION = "supervision", _("常态化督导")

    # Both from the one registry of methods and sources (scoring.engine.registry).
    Method = models.TextChoices("Method", [(k.upper(), (k, label)) for k, label in registry.method_choices()])
    Source = models.TextChoices("Source", [(k.upper(), (k, label)) for k, label in registry.source_choices()])

    class NoObligation(models.TextChoices):
        ZERO = "zero", _("不得分")
        FULL = "full", _("得满分")
        NOT_APPLICABLE = "na", _("不适用（不计入满分）")

    rubric = models.ForeignKey(Rubric, verbose_name=_("评分细则"), on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(RubricSection, verbose_name=_("板块"), on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("评分项"), max_length=200)
    mode = models.CharField(_("所属模式"), max_length=20, choices=Mode.choices)
    branch_kinds = models.JSONField(_("适用支部类型"), default=list, blank=True,
                                    help_text=_("为空表示适用于全部支部类型"))
    max_points = models.DecimalField(_("分值"), validators=[MinValueValidator(0)], **POINTS)
    method = models.CharField(_("计分方式"), max_length=20, choices=registry.method_choices)
    source = models.CharField(_("数据来源"), max_length=40, choices=registry.source_choices, blank=True)
    target = models.DecimalField(_("季度目标数"), null=True, blank=True, validators=[MinValueValidator(0)], **POINTS)
    deduction = models.DecimalField(_("每次扣分"), null=True, blank=True, validators=[MinValueValidator(0)], **POINTS)
    params = models.JSONField(_("计分参数"), default=dict, blank=True,
                              help_text=_("计数方式、统计区间、限活动类型/类别、方案分摊与逾期得分比例"))
    no_obligation = models.CharField(_("无对应关系时"), max_length=10, choices=NoObligation.choices,
                                     default=NoObligation.ZERO,
                                     help_text=_("支部没有此项对应的共建关系（或部门）时本项如何计分"))
    is_bonus = models.BooleanField(_("加分项"), default=False)
    rule = models.TextField(_("评分标准"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["rubric", "section__sort_order", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="rubric_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def applies_to(self, kind: str) -> bool:
        return not self.branch_kinds or kind in self.branch_kinds

    @property
    def says(self) -> str:
        """The sentence that says what this item counts (the rubric page, the explanations)."""
        return registry.says(self)

    @property
    def deducts(self) -> bool:
        method = registry.METHODS.get(self.method)
        return bool(method and method.deducts)

    def clean(self) -> None:
        errors = {}
        valid_kinds = set(Branch.Kind.values)
        if not isinstance(self.branch_kinds, list) or not set(self.branch_kinds) <= valid_kinds:
            errors["branch_kinds"] = gettext("适用支部类型只能是：%(kinds)s。") % {"kinds": "、".join(valid_kinds)}
        errors.update(registry.validate(self))
        if self.section_id and self.rubric_id and self.section.rubric_id != self.rubric_id:
            errors["section"] = gettext("板块必须属于同一评分细则。")
        if errors:
            raise ValidationError(errors)


class RankingGroup(models.Model):
    """A group branches are ranked within: by branch kinds, and/or an explicit list of branches.

    Groups come in sets, each in force from a quarter (`year`, `valid_from`) until a later set; the set of
    empty `year` is in force before any dated one. A set a published ranking used keeps what it was:
    changes go into a new set from a later quarter (scoring.groups)."""

    year = models.PositiveIntegerField(_("自哪一年起"), null=True, blank=True, validators=YEAR_VALIDATORS)
    valid_from = models.PositiveSmallIntegerField(_("自第几季度起"), default=1, validators=QUARTER_VALIDATORS)
    name = models.CharField(_("名称"), max_length=100)
    branch_kinds = models.JSONField(_("包含支部类型"), default=list, blank=True)
    branches = models.ManyToManyField(Branch, verbose_name=_("指定党支部"), blank=True, related_name="ranking_groups",
                                      help_text=_("指定的党支部优先归入本组"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords(m2m_fields=[branches])

    class Meta:
        verbose_name = _("排名分组")
        verbose_name_plural = _("排名分组")
        ordering = ["year", "valid_from", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["year", "valid_from", "name"], name="ranking_group_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def in_force_from(self) -> str:
        return f"{self.year}Q{self.valid_from}" if self.year else gettext("初始")

    def clean(self) -> None:
        if not isinstance(self.branch_kinds, list) or not set(self.branch_kinds) <= set(Branch.Kind.values):
            raise ValidationError({"branch_kinds": gettext("包含支部类型无效。")})


class ManualScore(QuarterFields, VersionedModel):
    """A manual (or manual bonus) item scored by the organisation department for a branch and quarter."""

    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="manual_scores")
    item = models.ForeignKey(RubricItem, verbose_name=_("评分项"), on_delete=models.CASCADE, related_name="manual_scores")
    points = models.DecimalField(_("得分"), **POINTS)
    reason = models.TextField(_("评分理由"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("评分人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人工评分")
        verbose_name_plural = _("人工评分")
        ordering = ["-year", "-number", "branch__code", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number", "branch", "item"], name="manual_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.branch} · {self.item.code}"


class Veto(QuarterFields, VersionedModel):
    """一票否决: places the branch last in its ranking group for the quarter, whatever its points."""

    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="vetoes")
    reason = models.TextField(_("否决理由"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("操作人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("一票否决")
        verbose_name_plural = _("一票否决")
        ordering = ["-year", "-number", "branch__code"]
        constraints = [models.UniqueConstraint(fields=["year", "number", "branch"], name="veto_once")]

    def __str__(self) -> str:
        return f"{self.quarter} {self.branch}"


class CompileJob(QuarterFields):
    """A compile requested from the page, the command or beat; the page polls its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=200, blank=True)
    publish = models.BooleanField(_("完成后发布"), default=False)
    task_id = models.CharField(_("任务编号"), max_length=100, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    snapshot = models.ForeignKey("RankingSnapshot", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("生成的排名"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)

    class Meta:
        verbose_name = _("排名计算任务")
        verbose_name_plural = _("排名计算任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.quarter} · {self.get_state_display()}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class PublishedSnapshotError(ValidationError):
    def __init__(self) -> None:
        super().__init__(gettext("已发布的排名不能修改或删除；如需更正，请重新计算生成新版本后发布。"), code="published")


class RankingSnapshot(QuarterFields):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    rubric = models.ForeignKey(Rubric, verbose_name=_("评分细则"), on_delete=models.PROTECT, related_name="snapshots")
    rubric_label = models.CharField(_("评分细则版本"), max_length=250)
    task_id = models.CharField(_("任务编号"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("计算人"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("发布人"))
    # A correction: the published version this one replaced, and why (required to publish it).
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by", verbose_name=_("取代的版本"))
    correction_reason = models.TextField(_("更正理由"), blank=True)
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("排名快照")
        verbose_name_plural = _("排名快照")
        ordering = ["-year", "-number", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number", "version"], name="snapshot_unique_version"),
            # Exactly one current published version per quarter: the others were superseded by a correction.
            models.UniqueConstraint(fields=["year", "number"], condition=models.Q(status="published",
                                                                                   superseded_at__isnull=True),
                                    name="snapshot_one_current_per_quarter"),
        ]
        indexes = [models.Index(fields=["year", "number", "status"])]

    def __str__(self) -> str:
        return f"{self.quarter} v{self.version} ({self.get_status_display()})"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = getattr(instance, "status", None)
        instance._stored_superseded = getattr(instance, "superseded_at", None)
        return instance

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_current(self) -> bool:
        """The published version that counts for its quarter (a superseded one no longer does)."""
        return self.is_published and self.superseded_at is None

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def version_status(self) -> str:
        """草稿 / 已发布（当前有效） / 已被第 N 版取代: what every list, export and page says of a version."""
        if not self.is_published:
            return gettext("草稿")
        if self.is_superseded:
            return gettext("已被第 %(n)s 版取代") % {"n": self.superseded_by.version}
        return gettext("已发布（当前有效）")

    def save(self, *args, **kwargs) -> None:
        # Publishing is the one change of a snapshot; after it, only being marked superseded, once.
        if self.pk and getattr(self, "_stored_status", None) == self.Status.PUBLISHED:
            if set(kwargs.get("update_fields") or ()) != {"superseded_at"} or getattr(self, "_stored_superseded", 1):
                raise PublishedSnapshotError()
        super().save(*args, **kwargs)
        self._stored_status = self.status
        self._stored_superseded = self.superseded_at

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise PublishedSnapshotError()
        return super().delete(*args, **kwargs)


class _SnapshotPart(models.Model):
    class Meta:
        abstract = True

    def _snapshot_published(self) -> bool:
        raise NotImplementedError

    def save(self, *args, **kwargs) -> None:
        if self._snapshot_published():
            raise PublishedSnapshotError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._snapshot_published():
            raise PublishedSnapshotError()
        return super().delete(*args, **kwargs)


class SnapshotEntry(_SnapshotPart):
    # No database-level foreign keys, as for the item scores below: PostgreSQL checked the three references
    # of every entry at COMMIT (45 ms of a compile at 5,000 branches). Only scoring.engine.compile writes
    # entries, with the ids it has just read; Django still cascades (snapshot), clears (group) and
    # protects (branch) on delete, and the columns stay indexed.
    snapshot = models.ForeignKey(RankingSnapshot, verbose_name=_("排名快照"), on_delete=models.CASCADE,
                                 related_name="entries", db_constraint=False)
    group = models.ForeignKey(RankingGroup, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("排名分组"), db_constraint=False)
    group_name = models.CharField(_("排名分组"), max_length=100)
    group_sort = models.PositiveIntegerField(_("分组排序"), default=0)
    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="+",
                               db_constraint=False)
    branch_code = models.CharField(_("支部编码"), max_length=32)
    branch_name = models.CharField(_("党支部"), max_length=100)
    unit_name = models.CharField(_("所属单位"), max_length=100, blank=True)
    base_total = models.DecimalField(_("基础得分"), **POINTS)
    bonus_total = models.DecimalField(_("加分"), **POINTS)
    total = models.DecimalField(_("总分"), **POINTS)
    rank = models.PositiveIntegerField(_("名次"))
    position = models.PositiveIntegerField(_("顺序"))
    vetoed = models.BooleanField(_("一票否决"), default=False)
    veto_reason = models.TextField(_("否决理由"), blank=True)

    class Meta:
        verbose_name = _("排名条目")
        verbose_name_plural = _("排名条目")
        ordering = ["snapshot", "group_sort", "position"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "branch"], name="snapshot_entry_once")]

    def __str__(self) -> str:
        return f"{self.snapshot} · {self.branch_name}"

    def _snapshot_published(self) -> bool:
        return RankingSnapshot.objects.filter(pk=self.snapshot_id, status=RankingSnapshot.Status.PUBLISHED).exists()


class SnapshotItemScore(_SnapshotPart):
    """One item of one branch in a snapshot, with the rule, the count behind it and links to the records."""

    # No database-level foreign keys: a compile writes ~12 rows per branch in one COPY and PostgreSQL would
    # check every row's two references again at COMMIT (a second per 60,000 rows). The rows are written only
    # by scoring.engine.compile with the ids it has just created; Django still cascades deletes (entry) and
    # clears the pointer (item) when those are deleted; both columns stay indexed.
    entry = models.ForeignKey(SnapshotEntry, verbose_name=_("排名条目"), on_delete=models.CASCADE,
                              related_name="item_scores", db_constraint=False)
    item = models.ForeignKey(RubricItem, null=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("评分项"), db_constraint=False)
    item_code = models.CharField(_("编码"), max_length=32)
    item_name = models.CharField(_("评分项"), max_length=200)
    section_name = models.CharField(_("板块"), max_length=100)
    mode = models.CharField(_("所属模式"), max_length=20, choices=RubricItem.Mode.choices)
    method = models.CharField(_("计分方式"), max_length=20, choices=registry.method_choices)
    max_points = models.DecimalField(_("分值"), **POINTS)
    is_bonus = models.BooleanField(_("加分项"), default=False)
    rule = models.TextField(_("评分标准"), blank=True)
    # The item's rule parameters as they were at compile time (the outcome's `target` below is what was due).
    source = models.CharField(_("数据来源"), max_length=40, blank=True)
    rule_target = models.DecimalField(_("季度目标数"), null=True, blank=True, **POINTS)
    deduction = models.DecimalField(_("每次扣分"), null=True, blank=True, **POINTS)
    branch_kinds = models.JSONField(_("适用支部类型"), default=list, blank=True)
    rule_params = models.JSONField(_("计分参数"), default=dict, blank=True)  # params and no_obligation
    count = models.DecimalField(_("完成数"), null=True, blank=True, **POINTS)
    target = models.DecimalField(_("目标/应完成数"), null=True, blank=True, **POINTS)
    points = models.DecimalField(_("得分"), **POINTS)
    explanation = models.TextField(_("计分说明"), blank=True)
    # The records behind the points: a list of {"model", "id", "label"} refs (manual scores), or
    # {"source": key, **owners counted}: the refs of those owners are frozen at compile time in
    # SnapshotEvidence (shared by the branches of a pair), and `evidence` reads them from there.
    evidence_data = models.JSONField(_("依据记录"), default=list, blank=True, db_column="evidence")
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评分项得分")
        verbose_name_plural = _("评分项得分")
        ordering = ["entry", "position"]

    def __str__(self) -> str:
        return f"{self.entry} · {self.item_code}"

    @property
    def evidence(self) -> list[dict]:
        """The records that earned or lost the points, labelled in the reader's language:
        [{"model", "id", "label", ...}], as frozen at compile time (read once; lists of scores are attached
        in one query by SnapshotEvidence.attach)."""
        if getattr(self, "_evidence", None) is None:
            SnapshotEvidence.attach([self], snapshot_id=self.entry.snapshot_id)
        return self._evidence

    def _snapshot_published(self) -> bool:
        return RankingSnapshot.objects.filter(
            pk=self.entry.snapshot_id, status=RankingSnapshot.Status.PUBLISHED
        ).exists()


class SnapshotEvidence(_SnapshotPart):
    """The labelled records behind one scope counted (scoring.evidence), as they were when the snapshot was
    compiled. `refs`: [{"model", "id", "label", "labels": {language: label}, ...}]."""

    snapshot = models.ForeignKey(RankingSnapshot, verbose_name=_("排名快照"), on_delete=models.CASCADE,
                                 related_name="evidence", db_constraint=False)
    key = models.CharField(_("范围"), max_length=40)
    refs = models.JSONField(_("依据记录"), default=list)

    class Meta:
        verbose_name = _("排名依据记录")
        verbose_name_plural = _("排名依据记录")
        constraints = [models.UniqueConstraint(fields=["snapshot", "key"], name="snapshot_evidence_once")]

    def __str__(self) -> str:
        return f"{self.snapshot_id} · {self.key}"

    def _snapshot_published(self) -> bool:
        return RankingSnapshot.objects.filter(pk=self.snapshot_id, status=RankingSnapshot.Status.PUBLISHED).exists()

    @classmethod
    def attach(cls, scores: list[SnapshotItemScore], *, snapshot_id: int) -> None:
        """Give each item score of one snapshot its frozen evidence (`score.evidence`): one query for all."""
        wanted: list[tuple[SnapshotItemScore, str]] = []
        for score in scores:
            stored = score.evidence_data
            if isinstance(stored, dict) and "source" in stored:
                wanted.append((score, evidence_key(stored, score.entry.branch_id)))
            else:
                score._evidence = stored if isinstance(stored, list) else []
        if not wanted:
            return
        found = dict(cls.objects.filter(snapshot_id=snapshot_id, key__in={k for _s, k in wanted})
                     .values_list("key", "refs"))
        language = get_language() or settings.LANGUAGE_CODE
        for score, key in wanted:
            score._evidence = [_in_language(r, language) for r in found.get(key, ())]


def _in_language(ref: dict, language: str) -> dict:
    labels = ref.get("labels")
    out = {k: v for k, v in ref.items() if k != "labels"}
    if labels and language in labels:
        out["label"] = labels[language]
    return out


@receiver(pre_delete, sender=RankingSnapshot)
@receiver(pre_delete, sender=SnapshotEntry)
@receiver(pre_delete, sender=SnapshotItemScore)
@receiver(pre_delete, sender=SnapshotEvidence)
def _refuse_deleting_published(sender, instance, **kwargs) -> None:
    """Queryset and cascade deletes do not call delete(); the signal guards them too."""
    if sender is RankingSnapshot:
        published = instance.status == RankingSnapshot.Status.PUBLISHED
    else:
        published = instance._snapshot_published()
    if published:
        raise PublishedSnapshotError()
