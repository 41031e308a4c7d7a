"""Routine supervision 常态化督导: rounds, groups and the branches they cover, visits, findings with
evidence, and the rectification 整改 of each shortcoming followed through to its closure."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models import Branch
from branches.periods import MAX_YEAR, MIN_YEAR
from config.concurrency import VersionedModel

YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


class SupervisionRound(VersionedModel):
    """One supervision campaign of a year (e.g. 2026年党建常态化督导)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        IN_PROGRESS = "in_progress", _("进行中")
        CLOSED = "closed", _("已结束")

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    name = models.CharField(_("名称"), max_length=200)
    scope = models.TextField(_("督导范围"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    sample_seed = models.BigIntegerField(
        _("抽样种子"), null=True, blank=True, help_text=_("最近一次分类抽样所用的随机种子，用同一种子可复现抽样结果")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督导轮次")
        verbose_name_plural = _("督导轮次")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "name"], name="supervision_round_unique_name")]

    def __str__(self) -> str:
        return self.name


class SupervisionGroup(VersionedModel):
    """督导组: a leader and members holding the inspector role, covering some branches of the round."""

    round = models.ForeignKey(SupervisionRound, verbose_name=_("督导轮次"), on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("名称"), max_length=100)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("组长"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="supervision_groups_led",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("成员"), blank=True, related_name="supervision_groups"
    )
    branches = models.ManyToManyField(
        Branch, verbose_name=_("督导的党支部"), through="GroupBranch", related_name="supervision_groups"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督导组")
        verbose_name_plural = _("督导组")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="supervision_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class GroupBranch(models.Model):
    """A branch covered by a group; a branch is covered at most once per round."""

    round = models.ForeignKey(SupervisionRound, verbose_name=_("督导轮次"), on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(SupervisionGroup, verbose_name=_("督导组"), on_delete=models.CASCADE, related_name="coverage")
    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="+")
    sampled_with_seed = models.BigIntegerField(
        _("抽样种子"), null=True, blank=True, help_text=_("由分类抽样抽中时记录种子；手工加入时为空")
    )
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督导组覆盖的党支部")
        verbose_name_plural = _("督导组覆盖的党支部")
        ordering = ["group", "branch__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "branch"], name="supervision_branch_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.branch}"


class Visit(VersionedModel):
    class Form(models.TextChoices):
        ON_SITE = "on_site", _("现场督导")
        REMOTE_CONSULTATION = "remote_consultation", _("远程专家会诊")

    group = models.ForeignKey(SupervisionGroup, verbose_name=_("督导组"), on_delete=models.PROTECT, related_name="visits")
    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="supervision_visits")
    date = models.DateField(_("督导日期"))
    form = models.CharField(_("督导形式"), max_length=30, choices=Form.choices, default=Form.ON_SITE)
    notes = models.TextField(_("督导记录"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督导记录")
        verbose_name_plural = _("督导记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["branch", "date"])]

    def __str__(self) -> str:
        return f"{self.branch} · {self.date}"


class Finding(VersionedModel):
    class Kind(models.TextChoices):
        SHORTCOMING = "shortcoming", _("短板")
        STRENGTH = "strength", _("长板")
        TYPICAL_EXPERIENCE = "typical_experience", _("典型经验")

    class Mode(models.TextChoices):
        PARTY_BUSINESS = "party_business", _("党建+业务")
        PAIRING = "pairing", _("结对共建")
        PARTNERSHIP = "partnership", _("党建共建")
        BASE = "base", _("基础党建")

    visit = models.ForeignKey(Visit, verbose_name=_("督导记录"), on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"), blank=True)
    mode = models.CharField(_("所属模式"), max_length=30, choices=Mode.choices, default=Mode.BASE)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督导发现")
        verbose_name_plural = _("督导发现")
        ordering = ["visit", "id"]
        indexes = [models.Index(fields=["kind", "mode"])]

    def __str__(self) -> str:
        return self.title

    @property
    def branch(self) -> Branch:
        return self.visit.branch


class EvidenceFile(models.Model):
    file = models.FileField(_("文件"), upload_to="supervision/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class FindingEvidence(EvidenceFile):
    finding = models.ForeignKey(Finding, verbose_name=_("督导发现"), on_delete=models.CASCADE, related_name="evidence")

    class Meta(EvidenceFile.Meta):
        verbose_name = _("督导佐证材料")
        verbose_name_plural = _("督导佐证材料")


class Rectification(VersionedModel):
    """整改事项: one per shortcoming, owned by a branch, followed to closure. A submission the reviewers do not
    accept is sent back (退回, with a reason); a closed one may be reopened by the later re-check (回头看)."""

    class State(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFYING = "rectifying", _("整改中")
        SUBMITTED = "submitted", _("已提交待审核")
        CLOSED = "closed", _("已销号")
        RETURNED = "returned", _("已退回")
        REOPENED = "reopened", _("回头看重新整改")

    finding = models.OneToOneField(
        Finding, verbose_name=_("督导发现"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="rectification",
    )
    branch = models.ForeignKey(Branch, verbose_name=_("责任党支部"), on_delete=models.PROTECT, related_name="rectifications")
    title = models.CharField(_("整改事项"), max_length=200)
    deadline = models.DateField(_("整改期限"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.OPEN)
    response = models.TextField(_("整改情况"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="supervision_rectifications",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    recheck_on = models.DateField(_("回头看日期"), null=True, blank=True,
                                  help_text=_("销号后督导组回头看的日期，到期前提醒督导组"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["branch", "state", "deadline"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.state != self.State.CLOSED and self.deadline < today


class RectificationTransition(models.Model):
    """Every change of a rectification's state, with who and when."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("整改事项"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("原状态"), max_length=20, choices=Rectification.State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=Rectification.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("整改状态变更")
        verbose_name_plural = _("整改状态变更")
        ordering = ["rectification", "at", "id"]

    def __str__(self) -> str:
        return f"{self.rectification} · {self.get_from_state_display()} → {self.get_to_state_display()}"


class RectificationEvidence(EvidenceFile):
    """Evidence a branch attaches when it submits what was done."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("整改事项"), on_delete=models.CASCADE, related_name="evidence"
    )
    transition = models.ForeignKey(
        RectificationTransition, verbose_name=_("提交记录"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="evidence",
    )

    class Meta(EvidenceFile.Meta):
        verbose_name = _("整改佐证材料")
        verbose_name_plural = _("整改佐证材料")
