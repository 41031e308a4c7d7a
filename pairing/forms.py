"""Forms of the branch workspace. They only parse what was typed; every rule lives in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Member
from pairing.models import ActivityKind, InformationExchange, KeyProject, Pair, Partnership, Problem
from pairing.uploads import ACCEPT_ATTRIBUTE

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; their type and size are checked by `pairing.uploads` in the service."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        if not isinstance(data, (list, tuple)):
            data = [data]
        return [f for f in data if f]


def _file_widget(multiple: bool = False) -> forms.Widget:
    attrs = {"accept": ACCEPT_ATTRIBUTE, "class": "form-control"}
    if multiple:
        return MultipleFileInput(attrs={**attrs, "multiple": True})
    return forms.ClearableFileInput(attrs=attrs)


class BootstrapMixin:
    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css and not isinstance(widget, forms.CheckboxSelectMultiple):
                    widget.attrs["class"] = f"{css} is-invalid".strip()

    def add_service_errors(self, exc) -> None:
        """Show a service's ValidationError on the fields it names; anything else at the top."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class JointSelect(forms.Select):
    """The 所属共建 choices; a pair's option lists its partner branches (`data-branches`), so that the
    page ticks them when the pair is chosen."""

    option_branches: dict[str, str] = {}
    option_orgs: dict[str, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if str(value) in self.option_branches:
            option["attrs"]["data-branches"] = self.option_branches[str(value)]
        if str(value) in self.option_orgs:
            option["attrs"]["data-org"] = self.option_orgs[str(value)]
        return option


class ActivityForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    kind = forms.ModelChoiceField(label=_("活动类型"), queryset=ActivityKind.objects.none(),
                                  empty_label=_("请选择…"))
    title = forms.CharField(label=_("标题"), max_length=200)
    joint = forms.ChoiceField(label=_("所属共建"), required=False, widget=JointSelect)
    branches = forms.ModelMultipleChoiceField(label=_("结对支部参加"), queryset=Branch.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    attendees = forms.ModelMultipleChoiceField(label=_("参加党员"), queryset=Member.objects.none(), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    guest_count = forms.IntegerField(label=_("其他参加人数"), min_value=0, initial=0, required=False,
                                     widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    summary = forms.CharField(label=_("活动内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("佐证材料（照片、PDF、Word、Excel，可多选）"), widget=_file_widget(multiple=True))

    def __init__(self, *args, branch: Branch, partners: list[Branch], pairs: list[Pair],
                 partnerships: list[Partnership], current_kind_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["kind"].queryset = ActivityKind.objects.filter(is_active=True) | ActivityKind.objects.filter(
            pk=current_kind_id or 0)
        self.fields["branches"].queryset = Branch.objects.filter(pk__in=[b.pk for b in partners]).order_by("code")
        self.fields["attendees"].queryset = Member.objects.filter(
            branch_id__in=[branch.pk, *(b.pk for b in partners)], is_active=True
        ).select_related("branch")
        choices = [("", _("本支部活动（不属于共建）"))]
        choices += [(f"pair:{p.pk}", _("%(year)s 结对共建：%(name)s") % {"year": p.year, "name": p}) for p in pairs]
        choices += [(f"partnership:{p.pk}", _("%(year)s 党建共建：%(name)s") % {"year": p.year, "name": p.external_org})
                    for p in partnerships]
        self.fields["joint"].choices = choices
        self.fields["joint"].widget.option_branches = {
            f"pair:{p.pk}": " ".join(str(b.pk) for b in p.branches if b.pk != branch.pk) for p in pairs}
        self.fields["joint"].widget.option_orgs = {
            f"partnership:{p.pk}": str(p.external_org_id) for p in partnerships}
        self._owners = {f"pair:{p.pk}": p for p in pairs} | {f"partnership:{p.pk}": p for p in partnerships}
        if not partners:
            del self.fields["branches"]
        self._style()

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        owner = self._owners.get(data.pop("joint", "") or "")
        data["pair"] = owner if isinstance(owner, Pair) else None
        data["partnership"] = owner if isinstance(owner, Partnership) else None
        data["branches"] = list(data.get("branches") or [])
        data["attendees"] = list(data.get("attendees") or [])
        data["guest_count"] = data.get("guest_count") or 0
        data.pop("files", None)
        return data

    def file_kinds(self) -> list[str]:
        """The evidence type of each file, in the order the files were sent (现场照片 / 签到表 / 文件)."""
        return self.data.getlist("file_kinds") if hasattr(self.data, "getlist") else []

    @property
    def files_to_choose_again(self) -> int:
        """How many files came with a refused form: browsers cannot keep them, they must be chosen again."""
        if not self.is_bound or not self.errors:
            return 0
        return len([f for f in self.files.getlist("files") if f])

    def roster_groups(self) -> list[dict]:
        """The roster as checkboxes grouped by branch, with what was ticked kept on a rejected form."""
        field = self["attendees"]
        selected = {str(v) for v in (field.value() or [])}
        groups: dict[int, dict] = {}
        for member in field.field.queryset.order_by("branch__code", "employee_no"):
            group = groups.setdefault(member.branch_id, {"branch": member.branch, "members": []})
            group["members"].append({"member": member, "checked": str(member.pk) in selected})
        return list(groups.values())


class EvidenceForm(BootstrapMixin, forms.Form):
    files = MultipleFileField(label=_("补充佐证材料"), widget=_file_widget(multiple=True))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ActivityFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("标题、内容或地点"), "type": "search"}))
    period = forms.CharField(label=_("期间"), required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("如 2026Q3 或 2026")}))
    kind = forms.ModelChoiceField(label=_("活动类型"), queryset=ActivityKind.objects.all(), required=False,
                                  empty_label=_("全部类型"))
    joint = forms.ChoiceField(label=_("共建"), required=False)

    def __init__(self, *args, pairs=(), partnerships=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("全部"))]
        choices += [(f"pair:{p.pk}", str(p)) for p in pairs]
        choices += [(f"partnership:{p.pk}", str(p.external_org)) for p in partnerships]
        self.fields["joint"].choices = choices
        self._style()

    def clean_period(self):
        from branches.periods import Quarter

        value = (self.cleaned_data.get("period") or "").strip().upper()
        if value and not (value.isdigit() and len(value) == 4):
            Quarter.parse(value)
        return value


class PlanForm(BootstrapMixin, forms.Form):
    goals = forms.CharField(label=_("工作目标"), widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(label=_("工作措施"), required=False, widget=forms.Textarea)
    timeline = forms.CharField(label=_("时间安排"), required=False, widget=forms.Textarea)
    lead_responsibilities = forms.CharField(label=_("我方（牵头方）职责"), required=False, widget=forms.Textarea)
    partner_responsibilities = forms.CharField(label=_("结对方职责"), required=False, widget=forms.Textarea)
    document = forms.FileField(label=_("方案文件（PDF、Word 或照片）"), required=False, widget=_file_widget())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class KeyProjectForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=KeyProject.Kind.choices)
    title = forms.CharField(label=_("项目名称"), max_length=200)
    goal = forms.CharField(label=_("目标成果"), required=False, widget=forms.Textarea)
    description = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea)
    status = forms.ChoiceField(label=_("状态"), choices=KeyProject.Status.choices, initial=KeyProject.Status.ACTIVE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class TaskForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("任务"), max_length=300)
    due_date = forms.DateField(label=_("完成时限"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ClaimForm(BootstrapMixin, forms.Form):
    claimant = forms.ModelChoiceField(label=_("领办党员"), queryset=Member.objects.none(), empty_label=_("请选择…"))
    commitment = forms.CharField(label=_("承诺内容"), widget=forms.Textarea(attrs={"rows": 2}))
    claimed_on = forms.DateField(label=_("领办日期"), widget=DATE_WIDGET, initial=timezone.localdate)

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claimant"].queryset = Member.objects.filter(
            branch__in=list(branches), is_active=True).select_related("branch").order_by("branch__code", "employee_no")
        self.fields["claimant"].label_from_instance = lambda m: f"{m.name}（{m.branch.name}）"
        self._style()


class ProgressForm(BootstrapMixin, forms.Form):
    progress_note = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class CompleteForm(BootstrapMixin, forms.Form):
    completed_on = forms.DateField(label=_("完成日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    progress_note = forms.CharField(label=_("完成情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ProblemForm(BootstrapMixin, forms.Form):
    raised_by = forms.ModelChoiceField(label=_("提出方"), queryset=Branch.objects.none(), empty_label=_("请选择…"))
    title = forms.CharField(label=_("难题"), max_length=200)
    description = forms.CharField(label=_("具体情况"), required=False, widget=forms.Textarea)
    raised_on = forms.DateField(label=_("提出日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    status = forms.ChoiceField(label=_("状态"), choices=[c for c in Problem.Status.choices if c[0] != "solved"])

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].queryset = Branch.objects.filter(pk__in=[b.pk for b in branches])
        self._style()


class SolveForm(BootstrapMixin, forms.Form):
    solution = forms.CharField(label=_("解决措施"), widget=forms.Textarea(attrs={"rows": 3}))
    solved_on = forms.DateField(label=_("解决日期"), widget=DATE_WIDGET, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class MeetingForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    topic = forms.CharField(label=_("议题"), max_length=200)
    attendees = forms.CharField(label=_("参会人员"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("会议纪要"), required=False, widget=forms.Textarea)
    decisions = forms.CharField(label=_("议定事项"), required=False, widget=forms.Textarea)
    file = forms.FileField(label=_("附件"), required=False, widget=_file_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


MONTH_CHOICES = [(m, _("%(m)s 月") % {"m": m}) for m in range(1, 13)]


class ExchangeForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=InformationExchange.Kind.choices)
    period_month = forms.TypedChoiceField(label=_("所属月份"), choices=MONTH_CHOICES, coerce=int)
    exchanged_on = forms.DateField(label=_("互通日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("附件"), required=False, widget=_file_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
