"""Forms of the console and the department pages: they only parse input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from branches.imports import IMPORT_KINDS
from branches.models import (
    AssessmentContent,
    Branch,
    CommitteeMember,
    Duty,
    DutyEvidence,
    ExternalOrganization,
    KeyWorkPlan,
    KeyWorkTask,
    Member,
    MonthlyTarget,
    Role,
    Unit,
)
from pairing.models import ActivityKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            target = key if key in form.fields and key != NON_FIELD_ERRORS else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class BootstrapMixin:
    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ServiceModelForm(BootstrapMixin, forms.ModelForm):
    """A ModelForm that only parses: it does not build or validate the instance (the service does)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def _post_clean(self) -> None:  # the service runs full_clean() on the instance
        pass


class StyledForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


# --------------------------------------------------------------------------------------------- organisation


class UnitForm(ServiceModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "sort_order"]


class BranchForm(ServiceModelForm):
    class Meta:
        model = Branch
        fields = ["code", "name", "unit", "secretary", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.exclude(kind=Unit.Kind.COMMITTEE)
        if self.instance.pk:
            self.fields["secretary"].queryset = Member.objects.filter(branch=self.instance, is_active=True)
        else:
            self.fields["secretary"].queryset = Member.objects.none()
            self.fields["secretary"].help_text = _("保存支部并录入党员后再指定书记。")


class MemberForm(ServiceModelForm):
    class Meta:
        model = Member
        fields = ["employee_no", "name", "branch", "gender", "phone", "joined_party_on", "status", "place",
                  "place_detail", "outside_org", "is_active"]
        widgets = {"joined_party_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.order_by("code")


class ExternalOrganizationForm(ServiceModelForm):
    class Meta:
        model = ExternalOrganization
        fields = ["name", "outside_unit", "location", "contact_person", "contact_phone"]


class MemberFilterForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(attrs={"placeholder": _("姓名、员工编号或手机")}))
    branch = forms.ModelChoiceField(label=_("党支部"), queryset=Branch.objects.order_by("code"), required=False)
    status = forms.ChoiceField(label=_("在岗状态"), choices=[("", _("全部"))] + list(Member.Status.choices), required=False)
    place = forms.ChoiceField(label=_("工作生活地"), choices=[("", _("全部"))] + list(Member.Place.choices), required=False)
    outside_org = forms.ModelChoiceField(label=_("外闯所在单位"), queryset=ExternalOrganization.objects.all(), required=False)


class NewUserRoleForm(StyledForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=False))
    kind = forms.ChoiceField(label=_("角色"), choices=Role.Kind.choices)
    branch = forms.ModelChoiceField(label=_("党支部"), queryset=Branch.objects.order_by("code"), required=False,
                                    help_text=_("党支部书记、支委填写"))
    unit = forms.ModelChoiceField(label=_("机关部门"), queryset=Unit.objects.filter(kind=Unit.Kind.DEPARTMENT),
                                  required=False, help_text=_("机关部门负责人填写"))


class RoleForm(ServiceModelForm):
    class Meta:
        model = Role
        fields = ["kind", "branch", "unit", "member"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.order_by("code")
        self.fields["unit"].queryset = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)
        branch_id = self.data.get("branch") or (self.instance.branch_id if self.instance.pk else None)
        if branch_id:
            self.fields["member"].queryset = Member.objects.filter(branch_id=branch_id)
        else:
            self.fields["member"].queryset = Member.objects.none()


class ImportForm(StyledForm):
    kind = forms.ChoiceField(label=_("导入内容"), choices=[(k, v["label"]) for k, v in IMPORT_KINDS.items()])
    file = forms.FileField(label=_("Excel 文件（.xlsx）"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


# --------------------------------------------------------------------------------------------- year setup


class PairForm(StyledForm):
    lead_branch = forms.ModelChoiceField(
        label=_("机关/直属党支部"),
        queryset=Branch.objects.filter(kind__in=[Branch.Kind.OFFICE, Branch.Kind.DIRECT], is_active=True).order_by("code"),
    )
    grassroots_branches = forms.ModelMultipleChoiceField(
        label=_("基层党支部（一至两个）"),
        queryset=Branch.objects.filter(kind=Branch.Kind.GRASSROOTS, is_active=True).order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    name = forms.CharField(label=_("对子名称"), max_length=200, required=False, help_text=_("留空自动生成"))


class CopyPairsForm(StyledForm):
    source_year = forms.IntegerField(label=_("复制自年度"))


class PartnershipForm(StyledForm):
    candidate = forms.ChoiceField(label=_("人力资源服务中心党支部 — 外部党组织"))

    def __init__(self, *args, candidates: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = [
            (f"{c['branch_id']}:{c['org_id']}",
             _("%(branch)s — %(org)s（外闯党员 %(n)s 名）") % {"branch": c["branch_name"], "org": c["org_name"], "n": c["count"]})
            for c in candidates if c["eligible"] and not c["exists"]
        ]

    def clean_candidate(self):
        branch_id, org_id = self.cleaned_data["candidate"].split(":")
        return int(branch_id), int(org_id)


class AssessmentContentForm(ServiceModelForm):
    class Meta:
        model = AssessmentContent
        fields = ["unit", "title", "duty", "description", "weight"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)
        self.fields["duty"].queryset = Duty.objects.filter(is_active=True)


class YearSettingsForm(StyledForm):
    plan_deadline = forms.DateField(label=_("年度方案备案截止日"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


# --------------------------------------------------------------------------------------------- departments


class DutyEvidenceForm(ServiceModelForm):
    class Meta:
        model = DutyEvidence
        fields = ["duty", "stage", "date", "description", "standard", "supervision_responsibility",
                  "assessment_method", "file"]
        widgets = {
            "date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "standard": forms.Textarea(attrs={"rows": 2}),
            "supervision_responsibility": forms.Textarea(attrs={"rows": 2}),
            "assessment_method": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty"].queryset = Duty.objects.filter(is_active=True)


class KeyWorkPlanForm(ServiceModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = KeyWorkPlan
        fields = ["title", "document"]  # the filing date is the system's (set at the first submission)


class KeyWorkTaskForm(ServiceModelForm):
    class Meta:
        model = KeyWorkTask
        fields = ["number", "title", "duty", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty"].queryset = Duty.objects.filter(is_active=True)


class MonthlyTargetForm(StyledForm):
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    target = forms.CharField(label=_("月度目标"), max_length=300)


class TargetStatusForm(StyledForm):
    status = forms.ChoiceField(label=_("状态"), choices=MonthlyTarget.Status.choices)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.TextInput())


# --------------------------------------------------------------------------------------------- party groups, committee


class PartyGroupForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    leader = forms.ModelChoiceField(label=_("组长"), queryset=Member.objects.none(), required=False)
    is_temporary = forms.BooleanField(label=_("临时党小组"), required=False, help_text=_("如项目攻关临时党小组"))
    members = forms.ModelMultipleChoiceField(label=_("成员"), queryset=Member.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, branch: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        members = Member.objects.filter(branch=branch, is_active=True).order_by("employee_no")
        self.fields["leader"].queryset = members
        self.fields["members"].queryset = members
        self.fields["members"].widget.attrs["class"] = "form-check-input"


class CommitteeMemberForm(StyledForm):
    member = forms.ModelChoiceField(label=_("党员"), queryset=Member.objects.none())
    post = forms.ChoiceField(label=_("职务"), choices=CommitteeMember.Post.choices)
    since = forms.DateField(label=_("任职时间"), required=False, widget=DateInput())

    def __init__(self, *args, branch: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(branch=branch, is_active=True).order_by("employee_no")


# --------------------------------------------------------------------------------------------- catalogues


class DutyForm(ServiceModelForm):
    class Meta:
        model = Duty
        fields = ["code", "name", "description", "sort_order", "is_active"]


class ActivityKindForm(ServiceModelForm):
    class Meta:
        model = ActivityKind
        fields = ["code", "name", "category", "categories", "counts_as_joint", "sort_order", "is_active"]
        widgets = {"categories": forms.CheckboxSelectMultiple}
