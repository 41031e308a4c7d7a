from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from branches.periods import MAX_YEAR, MIN_YEAR
from pairing.models import ActivityCategory, ActivityKind
from scoring.engine import registry
from scoring.models import RankingGroup, RubricItem


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


def _param_field(spec: registry.Param) -> forms.Field:
    """A form field for a parameter of the registry (kept in RubricItem.params)."""
    common = {"label": spec.label, "required": False, "help_text": spec.help}
    if spec.kind == "choice":
        return forms.ChoiceField(choices=[("", _("默认")), *spec.choices], **common)
    if spec.kind == "bool":
        return forms.BooleanField(**common)
    if spec.kind == "decimal":
        return forms.DecimalField(min_value=0, max_digits=6, decimal_places=2, **common)
    return forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple, **common)


PARAM_FIELDS = [name for name in registry.PARAMS if name not in registry.FIELD_PARAMS]


class RubricItemForm(forms.ModelForm):
    branch_kinds = forms.MultipleChoiceField(label=_("适用支部类型"), choices=Branch.Kind.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text=_("不选表示适用于全部支部类型"))

    class Meta:
        model = RubricItem
        fields = ["section", "code", "name", "mode", "branch_kinds", "max_points", "method", "source", "target",
                  "deduction", "no_obligation", "is_bonus", "rule", "sort_order"]
        widgets = {"rule": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, rubric=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rubric is not None:
            self.fields["section"].queryset = rubric.sections.all()
        self.fields["no_obligation"].required = False  # the item's current value (or the default) when not sent
        params = dict(self.instance.params or {})
        for name in PARAM_FIELDS:
            field = self.fields[name] = _param_field(registry.PARAMS[name])
            if name == "kinds":
                field.choices = list(ActivityKind.objects.values_list("code", "name"))
            elif name == "categories":
                field.choices = list(ActivityCategory.objects.values_list("code", "name"))
            if name in params:
                self.initial[name] = params[name]
        for name, field in self.fields.items():
            if name not in ("branch_kinds", "is_bonus", "share", "kinds", "categories"):
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                              else "form-control")

    def _params(self) -> dict:
        params = {}
        for name in PARAM_FIELDS:
            value = self.cleaned_data.get(name)
            if value in (None, "", [], False):
                continue
            params[name] = str(value) if registry.PARAMS[name].kind == "decimal" else value
        return params

    def _post_clean(self):
        # The item is checked with the parameters as typed; their errors are shown on top of the form.
        self.instance.params = self._params()
        super()._post_clean()

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict") and "params" in errors.error_dict:
            errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(errors.error_dict.pop("params"))
        super()._update_errors(errors)

    def fields_for_service(self) -> dict:
        # `version` is the page's concurrency check, not an item field.
        data = {k: v for k, v in self.cleaned_data.items() if k not in PARAM_FIELDS and k != "version"}
        data["branch_kinds"] = list(data.get("branch_kinds") or [])
        data["no_obligation"] = data.get("no_obligation") or self.instance.no_obligation
        data["params"] = self._params()
        return data


class RankingGroupForm(forms.ModelForm):
    branch_kinds = forms.MultipleChoiceField(label=_("包含支部类型"), choices=Branch.Kind.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    branches = forms.ModelMultipleChoiceField(label=_("指定党支部"), required=False,
                                              queryset=Branch.objects.filter(is_active=True).order_by("code"),
                                              widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
                                              help_text=_("指定的党支部优先归入本组"))

    class Meta:
        model = RankingGroup
        fields = ["name", "branch_kinds", "branches", "sort_order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "sort_order"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
