"""Modes 2 and 3: pairs, partnerships, their plans, key projects, meetings, problems, information
exchanges, and the joint activities with their evidence files."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models import Branch, ExternalOrganization, FilingReview, Member
from branches.periods import MAX_YEAR, MIN_YEAR, Quarter
from config.concurrency import VersionedModel

YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
PAIR_YEARLY_MINIMUM = 4
PARTNERSHIP_YEARLY_MINIMUM = 8
PARTNERSHIP_MIN_MEMBERS_AWAY = 5


def _date_in_year(value, year: int | None, field: str) -> dict:
    if value and year and value.year != year:
        return {field: _("日期必须在 %(year)s 年度内。") % {"year": year}}
    return {}


class Pair(VersionedModel):
    """共建对子: one office or directly-affiliated branch with one or two grassroots branches, per year."""

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    name = models.CharField(_("对子名称"), max_length=200, blank=True)
    lead_branch = models.ForeignKey(
        Branch, verbose_name=_("机关/直属党支部"), on_delete=models.PROTECT, related_name="pairs_led"
    )
    grassroots_branches = models.ManyToManyField(
        Branch, verbose_name=_("基层党支部"), through="PairGrassroots", related_name="pairs_joined"
    )
    yearly_minimum = models.PositiveSmallIntegerField(_("年度共建活动下限"), default=PAIR_YEARLY_MINIMUM)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("共建对子")
        verbose_name_plural = _("共建对子")
        ordering = ["-year", "lead_branch__code"]
        constraints = [models.UniqueConstraint(fields=["year", "lead_branch"], name="pair_lead_once_per_year")]

    def __str__(self) -> str:
        return self.name or f"{self.year} {self.lead_branch}"

    def clean(self) -> None:
        if self.lead_branch_id and not self.lead_branch.is_pair_lead_kind:
            raise ValidationError({"lead_branch": _("共建对子的一方必须是机关党支部或直属党支部。")})

    @property
    def branches(self) -> list[Branch]:
        return [self.lead_branch, *self.grassroots_branches.all()]


class PairGrassroots(models.Model):
    pair = models.ForeignKey(Pair, verbose_name=_("共建对子"), on_delete=models.CASCADE, related_name="grassroots_links")
    branch = models.ForeignKey(Branch, verbose_name=_("基层党支部"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("年度"), editable=False)

    class Meta:
        verbose_name = _("结对基层党支部")
        verbose_name_plural = _("结对基层党支部")
        constraints = [models.UniqueConstraint(fields=["year", "branch"], name="pair_grassroots_once_per_year")]

    def __str__(self) -> str:
        return f"{self.pair} · {self.branch}"

    def clean(self) -> None:
        if self.branch_id and self.branch.kind != Branch.Kind.GRASSROOTS:
            raise ValidationError({"branch": _("结对的另一方必须是基层党支部。")})

    def save(self, *args, **kwargs) -> None:
        self.year = self.pair.year
        super().save(*args, **kwargs)


class Partnership(VersionedModel):
    """党建共建: the HR service center branch with the party organisation of an outside unit."""

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    branch = models.ForeignKey(Branch, verbose_name=_("人力资源服务中心党支部"), on_delete=models.PROTECT,
                               related_name="partnerships")
    external_org = models.ForeignKey(ExternalOrganization, verbose_name=_("外部党组织"), on_delete=models.PROTECT,
                                     related_name="partnerships")
    yearly_minimum = models.PositiveSmallIntegerField(_("年度共建活动下限"), default=PARTNERSHIP_YEARLY_MINIMUM)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党建共建")
        verbose_name_plural = _("党建共建")
        ordering = ["-year", "external_org__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "branch", "external_org"], name="partnership_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.branch} — {self.external_org}"

    def members_away_count(self) -> int:
        return Member.objects.filter(
            branch_id=self.branch_id, outside_org_id=self.external_org_id,
            status=Member.Status.WORKING_AWAY, is_active=True,
        ).count()

    def clean(self) -> None:
        if self.branch_id and self.branch.kind != Branch.Kind.HR_CENTER:
            raise ValidationError({"branch": _("党建共建只由人力资源服务中心党支部开展。")})
        if self.branch_id and self.external_org_id:
            count = self.members_away_count()
            if count < PARTNERSHIP_MIN_MEMBERS_AWAY:
                raise ValidationError({"external_org": _(
                    "该单位只有 %(count)s 名本支部外闯党员，达到 %(minimum)s 名及以上才能建立党建共建。"
                ) % {"count": count, "minimum": PARTNERSHIP_MIN_MEMBERS_AWAY}})


class _PairOrPartnership(models.Model):
    """A record that belongs to exactly one pair or one partnership."""

    pair = models.ForeignKey(Pair, verbose_name=_("共建对子"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="%(class)ss")
    partnership = models.ForeignKey(Partnership, verbose_name=_("党建共建"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="%(class)ss")

    class Meta:
        abstract = True

    @property
    def owner(self):
        return self.pair or self.partnership

    @property
    def owner_year(self) -> int | None:
        owner = self.owner
        return owner.year if owner else None

    def clean_owner(self) -> dict:
        if bool(self.pair_id) == bool(self.partnership_id):
            return {"pair": _("请选择一个共建对子或一个党建共建（只能选其一）。")}
        return {}


def _one_owner_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(pair__isnull=False, partnership__isnull=True) | Q(pair__isnull=True, partnership__isnull=False)),
        name=name,
    )


class AnnualPlan(FilingReview, _PairOrPartnership, VersionedModel):
    """实施方案 / 共建方案, filed with the organisation department at the start of the year (备案)."""

    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    goals = models.TextField(_("工作目标"))
    measures = models.TextField(_("工作措施"), blank=True)
    timeline = models.TextField(_("时间安排"), blank=True)
    lead_responsibilities = models.TextField(_("机关(我方)职责"), blank=True)
    partner_responsibilities = models.TextField(_("结对(对方)职责"), blank=True)
    document = models.FileField(_("方案文件"), upload_to="plans/%Y/", blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("备案人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度实施方案")
        verbose_name_plural = _("年度实施方案")
        ordering = ["-year", "id"]
        constraints = [
            _one_owner_constraint("annual_plan_one_owner"),
            models.UniqueConstraint(fields=["pair"], condition=Q(pair__isnull=False), name="annual_plan_one_per_pair"),
            models.UniqueConstraint(fields=["partnership"], condition=Q(partnership__isnull=False),
                                    name="annual_plan_one_per_partnership"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {_('年度方案')}"

    def clean(self) -> None:
        errors = self.clean_owner()
        if self.owner and self.year and self.owner.year != self.year:
            errors["year"] = _("方案年度必须与共建年度一致。")
        if self.filed_on and self.year and self.filed_on.year not in (self.year - 1, self.year):
            errors["filed_on"] = _("备案日期必须在方案年度内（或上一年末）。")
        if errors:
            raise ValidationError(errors)


class KeyProject(VersionedModel):
    """重点共建项目 (or a key problem to solve) of a pair, 3-4 a year, carrying a task claim list."""

    MAX_PER_YEAR = 4

    class Kind(models.TextChoices):
        PROJECT = "project", _("重点共建项目")
        PROBLEM = "problem", _("重点难题")

    class Status(models.TextChoices):
        ACTIVE = "active", _("推进中")
        DONE = "done", _("已完成")

    pair = models.ForeignKey(Pair, verbose_name=_("共建对子"), on_delete=models.CASCADE, related_name="key_projects")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.PROJECT)
    title = models.CharField(_("项目名称"), max_length=200)
    goal = models.TextField(_("目标成果"), blank=True)
    description = models.TextField(_("内容"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重点共建项目")
        verbose_name_plural = _("重点共建项目")
        ordering = ["pair", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.pair_id and not self.pk:
            if KeyProject.objects.filter(pair_id=self.pair_id).count() >= self.MAX_PER_YEAR:
                raise ValidationError(_("每个共建对子每年确定 3-4 项重点共建项目，已有 %(n)s 项。") % {"n": self.MAX_PER_YEAR})


class ProjectTask(VersionedModel):
    """A line of the task claim list 任务领办清单: a member claims it and signs a commitment."""

    class Status(models.TextChoices):
        OPEN = "open", _("待领办")
        CLAIMED = "claimed", _("已领办")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")

    project = models.ForeignKey(KeyProject, verbose_name=_("重点项目"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=300)
    claimant = models.ForeignKey(Member, verbose_name=_("领办党员"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="claimed_tasks")
    commitment = models.TextField(_("承诺内容"), blank=True)
    claimed_on = models.DateField(_("领办日期"), null=True, blank=True)
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    progress_note = models.TextField(_("进展"), blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("领办任务")
        verbose_name_plural = _("领办任务")
        ordering = ["project", "due_date", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.status != self.Status.OPEN and not self.claimant_id:
            errors["claimant"] = _("已领办的任务必须有领办党员。")
        if self.claimant_id and not (self.commitment or "").strip():
            errors["commitment"] = _("领办任务须填写承诺内容。")
        if self.status == self.Status.DONE and not self.completed_on:
            errors["completed_on"] = _("已完成的任务须填写完成日期。")
        if self.claimant_id and self.project_id:
            allowed = {b.pk for b in self.project.pair.branches}
            if self.claimant.branch_id not in allowed:
                errors["claimant"] = _("领办党员必须来自结对双方党支部。")
        year = self.project.pair.year if self.project_id else None
        errors.update(_date_in_year(self.due_date, year, "due_date"))
        if errors:
            raise ValidationError(errors)


class JointMeeting(_PairOrPartnership, VersionedModel):
    """联席会: held regularly to study co-building content."""

    date = models.DateField(_("日期"))
    topic = models.CharField(_("议题"), max_length=200)
    attendees = models.TextField(_("参会人员"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    decisions = models.TextField(_("议定事项"), blank=True)
    file = models.FileField(_("附件"), upload_to="meetings/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("记录人"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联席会")
        verbose_name_plural = _("联席会")
        ordering = ["-date"]
        constraints = [_one_owner_constraint("joint_meeting_one_owner")]

    def __str__(self) -> str:
        return f"{self.date} {self.topic}"

    def clean(self) -> None:
        errors = self.clean_owner()
        errors.update(_date_in_year(self.date, self.owner_year, "date"))
        if errors:
            raise ValidationError(errors)


class Problem(VersionedModel):
    """A problem raised by either side of a pair, and how it was solved (解决难题)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待解决")
        SOLVING = "solving", _("解决中")
        SOLVED = "solved", _("已解决")

    pair = models.ForeignKey(Pair, verbose_name=_("共建对子"), on_delete=models.CASCADE, related_name="problems")
    raised_by = models.ForeignKey(Branch, verbose_name=_("提出方"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("难题"), max_length=200)
    description = models.TextField(_("具体情况"), blank=True)
    raised_on = models.DateField(_("提出日期"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    solution = models.TextField(_("解决措施"), blank=True)
    solved_on = models.DateField(_("解决日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("共建难题")
        verbose_name_plural = _("共建难题")
        ordering = ["-raised_on"]
        indexes = [models.Index(fields=["pair", "status"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.pair_id and self.raised_by_id and self.raised_by_id not in {b.pk for b in self.pair.branches}:
            errors["raised_by"] = _("提出方必须是结对双方之一。")
        if self.status == self.Status.SOLVED:
            if not (self.solution or "").strip():
                errors["solution"] = _("已解决的难题须填写解决措施。")
            if not self.solved_on:
                errors["solved_on"] = _("已解决的难题须填写解决日期。")
        if self.solved_on and self.raised_on and self.solved_on < self.raised_on:
            errors["solved_on"] = _("解决日期不能早于提出日期。")
        if self.pair_id:
            errors.update(_date_in_year(self.raised_on, self.pair.year, "raised_on"))
        if errors:
            raise ValidationError(errors)


class InformationExchange(VersionedModel):
    """信息互通 with a partner organisation: business assessment, thinking dynamics, attendance of members away."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("业务考核")
        THINKING = "thinking", _("思想动态")
        ATTENDANCE = "attendance", _("考勤")

    partnership = models.ForeignKey(Partnership, verbose_name=_("党建共建"), on_delete=models.CASCADE,
                                    related_name="information_exchanges")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    period_year = models.PositiveIntegerField(_("所属年度"), validators=YEAR_VALIDATORS)
    period_month = models.PositiveSmallIntegerField(_("所属月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    exchanged_on = models.DateField(_("互通日期"))
    content = models.TextField(_("内容"))
    file = models.FileField(_("附件"), upload_to="exchanges/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("记录人"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("信息互通")
        verbose_name_plural = _("信息互通")
        ordering = ["-period_year", "-period_month", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "kind", "period_year", "period_month"],
                                    name="information_exchange_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.partnership} · {self.get_kind_display()} · {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.period_year}-{self.period_month:02d}"

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.period_year, (self.period_month - 1) // 3 + 1)

    def clean(self) -> None:
        if self.partnership_id and self.period_year and self.period_year != self.partnership.year:
            raise ValidationError({"period_year": _("所属年度必须与共建年度一致。")})


class ActivityCategory(models.Model):
    """A category activity kinds belong to (组织生活/三会一课, the four co-building kinds, care activities…);
    data the organisation department manages. A kind may be in several; rubric items count by category."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活动类别")
        verbose_name_plural = _("活动类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.Model):
    """A kind or form of activity; data the organisation department can extend."""

    class Category(models.TextChoices):
        ORGANISATION = "organisation", _("组织共建")
        LINKED = "linked", _("活动互联")
        RESOURCES = "resources", _("资源共享")
        BUSINESS = "business", _("业务互促")
        OTHER = "other", _("其他")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    category = models.CharField(_("共建类别"), max_length=20, choices=Category.choices)
    counts_as_joint = models.BooleanField(_("计入共建活动"), default=True)
    categories = models.ManyToManyField(ActivityCategory, verbose_name=_("活动类别"), blank=True,
                                        related_name="kinds")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Activity(VersionedModel):
    """An activity a branch logs: a joint activity of a pair or partnership, or the branch's own."""

    date = models.DateField(_("日期"), db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    kind = models.ForeignKey(ActivityKind, verbose_name=_("活动类型"), on_delete=models.PROTECT, related_name="activities")
    owner_branch = models.ForeignKey(Branch, verbose_name=_("填报支部"), on_delete=models.PROTECT,
                                     related_name="activities_logged")
    branches = models.ManyToManyField(Branch, verbose_name=_("参加支部"), related_name="activities")
    pair = models.ForeignKey(Pair, verbose_name=_("共建对子"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="activities")
    partnership = models.ForeignKey(Partnership, verbose_name=_("党建共建"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="activities")
    attendees = models.ManyToManyField(Member, verbose_name=_("参加党员"), blank=True, related_name="activities")
    guest_count = models.PositiveIntegerField(_("其他参加人数"), default=0)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    summary = models.TextField(_("活动内容"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("填报人"))
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[branches])

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(pair__isnull=False, partnership__isnull=False),
                                   name="activity_at_most_one_owner"),
        ]
        indexes = [
            models.Index(fields=["pair", "date"]),
            models.Index(fields=["partnership", "date"]),
            models.Index(fields=["owner_branch", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    @property
    def quarter(self) -> Quarter:
        return Quarter.of(self.date)

    @property
    def headcount(self) -> int:
        return self.attendees.count() + self.guest_count

    def clean(self) -> None:
        errors = {}
        if self.pair_id and self.partnership_id:
            errors["partnership"] = _("一项活动只能属于一个共建对子或一个党建共建。")
        owner = self.pair or self.partnership
        if owner is not None:
            errors.update(_date_in_year(self.date, owner.year, "date"))
        if errors:
            raise ValidationError(errors)


class Evidence(models.Model):
    """An evidence file of an activity: a photo, a PDF, a Word or Excel file, checked by content."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("现场照片")
        SIGN_IN = "sign_in", _("签到表")
        DOCUMENT = "document", _("文件")

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="evidence/thumbs/%Y/%m/", blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    kind = models.CharField(_("佐证类别"), max_length=10, choices=Kind.choices, default=Kind.PHOTO)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
