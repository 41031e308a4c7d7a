"""Thin forms: they parse input; the rules live in services."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Role
from pairing.uploads import ACCEPT_ATTRIBUTE
from supervision.models import Finding, SupervisionRound, Visit

User = get_user_model()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _inspectors():
    return (
        User.objects.filter(roles__kind=Role.Kind.INSPECTOR).distinct().order_by("username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    name = forms.CharField(label=_("名称"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    scope = forms.CharField(label=_("督导范围"), required=False,
                            widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))


class GroupForm(forms.Form):
    name = forms.CharField(label=_("督导组名称"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"}))
    leader = UserChoiceField(label=_("组长"), queryset=User.objects.none(), widget=forms.Select(attrs={"class": "form-select"}))
    members = UserMultipleChoiceField(label=_("成员"), queryset=User.objects.none(), required=False,
                                      widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _inspectors()
        self.fields["members"].queryset = _inspectors()


class SampleForm(forms.Form):
    """A number (e.g. 5) or a share (e.g. 20%) per branch kind, and an optional seed."""

    seed = forms.IntegerField(label=_("随机种子"), required=False, min_value=0,
                              help_text=_("留空则自动生成并记录；填写上次的种子可复现抽样"),
                              widget=forms.NumberInput(attrs={"class": "form-control"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Branch.Kind.choices:
            self.fields[f"kind_{kind}"] = forms.CharField(
                label=label, required=False, max_length=10,
                widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("数量或比例，如 3 或 20%")}),
            )

    def clean(self):
        cleaned = super().clean()
        per_kind = {}
        for kind in Branch.Kind.values:
            raw = (cleaned.get(f"kind_{kind}") or "").strip()
            if not raw:
                continue
            try:
                if raw.endswith("%"):
                    per_kind[kind] = float(raw[:-1]) / 100
                elif "." in raw:
                    per_kind[kind] = float(raw)
                else:
                    per_kind[kind] = int(raw)
            except ValueError:
                self.add_error(f"kind_{kind}", _("请填写整数（如 3）或百分比（如 20%）。"))
        if not per_kind and not self.errors:
            raise forms.ValidationError(_("请至少为一类党支部填写抽取数量或比例。"))
        cleaned["per_kind"] = per_kind
        return cleaned


class AddBranchForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("党支部"), queryset=Branch.objects.none(),
                                    widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.fields["branch"].queryset = queryset


class VisitForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("党支部"), queryset=Branch.objects.none(),
                                    widget=forms.Select(attrs={"class": "form-select"}))
    date = forms.DateField(label=_("督导日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    form = forms.ChoiceField(label=_("督导形式"), choices=Visit.Form.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    notes = forms.CharField(label=_("督导记录"), required=False,
                            widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        if branches is not None:
            self.fields["branch"].queryset = branches
        self.fields["date"].initial = timezone.localdate()


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=[("", "---------"), *Finding.Kind.choices], required=False,
                             widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label=_("标题"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"class": "form-control"}))
    text = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    mode = forms.ChoiceField(label=_("所属模式"), choices=Finding.Mode.choices, initial=Finding.Mode.BASE,
                             widget=forms.Select(attrs={"class": "form-select"}))
    deadline = forms.DateField(label=_("整改期限（短板）"), required=False,
                               help_text=_("留空默认督导日期后 30 天"),
                               widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    files = MultipleFileField(label=_("佐证材料"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("title") and not cleaned.get("kind"):
            self.add_error("kind", _("请选择类别：短板、长板或典型经验。"))
        if cleaned.get("kind") and not cleaned.get("title"):
            self.add_error("title", _("请填写标题。"))
        return cleaned

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("title") and not data.get("kind")


FindingFormSet = forms.formset_factory(FindingForm, extra=2, max_num=20, validate_max=True)


class TransitionForm(forms.Form):
    to_state = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    response = forms.CharField(label=_("整改情况"), required=False,
                               widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}))
    files = MultipleFileField(label=_("佐证材料"))
    recheck_on = forms.DateField(label=_("回头看日期"), required=False)


class RecheckForm(forms.Form):
    recheck_on = forms.DateField(label=_("回头看日期"), required=False)


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False,
                        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("标题、内容或党支部")}))
    mode = forms.ChoiceField(label=_("模式"), required=False, choices=[("", _("全部模式")), *Finding.Mode.choices],
                             widget=forms.Select(attrs={"class": "form-select"}))
    kind = forms.ChoiceField(label=_("支部类型"), required=False, choices=[("", _("全部类型")), *Branch.Kind.choices],
                             widget=forms.Select(attrs={"class": "form-select"}))


class RoundStatusForm(forms.Form):
    status = forms.ChoiceField(choices=SupervisionRound.Status.choices)
