"""The organisation: units, branches, party groups, members, outside organisations, people's roles."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.periods import MAX_YEAR, MIN_YEAR
from config.concurrency import VersionedModel


class Unit(VersionedModel):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("公司党委")
        DEPARTMENT = "department", _("机关部门")
        DIRECT = "direct", _("直属单位")
        GRASSROOTS = "grassroots", _("基层单位")
        HR_CENTER = "hr_center", _("人力资源服务中心")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.COMMITTEE and self.parent_id:
            raise ValidationError({"parent": _("公司党委是组织树的根，不能有上级。")})
        if self.kind != self.Kind.COMMITTEE and not self.parent_id:
            raise ValidationError({"parent": _("请选择上级（公司党委）。")})


class Branch(VersionedModel):
    class Kind(models.TextChoices):
        OFFICE = "office", _("机关党支部")
        DIRECT = "direct", _("直属党支部")
        GRASSROOTS = "grassroots", _("基层党支部")
        HR_CENTER = "hr_center", _("人力资源服务中心党支部")

    KIND_BY_UNIT = {
        Unit.Kind.DEPARTMENT: Kind.OFFICE,
        Unit.Kind.DIRECT: Kind.DIRECT,
        Unit.Kind.GRASSROOTS: Kind.GRASSROOTS,
        Unit.Kind.HR_CENTER: Kind.HR_CENTER,
    }

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="branches")
    kind = models.CharField(_("支部类型"), max_length=20, choices=Kind.choices, editable=False)
    secretary = models.ForeignKey(
        "branches.Member",
        verbose_name=_("支部书记"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("有效"), default=True)
    # When the branch existed, for rankings of past quarters: empty = since always / still.
    active_from = models.DateField(_("设立日期"), null=True, blank=True)
    active_until = models.DateField(_("撤销日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党支部")
        verbose_name_plural = _("党支部")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.unit_id and self.unit.kind == Unit.Kind.COMMITTEE:
            raise ValidationError({"unit": _("党支部须属于机关部门、直属单位、基层单位或人力资源服务中心。")})
        if self.secretary_id and self.pk and self.secretary.branch_id != self.pk:
            raise ValidationError({"secretary": _("支部书记必须是本支部党员。")})

    def save(self, *args, **kwargs) -> None:
        # The branch kind follows its unit's kind; it is stored for filtering and ranking groups.
        self.kind = self.KIND_BY_UNIT.get(self.unit.kind, self.Kind.GRASSROOTS)
        super().save(*args, **kwargs)

    def mark_active(self, is_active: bool, *, today, set_up_today: bool = True) -> None:
        """Set `is_active` and date it: a branch set up today exists from today (`set_up_today`; an imported
        organisation existed before), one closed today until today."""
        if self.pk is None and self.active_from is None and set_up_today:
            self.active_from = today
        if is_active:
            self.active_until = None
        elif self.is_active or self.pk is None:
            self.active_until = today
        self.is_active = is_active

    @staticmethod
    def existing_during(start, end) -> Q:
        """The branches that existed at some point between two days (a closed branch without a date: never)."""
        return ((Q(active_from__isnull=True) | Q(active_from__lte=end))
                & (Q(active_until__isnull=True) | Q(active_until__gte=start))
                & (Q(is_active=True) | Q(active_until__isnull=False)))

    @property
    def is_pair_lead_kind(self) -> bool:
        return self.kind in (self.Kind.OFFICE, self.Kind.DIRECT)


class PartyGroup(VersionedModel):
    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="party_groups")
    name = models.CharField(_("名称"), max_length=100)
    leader = models.ForeignKey(
        "branches.Member", verbose_name=_("组长"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_temporary = models.BooleanField(_("临时党小组"), default=False, help_text=_("如项目攻关临时党小组"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党小组")
        verbose_name_plural = _("党小组")
        ordering = ["branch", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="party_group_unique_name")]

    def __str__(self) -> str:
        return f"{self.branch} · {self.name}"


class ExternalOrganization(VersionedModel):
    """The party organisation of an outside unit where our members work away (外闯)."""

    name = models.CharField(_("党组织名称"), max_length=100, unique=True)
    outside_unit = models.CharField(_("外部单位"), max_length=100)
    location = models.CharField(_("所在地"), max_length=100, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("外部党组织")
        verbose_name_plural = _("外部党组织")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(VersionedModel):
    class Status(models.TextChoices):
        ON_POST = "on_post", _("在岗")
        WORKING_AWAY = "working_away", _("外闯")
        OFF_POST = "off_post", _("离岗")
        INTERNALLY_RETIRED = "internally_retired", _("内退")

    class Place(models.TextChoices):
        DONGYING = "dongying", _("东营本地")
        ELSEWHERE = "elsewhere", _("外地")

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="members")
    party_group = models.ForeignKey(
        PartyGroup, verbose_name=_("党小组"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    employee_no = models.CharField(_("员工编号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices, blank=True)
    phone = models.CharField(_("手机"), max_length=30, blank=True)
    joined_party_on = models.DateField(_("入党时间"), null=True, blank=True)
    status = models.CharField(_("在岗状态"), max_length=20, choices=Status.choices, default=Status.ON_POST)
    place = models.CharField(_("工作生活地"), max_length=20, choices=Place.choices, default=Place.DONGYING)
    place_detail = models.CharField(_("具体地点"), max_length=100, blank=True)
    outside_org = models.ForeignKey(
        ExternalOrganization,
        verbose_name=_("外闯所在单位党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members_working_away",
    )
    is_active = models.BooleanField(_("在册"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["branch", "employee_no"]
        indexes = [models.Index(fields=["branch", "status"]), models.Index(fields=["outside_org", "status"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.status == self.Status.WORKING_AWAY and not self.outside_org_id:
            errors["outside_org"] = _("外闯党员必须填写外闯所在单位党组织。")
        if self.status != self.Status.WORKING_AWAY and self.outside_org_id:
            errors["outside_org"] = _("只有外闯党员才填写外闯所在单位党组织。")
        if self.party_group_id and self.branch_id and self.party_group.branch_id != self.branch_id:
            errors["party_group"] = _("党小组必须属于该党员所在党支部。")
        if self.joined_party_on and self.joined_party_on > date.today():
            errors["joined_party_on"] = _("入党时间不能晚于今天。")
        if errors:
            raise ValidationError(errors)


class Role(VersionedModel):
    """A person's role, scoped to a branch (secretary, committee member) or a unit (department)."""

    class Kind(models.TextChoices):
        SECRETARY = "secretary", _("党支部书记")
        COMMITTEE = "committee", _("支委")
        ORG_ADMIN = "org_admin", _("组织部门")
        DEPARTMENT = "department", _("机关部门负责人")
        INSPECTOR = "inspector", _("督导组成员")
        VIEWER = "viewer", _("公司党委领导")

    BRANCH_SCOPED = (Kind.SECRETARY, Kind.COMMITTEE)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("角色"), max_length=20, choices=Kind.choices)
    branch = models.ForeignKey(
        Branch, verbose_name=_("党支部"), null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="roles")
    member = models.ForeignKey(
        Member, verbose_name=_("对应党员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="roles"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人员角色")
        verbose_name_plural = _("人员角色")
        ordering = ["user__username", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "branch", "unit"], name="role_unique_scope"),
        ]

    def __str__(self) -> str:
        scope = self.branch or self.unit
        return f"{self.user} · {self.get_kind_display()}" + (f" · {scope}" if scope else "")

    def clean(self) -> None:
        if self.kind in self.BRANCH_SCOPED:
            if not self.branch_id:
                raise ValidationError({"branch": _("党支部书记和支委必须指定所在党支部。")})
            if self.unit_id:
                raise ValidationError({"unit": _("党支部书记和支委只按党支部授权，不指定单位。")})
        elif self.kind == self.Kind.DEPARTMENT:
            if not self.unit_id or self.unit.kind != Unit.Kind.DEPARTMENT:
                raise ValidationError({"unit": _("机关部门负责人必须指定一个机关部门。")})
            if self.branch_id:
                raise ValidationError({"branch": _("机关部门负责人按部门授权，不指定党支部。")})
        elif self.branch_id or self.unit_id:
            raise ValidationError(_("该角色面向全公司，不指定党支部或单位。"))
        if self.member_id and self.branch_id and self.member.branch_id != self.branch_id:
            raise ValidationError({"member": _("对应党员必须属于所授权的党支部。")})


class YearSettings(VersionedModel):
    """Per-year settings of the organisation department, such as the filing deadline of annual plans."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    plan_deadline = models.DateField(_("年度方案备案截止日"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度设置")
        verbose_name_plural = _("年度设置")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        if not (MIN_YEAR <= (self.year or 0) <= MAX_YEAR):
            raise ValidationError({"year": _("年度必须在 %(min)s 到 %(max)s 之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}})
        if self.plan_deadline and self.plan_deadline.year != self.year:
            raise ValidationError({"plan_deadline": _("备案截止日必须在该年度内。")})

    @classmethod
    def deadline_for(cls, year: int) -> date:
        found = cls.objects.filter(year=year).values_list("plan_deadline", flat=True).first()
        return found or date(year, 1, 31)


class Notification(models.Model):
    """An in-app notification (reminders of items behind pace or due)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=40)
    key = models.CharField(_("去重键"), max_length=200, help_text=_("同一提醒在同一周期只发一次"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
