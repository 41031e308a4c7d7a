"""Forms of the annual rubric's pages: a version's settings and its items, 连带奖扣 rules and grade quotas."""

from __future__ import annotations

from django import forms

from annual.models import AnnualItem, AnnualRubric, GradeRule, JointRule
from annual.services import RUBRIC_FIELDS


class _Styled(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)


class RubricSettingsForm(_Styled):
    class Meta:
        model = AnnualRubric
        fields = RUBRIC_FIELDS


class AnnualItemForm(_Styled):
    class Meta:
        model = AnnualItem
        fields = ["code", "name", "mode", "kind", "branch_kinds", "max_points", "method", "source", "target",
                  "deduction", "rule", "sort_order"]


class JointRuleForm(_Styled):
    class Meta:
        model = JointRule
        fields = ["pair_kind", "bonus_share", "deduction_share"]


class GradeRuleForm(_Styled):
    class Meta:
        model = GradeRule
        fields = ["name", "quota_percent", "sort_order"]
