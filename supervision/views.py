"""Pages of routine supervision. Views stay thin: scope through selectors, writes through services."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.access import person_for
from branches.forms import apply_errors
from branches.models import Branch
from branches.params import optional_year, parse_id
from config.concurrency import add_version_field, expect_form_version
from config.downloads import download_response, login_or_token_required
from config.exports import XLSX_CONTENT_TYPE
from supervision import selectors, services
from supervision.forms import (
    AddBranchForm,
    CaseFilterForm,
    DeadlineForm,
    FindingFormSet,
    GroupForm,
    RecheckForm,
    RoundForm,
    RoundStatusForm,
    SampleForm,
    TransitionForm,
    VisitForm,
)
from supervision.models import (
    Finding,
    FindingEvidence,
    GroupBranch,
    Rectification,
    RectificationEvidence,
    SupervisionRound,
)
from supervision.round_summary import RoundSummaryExporter, round_summary

State = Rectification.State


def _errors(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _form_errors(form) -> str:
    return "；".join(str(e) for errs in form.errors.values() for e in errs)


def _year(request: HttpRequest) -> int:
    return optional_year(request, default=timezone.localdate().year)


def _require_org_admin(request: HttpRequest) -> None:
    person = person_for(request.user)
    if person.is_org_admin:
        return
    if person.is_viewer or person.is_inspector:
        raise PermissionDenied
    raise Http404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_for(request.user)
    year = _year(request)
    ctx: dict = {"year": year, "person": person, "today": timezone.localdate()}
    if selectors.can_see_summary(request.user):
        ctx["summary"] = selectors.supervision_summary_for(request.user, year=year)
    if person.is_org_admin or person.is_inspector:
        ctx["rounds"] = list(selectors.rounds_for(request.user))
    if person.is_org_admin:
        ctx["overdue"] = list(selectors.overdue_rectifications()[:20])
        ctx["to_review"] = list(selectors.rectifications_for(request.user).filter(state=State.SUBMITTED)[:20])
    if person.is_inspector:
        groups = list(selectors.groups_of(request.user).select_related("round").order_by("-round__year", "id"))
        ctx["my_groups"] = [{"group": g, "coverage": selectors.group_coverage(g)} for g in groups]
        ctx["to_review"] = list(
            selectors.rectifications_for(request.user)
            .filter(state=State.SUBMITTED, finding__visit__group__in=groups)
        )
    if person.branch_ids:
        mine = selectors.rectifications_for(request.user).filter(branch_id__in=person.branch_ids)
        ctx["my_rectifications"] = sorted(mine, key=lambda r: (r.state == State.CLOSED, r.deadline, r.pk))
        ctx["single_branch"] = len(person.branch_ids) == 1
        ctx["my_visits"] = list(
            selectors.visits_for(request.user).filter(branch_id__in=person.branch_ids)
            .prefetch_related("findings")[:20]
        )
    return render(request, "supervision/home.html", ctx)


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """The year's summary: the whole company, or an inspector's own groups (404 for everyone else)."""
    year = _year(request)
    return render(request, "supervision/summary.html",
                  {"summary": selectors.supervision_summary_for(request.user, year=year), "year": year})


# ---------------------------------------------------------------------------------------------
# Rounds and groups (organisation department)


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    _require_org_admin(request)
    form = RoundForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            supervision_round = services.create_round(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("督导轮次已创建。"))
            return redirect("supervision:round_detail", pk=supervision_round.pk)
    return render(request, "supervision/round_form.html", {"form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supervision_round = selectors.get_round_for(request.user, pk)
    person = person_for(request.user)
    groups = list(selectors.visible_groups(request.user, supervision_round))
    ctx = {
        "round": supervision_round,
        "groups": [{"group": g, "coverage": selectors.group_coverage(g)} for g in groups],
        "is_admin": person.is_org_admin,
        "can_open": services.can_open_round(request.user, supervision_round),
    }
    if person.is_org_admin:
        ctx["sample_form"] = SampleForm()
        ctx["group_form"] = GroupForm()
        ctx["overview"] = selectors.sample_overview(supervision_round)
    return render(request, "supervision/round_detail.html", ctx)


@login_required
@require_POST
def round_status(request: HttpRequest, pk: int) -> HttpResponse:
    supervision_round = selectors.get_round_for(request.user, pk)
    if not services.can_open_round(request.user, supervision_round):
        raise PermissionDenied
    form = RoundStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_round_status(supervision_round=supervision_round, status=form.cleaned_data["status"],
                                      by=request.user)
            messages.success(request, _("督导轮次状态已更新。"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    return redirect("supervision:round_detail", pk=pk)


@login_required
@require_POST
def round_sample(request: HttpRequest, pk: int) -> HttpResponse:
    _require_org_admin(request)
    supervision_round = get_object_or_404(SupervisionRound, pk=pk)
    form = SampleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("supervision:round_detail", pk=pk)
    try:
        drawn = services.draw_sample(round=supervision_round, per_kind=form.cleaned_data["per_kind"],
                                     seed=form.cleaned_data.get("seed"), by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        supervision_round.refresh_from_db()
        messages.success(request, _("已抽取 %(n)s 个党支部（随机种子 %(seed)s）。") % {
            "n": len(drawn), "seed": supervision_round.sample_seed})
    return redirect("supervision:round_detail", pk=pk)


@login_required
@require_POST
def group_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_org_admin(request)
    supervision_round = get_object_or_404(SupervisionRound, pk=pk)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            services.create_group(supervision_round=supervision_round, by=request.user, **form.cleaned_data)
            messages.success(request, _("督导组已成立。"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, _form_errors(form))
    return redirect("supervision:round_detail", pk=pk)


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group_for(request.user, pk)
    person = person_for(request.user)
    ctx = {
        "group": group,
        "coverage": selectors.group_coverage(group),
        "visits": list(group.visits.select_related("branch").prefetch_related("findings")),
        "is_admin": person.is_org_admin,
        "can_record": services.can_record_visit(request.user, group),
    }
    if person.is_org_admin:
        ctx["add_form"] = AddBranchForm(queryset=selectors.unsampled_branches(group.round))
    return render(request, "supervision/group_detail.html", ctx)


@login_required
@require_POST
def group_branch_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_org_admin(request)
    group = selectors.get_group_for(request.user, pk)
    form = AddBranchForm(request.POST, queryset=Branch.objects.filter(is_active=True))
    if form.is_valid():
        try:
            services.add_branch_to_group(group=group, branch=form.cleaned_data["branch"], by=request.user)
            messages.success(request, _("已加入督导范围。"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    return redirect("supervision:group_detail", pk=pk)


@login_required
@require_POST
def group_branch_remove(request: HttpRequest, pk: int, branch_pk: int) -> HttpResponse:
    _require_org_admin(request)
    group = selectors.get_group_for(request.user, pk)
    branch = get_object_or_404(Branch, pk=branch_pk)
    try:
        services.remove_branch_from_group(group=group, branch=branch, by=request.user)
        messages.success(request, _("已移出督导范围。"))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("supervision:group_detail", pk=pk)


# ---------------------------------------------------------------------------------------------
# Visits


@login_required
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group_for(request.user, pk)
    if not services.can_record_visit(request.user, group):
        raise PermissionDenied
    branches = Branch.objects.filter(pk__in=GroupBranch.objects.filter(group=group).values("branch_id"))
    initial = {}
    if request.GET.get("branch"):
        initial["branch"] = parse_id(request.GET["branch"], "branch")
    form = VisitForm(request.POST or None, branches=branches, initial=initial)
    formset = FindingFormSet(request.POST or None, request.FILES or None, prefix="findings")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        findings = [
            {
                "kind": f.cleaned_data["kind"], "title": f.cleaned_data["title"], "text": f.cleaned_data["text"],
                "mode": f.cleaned_data["mode"], "deadline": f.cleaned_data.get("deadline"),
                "files": f.cleaned_data.get("files") or [],
            }
            for f in formset.forms
            if not f.is_blank
        ]
        try:
            visit = services.record_visit(group=group, by=request.user, findings=findings, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("督导记录已保存，短板已生成整改事项。"))
            return redirect("supervision:visit_detail", pk=visit.pk)
    return render(request, "supervision/visit_form.html", {"group": group, "form": form, "formset": formset})


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.get_visit_for(request.user, pk)
    findings = list(visit.findings.prefetch_related("evidence").select_related("rectification"))
    return render(request, "supervision/visit_detail.html", {"visit": visit, "findings": findings,
                                                             "lock_message": selectors.visit_lock(visit=visit)})


# ---------------------------------------------------------------------------------------------
# Rectifications


def _rectification_page(request: HttpRequest, rectification: Rectification, *, posted=None) -> HttpResponse:
    """The rectification's page; `posted` (a rejected action's form data) is filled back into that action."""
    targets = services.allowed_targets_for(request.user, rectification)
    actions = [{"to_state": t, "label": services.ACTION_LABELS[t],
                "posted": posted if posted is not None and posted.get("to_state") == t else None}
               for t in targets]
    return render(request, "supervision/rectification_detail.html", {
        "r": rectification,
        "transitions": list(rectification.transitions.select_related("by").prefetch_related("evidence")),
        "evidence": list(rectification.evidence.all()),
        "finding_evidence": list(rectification.finding.evidence.all()) if rectification.finding_id else [],
        "actions": actions,
        "can_review": services.can_review(request.user, rectification) and rectification.state != State.CLOSED,
        "deadline_form": DeadlineForm(initial={"deadline": rectification.deadline, "version": rectification.version}),
        "overdue": rectification.is_overdue(timezone.localdate()),
    })


@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _rectification_page(request, selectors.get_rectification_for(request.user, pk))


@login_required
@require_POST
def rectification_transition(request: HttpRequest, pk: int) -> HttpResponse:
    rectification = selectors.get_rectification_for(request.user, pk)
    form = TransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _rectification_page(request, rectification, posted=request.POST)
    data = form.cleaned_data
    try:
        services.transition_rectification(
            rectification=rectification, to_state=data["to_state"], by=request.user, note=data.get("note", ""),
            response=data.get("response") or None, files=data.get("files") or [], recheck_on=data.get("recheck_on"),
            expected_version=int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        # What was typed stays in the form (the page is shown again, not redirected to).
        return _rectification_page(request, selectors.get_rectification_for(request.user, pk), posted=request.POST)
    messages.success(request, _("整改事项已更新为“%(state)s”。") % {"state": rectification.get_state_display()})
    return redirect("supervision:rectification_detail", pk=pk)


@login_required
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's summary as Excel: the whole round for the organisation department, an inspector's groups."""
    supervision_round = selectors.get_round_for(request.user, pk)
    group_ids = None
    if not person_for(request.user).is_org_admin:
        group_ids = list(selectors.groups_of(request.user).filter(round=supervision_round).values_list("pk", flat=True))
    exporter = RoundSummaryExporter(round_summary(supervision_round=supervision_round, group_ids=group_ids),
                                    language=translation.get_language())
    buffer = io.BytesIO()
    exporter.write_xlsx(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (f'attachment; filename="round-{supervision_round.pk}.xlsx"; '
                                       f"filename*=UTF-8''{quote(exporter.filename('xlsx'))}")
    return response


@login_required
@require_POST
def rectification_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    rectification = selectors.get_rectification_for(request.user, pk)
    form = RecheckForm(request.POST)
    if form.is_valid():
        try:
            services.set_recheck_date(rectification=rectification, recheck_on=form.cleaned_data["recheck_on"],
                                      by=request.user)
            messages.success(request, _("回头看日期已保存。"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, _("请填写有效的日期。"))
    return redirect("supervision:rectification_detail", pk=pk)


@login_required
@require_POST
def rectification_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    rectification = selectors.get_rectification_for(request.user, pk)
    form = DeadlineForm(request.POST)
    add_version_field(form, rectification)
    if form.is_valid():
        try:
            expect_form_version(form, rectification)
            services.set_rectification_deadline(rectification=rectification, deadline=form.cleaned_data["deadline"],
                                                by=request.user)
            messages.success(request, _("整改期限已调整。"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, _("请填写有效的日期。"))
    return redirect("supervision:rectification_detail", pk=pk)


# ---------------------------------------------------------------------------------------------
# Case library


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    qs = selectors.case_library(q=params.get("q", ""), mode=params.get("mode", ""),
                                branch_kind=params.get("kind", ""))
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "supervision/cases.html", {
        "form": form, "page": page, "query": query.urlencode(), "modes": Finding.Mode.choices,
    })


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "supervision/case_detail.html", {"case": selectors.get_case(pk)})


# ---------------------------------------------------------------------------------------------
# Evidence files, served after a scope check


def _file_response(evidence) -> FileResponse:
    return download_response(evidence.file, name=evidence.original_name)


@login_or_token_required
def finding_file(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(FindingEvidence.objects.select_related("finding__visit"), pk=pk)
    if evidence.finding.kind != Finding.Kind.TYPICAL_EXPERIENCE:
        selectors.get_visit_for(request.user, evidence.finding.visit_id)
    return _file_response(evidence)


@login_or_token_required
def rectification_file(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(RectificationEvidence, pk=pk)
    selectors.get_rectification_for(request.user, evidence.rectification_id)
    return _file_response(evidence)
