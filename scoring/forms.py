from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from branches.periods import MAX_YEAR, MIN_YEAR
from scoring.models import RubricItem


class ManualScoreForm(forms.Form):
    points = forms.CharField(label=_("得分"), max_length=12)
    reason = forms.CharField(label=_("评分理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VetoForm(forms.Form):
    reason = forms.CharField(label=_("否决理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    lift = forms.BooleanField(required=False)


class CopyRubricForm(forms.Form):
    year = forms.IntegerField(label=_("适用年度"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    valid_from = forms.TypedChoiceField(label=_("自第几季度起适用"), coerce=int,
                                        choices=[(n, _("第%(n)s季度") % {"n": n}) for n in (1, 2, 3, 4)])


class RubricItemForm(forms.ModelForm):
    branch_kinds = forms.MultipleChoiceField(label=_("适用支部类型"), choices=Branch.Kind.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text=_("不选表示适用于全部支部类型"))

    class Meta:
        model = RubricItem
        fields = ["section", "code", "name", "mode", "branch_kinds", "max_points", "method", "source", "target",
                  "deduction", "is_bonus", "rule", "sort_order"]
        widgets = {"rule": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, rubric=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rubric is not None:
            self.fields["section"].queryset = rubric.sections.all()
        for name, field in self.fields.items():
            if name not in ("branch_kinds", "is_bonus"):
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                              else "form-control")

    def fields_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["branch_kinds"] = list(data.get("branch_kinds") or [])
        return data
