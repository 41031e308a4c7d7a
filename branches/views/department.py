"""An office department's 党建+业务 pages: the seven duties with 四同 evidence, the assessment content, the
annual key-work plan with tasks and monthly targets, and the month's marking (done / behind / overdue)."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import forms, selectors, services
from branches.access import person_for
from branches.duty_board_export import DutyBoardExporter
from branches.models import DutyEvidence, KeyWorkPlan, KeyWorkTask, MonthlyTarget, Unit
from branches.params import parse_id, parse_int
from branches.periods import Quarter
from branches.views.common import department_required, form_page, year_param
from config.concurrency import StaleRecordError, add_version_field, expect_form_version, show_stale
from config.exports import XLSX_CONTENT_TYPE


def _unit_or_404(request, unit_id) -> Unit:
    unit = selectors.department_units_for(person_for(request.user)).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def _home_url(unit: Unit, year: int, month: int | None = None, anchor: str = "") -> str:
    url = reverse("branches:department_home") + f"?unit={unit.pk}&year={year}"
    if month:
        url += f"&month={month}"
    return url + (f"#{anchor}" if anchor else "")


def _month_param(request, year: int) -> int:
    today = timezone.localdate()
    raw = request.GET.get("month") or request.POST.get("month")
    if raw:
        return parse_int("month", raw, minimum=1, maximum=12)
    return today.month if year == today.year else 12


def _month_lock(year: int, month: int) -> str:
    """The lock notice of a month whose quarter's ranking is published (empty while it is open)."""
    from pairing.services import lock_message, record_is_locked

    day = services.target_month_start(year=year, month=month)
    return lock_message(Quarter.of(day)) if record_is_locked(day) else ""


@department_required
def duty_board_export(request, unit_id: int):
    unit = _unit_or_404(request, unit_id)
    exporter = DutyBoardExporter(unit=unit, year=year_param(request), language=translation.get_language())
    buffer = io.BytesIO()
    exporter.write_xlsx(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (f'attachment; filename="duty-board-{unit.code}.xlsx"; '
                                       f"filename*=UTF-8''{quote(exporter.filename('xlsx'))}")
    return response


@department_required
def department_home(request):
    person = person_for(request.user)
    unit_id = request.GET.get("unit")
    if unit_id:
        unit = _unit_or_404(request, parse_id(unit_id, "unit"))
    else:
        unit = None
    year = year_param(request)
    return render(request, "branches/department/home.html",
                  _home_context(request, person=person, unit=unit, year=year, month=_month_param(request, year)))


def _home_context(request, *, person, unit: Unit | None, year: int, month: int) -> dict:
    units = list(selectors.department_units_for(person))
    unit = unit or (units[0] if units else None)
    context = {"units": units, "unit": unit, "year": year, "month": month, "months": range(1, 13),
               "years": range(timezone.localdate().year - 2, timezone.localdate().year + 2),
               "can_edit_assessment": person.is_org_admin, "status_choices": MonthlyTarget.Status.choices,
               "month_lock": _month_lock(year, month)}
    if unit is not None:
        quarter = Quarter(year, (month - 1) // 3 + 1)
        context.update(selectors.department_overview(unit=unit, year=year, month=month))
        score = selectors.department_score_items(unit=unit, quarter=quarter)
        if not score["items"]:  # the month's quarter is not compiled yet: show the quarter before
            earlier = selectors.department_score_items(unit=unit, quarter=quarter.previous())
            if earlier["items"]:
                score, quarter = earlier, quarter.previous()
        context["score"] = score
        context["quarter"] = quarter
        context["plan_form"] = forms.KeyWorkPlanForm(
            instance=context["plan"],
            initial={"version": context["plan"].version if context["plan"] else None})
        context["task_form"] = forms.KeyWorkTaskForm(initial={"number": len(context["tasks"]) + 1})
    return context


@department_required
def evidence_edit(request, unit_id: int, pk: int | None = None):
    unit = _unit_or_404(request, unit_id)
    evidence = get_object_or_404(DutyEvidence, pk=pk, unit=unit) if pk else None
    year = evidence.year if evidence else year_param(request)
    initial = {} if evidence else {"duty": request.GET.get("duty"), "stage": request.GET.get("stage"),
                                   "date": timezone.localdate() if year == timezone.localdate().year else None}
    form = forms.DutyEvidenceForm(request.POST or None, request.FILES or None, instance=evidence, initial=initial)

    def save(data):
        services.save_duty_evidence(
            evidence=evidence, unit=unit, year=year, duty=data["duty"], stage=data["stage"], date=data["date"],
            description=data["description"], standard=data.get("standard") or "",
            supervision_responsibility=data.get("supervision_responsibility") or "",
            assessment_method=data.get("assessment_method") or "", file=request.FILES.get("file"),
            user=request.user,
        )

    return form_page(request, form=form, save=save, title=_("编辑四同记录") if evidence else _("新增四同记录"),
                     subtitle=f"{unit.name} · {year}", back_url=_home_url(unit, year, anchor="duties"),
                     success=_("四同记录已保存。"))


@department_required
@require_POST
def evidence_delete(request, unit_id: int, pk: int):
    unit = _unit_or_404(request, unit_id)
    evidence = get_object_or_404(DutyEvidence, pk=pk, unit=unit)
    year = evidence.year
    services.delete_duty_evidence(evidence=evidence)
    messages.success(request, _("四同记录已删除。"))
    return redirect(_home_url(unit, year, anchor="duties"))


@department_required
@require_POST
def plan_save(request, unit_id: int):
    unit = _unit_or_404(request, unit_id)
    year = year_param(request)
    plan = KeyWorkPlan.objects.filter(unit=unit, year=year).first()
    form = forms.KeyWorkPlanForm(request.POST, request.FILES, instance=plan)
    if form.is_valid():
        try:
            services.save_key_work_plan(
                plan=plan, unit=unit, year=year, title=form.cleaned_data["title"],
                document=request.FILES.get("document"),
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleRecordError as exc:
            show_stale(form, exc)  # submitting again (after checking) saves over their version
            forms.apply_errors(form, exc)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("年度重点工作方案已保存。"))
            return redirect(_home_url(unit, year, anchor="plan"))
    # The page again, with what was typed kept in the plan's form and the reasons shown.
    messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    context = _home_context(request, person=person_for(request.user), unit=unit, year=year,
                            month=_month_param(request, year))
    context["plan_form"] = form
    return render(request, "branches/department/home.html", context, status=400)


@department_required
def task_edit(request, unit_id: int, pk: int | None = None):
    unit = _unit_or_404(request, unit_id)
    task = get_object_or_404(KeyWorkTask.objects.select_related("plan"), pk=pk, plan__unit=unit) if pk else None
    year = task.plan.year if task else year_param(request)
    plan = task.plan if task else KeyWorkPlan.objects.filter(unit=unit, year=year).first()
    if plan is None:
        messages.error(request, _("请先建立年度重点工作方案。"))
        return redirect(_home_url(unit, year, anchor="plan"))
    form = forms.KeyWorkTaskForm(request.POST or None, instance=task)

    def save(data):
        services.save_key_work_task(task=task, plan=plan, number=data["number"], title=data["title"],
                                    duty=data.get("duty"), owner=data.get("owner") or "")

    return form_page(request, form=form, save=save, title=_("编辑重点任务") if task else _("新增重点任务"),
                     subtitle=f"{unit.name} · {year}", back_url=_home_url(unit, year, anchor="plan"),
                     success=_("重点任务已保存。"))


@department_required
@require_POST
def target_create(request, task_id: int):
    task = get_object_or_404(KeyWorkTask.objects.select_related("plan__unit"), pk=task_id)
    unit = _unit_or_404(request, task.plan.unit_id)
    form = forms.MonthlyTargetForm(request.POST)
    if form.is_valid():
        try:
            services.save_monthly_target(task=task, month=form.cleaned_data["month"], text=form.cleaned_data["target"],
                                         user=request.user)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, _("月度目标已添加。"))
            return redirect(_home_url(unit, task.plan.year, month=form.data.get("month"), anchor="plan"))
    else:
        error = _("请填写月份（1-12）和月度目标。")
    # The page again, with what was typed kept in this task's form and the reason beside it.
    messages.error(request, error)
    year = task.plan.year
    context = _home_context(request, person=person_for(request.user), unit=unit, year=year,
                            month=_month_param(request, year))
    context["target_post"] = {"task_id": task.pk, "month": form.data.get("month", ""),
                              "target": form.data.get("target", ""), "error": error}
    return render(request, "branches/department/home.html", context, status=400)


@department_required
@require_POST
def target_status(request, pk: int):
    """Mark a month's target; answers the table row alone to htmx, or goes back to the page."""
    target = get_object_or_404(MonthlyTarget.objects.select_related("task__plan__unit"), pk=pk)
    unit = _unit_or_404(request, target.task.plan.unit_id)
    form = forms.TargetStatusForm(request.POST)
    add_version_field(form, target)
    error = ""
    if form.is_valid():
        try:
            expect_form_version(form, target)
            services.update_target_status(target=target, status=form.cleaned_data["status"],
                                          note=form.cleaned_data.get("note") or "", user=request.user)
        except ValidationError as exc:
            error = "；".join(exc.messages)
            target.refresh_from_db()
    else:
        error = _("请选择有效的状态。")
    if request.htmx:
        return render(request, "branches/department/_target_row.html", {
            "t": target, "error": error, "saved": not error, "status_choices": MonthlyTarget.Status.choices,
            "posted": form.data, "month_lock": _month_lock(target.task.plan.year, target.month),
        })
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("月度目标状态已更新。"))
    return redirect(_home_url(unit, target.task.plan.year, month=target.month, anchor="month"))
