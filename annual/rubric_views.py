"""Pages where the organisation department edits a version of the annual rubric that no published annual
assessment used yet: its settings, items, 连带奖扣 rules and grade quotas."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from annual import services
from annual.models import AnnualItem, AnnualRubric, GradeRule, JointRule
from annual.rubric_forms import AnnualItemForm, GradeRuleForm, JointRuleForm, RubricSettingsForm
from scoring.views import org_admin_required

PARTS = {
    "item": (AnnualItem, "items", AnnualItemForm, gettext_lazy("新增考核项"), gettext_lazy("编辑考核项")),
    "joint": (JointRule, "joint_rules", JointRuleForm, gettext_lazy("新增连带奖扣规则"),
              gettext_lazy("编辑连带奖扣规则")),
    "grade": (GradeRule, "grade_rules", GradeRuleForm, gettext_lazy("新增等次名额"), gettext_lazy("编辑等次名额")),
}


def _back(rubric: AnnualRubric) -> str:
    return f"{reverse('annual:rubric')}?year={rubric.year}&rubric={rubric.pk}"


def _frozen_answer(request: HttpRequest, rubric: AnnualRubric) -> HttpResponse | None:
    if rubric.is_frozen():
        messages.error(request, _("该版本已用于发布的年度考核结果，不能修改；请复制为新版本后修改。"))
        return redirect(_back(rubric))
    return None


def _add_errors(form: forms.ModelForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields) | {NON_FIELD_ERRORS}:
        form.add_error(None, exc)
    else:
        form.add_error(None, exc.messages)


@org_admin_required
def rubric_settings(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = get_object_or_404(AnnualRubric, pk=pk)
    if (answer := _frozen_answer(request, rubric)) is not None:
        return answer
    form = RubricSettingsForm(request.POST or None, instance=rubric)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rubric_settings(rubric=rubric, user=request.user, **{
                name: form.cleaned_data[name] for name in services.RUBRIC_FIELDS})
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已保存年度考核细则设置。"))
            return redirect(_back(rubric))
    return render(request, "annual/rubric_form.html", {
        "rubric": rubric, "form": form, "title": _("修改年度考核细则设置"), "creating": False})


def _part_edit(request: HttpRequest, pk: int, kind: str, part_id: int | None) -> HttpResponse:
    model, related, form_class, add_title, edit_title = PARTS[kind]
    rubric = get_object_or_404(AnnualRubric, pk=pk)
    part = get_object_or_404(getattr(rubric, related), pk=part_id) if part_id else model(rubric=rubric)
    if (answer := _frozen_answer(request, rubric)) is not None:
        return answer
    form = form_class(request.POST or None, instance=part)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rubric_part(rubric=rubric, part=form.instance, user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(_back(rubric))
    return render(request, "annual/rubric_form.html", {
        "rubric": rubric, "form": form, "title": edit_title if part_id else add_title, "creating": not part_id})


def _part_delete(request: HttpRequest, pk: int, kind: str, part_id: int) -> HttpResponse:
    related = PARTS[kind][1]
    rubric = get_object_or_404(AnnualRubric, pk=pk)
    part = get_object_or_404(getattr(rubric, related), pk=part_id)
    try:
        services.delete_rubric_part(rubric=rubric, part=part, user=request.user)
        messages.success(request, _("已删除。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(_back(rubric))


@org_admin_required
def item_edit(request: HttpRequest, pk: int, part_id: int | None = None) -> HttpResponse:
    return _part_edit(request, pk, "item", part_id)


@org_admin_required
def joint_edit(request: HttpRequest, pk: int, part_id: int | None = None) -> HttpResponse:
    return _part_edit(request, pk, "joint", part_id)


@org_admin_required
def grade_edit(request: HttpRequest, pk: int, part_id: int | None = None) -> HttpResponse:
    return _part_edit(request, pk, "grade", part_id)


@require_POST
@org_admin_required
def item_delete(request: HttpRequest, pk: int, part_id: int) -> HttpResponse:
    return _part_delete(request, pk, "item", part_id)


@require_POST
@org_admin_required
def joint_delete(request: HttpRequest, pk: int, part_id: int) -> HttpResponse:
    return _part_delete(request, pk, "joint", part_id)


@require_POST
@org_admin_required
def grade_delete(request: HttpRequest, pk: int, part_id: int) -> HttpResponse:
    return _part_delete(request, pk, "grade", part_id)
