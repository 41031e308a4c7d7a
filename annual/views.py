"""Pages of the annual assessment: results by group with grades, compile with progress, publish, correct,
lock, a branch's explained result, Excel export."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from annual import engine, kpis, selectors, services
from annual.exporters import AnnualExporter
from annual.links import line_links
from annual.models import (
    AnnualCompileJob,
    AnnualItem,
    AnnualManualScore,
    AnnualRubric,
    AnnualSnapshot,
    AnnualVeto,
)
from branches.access import person_for, visible_branches
from branches.models import AssessmentContent, Branch
from branches.periods import MAX_YEAR, MIN_YEAR
from scoring.views import org_admin_required


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year") or request.POST.get("year")
    if text:
        if not str(text).isdigit() or not (MIN_YEAR <= int(text) <= MAX_YEAR):
            raise Http404
        return int(text)
    return timezone.localdate().year


def _sees_all(person) -> bool:
    return person.is_org_admin or person.is_viewer or person.is_inspector


def _url(year: int, snapshot: AnnualSnapshot | None = None) -> str:
    url = f"{reverse('annual:home')}?year={year}"
    return f"{url}&snapshot={snapshot.pk}" if snapshot else url


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_for(request.user)
    year = _year(request)
    snapshots = selectors.snapshots_of(year=year, published_only=not person.is_org_admin)
    wanted = request.GET.get("snapshot")
    if wanted:
        snapshot = snapshots.filter(pk=wanted if str(wanted).isdigit() else 0).first()
        if snapshot is None:
            raise Http404
    else:
        snapshot = snapshots.first()
    branch_ids = None if _sees_all(person) else set(visible_branches(request.user).values_list("pk", flat=True))
    current = timezone.localdate().year
    return render(request, "annual/home.html", {
        "year": year, "years": sorted({current - 2, current - 1, current, year}, reverse=True),
        "snapshot": snapshot, "groups": selectors.groups(snapshot=snapshot, branch_ids=branch_ids) if snapshot else [],
        "sees_all": branch_ids is None, "is_admin": person.is_org_admin,
        "history": snapshots if person.is_org_admin else [],
        "in_force": services.current_published(year), "locked": services.year_is_locked(year),
        "job": selectors.latest_job(year=year) if person.is_org_admin else None,
        "rubric": engine.rubric_for(year), "reports_url": reverse("reports:home")})


def _job_box(request: HttpRequest, job: AnnualCompileJob) -> HttpResponse:
    response = render(request, "annual/_job.html", {"job": job})
    if request.htmx and job.state == AnnualCompileJob.State.DONE:
        messages.success(request, _("%(year)s 年度考核已计算完成。") % {"year": job.year})
        response["HX-Redirect"] = _url(job.year, job.snapshot)
    return response


@require_POST
@org_admin_required
def compile_view(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    job = services.request_compile(year=year, user=request.user)
    job.refresh_from_db()
    if request.htmx:
        return _job_box(request, job)
    if job.state == AnnualCompileJob.State.FAILED:
        messages.error(request, job.error)
    else:
        messages.info(request, _("已提交 %(year)s 年度考核的计算。") % {"year": year})
    return redirect(_url(year))


@org_admin_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_box(request, get_object_or_404(AnnualCompileJob, pk=pk))


@require_POST
@org_admin_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_object_or_404(AnnualSnapshot, pk=pk)
    try:
        services.publish(snapshot=snapshot, user=request.user,
                         correction_reason=request.POST.get("correction_reason", ""))
        messages.success(request, _("已发布 %(year)s 年度考核第 %(v)s 版。") % {"year": snapshot.year, "v": snapshot.version})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(_url(snapshot.year, snapshot))


@require_POST
@org_admin_required
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_object_or_404(AnnualSnapshot, pk=pk)
    try:
        services.lock(snapshot=snapshot, user=request.user)
        messages.success(request, _("已锁定 %(year)s 年度考核。") % {"year": snapshot.year})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(_url(snapshot.year, snapshot))


@require_POST
@org_admin_required
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_object_or_404(AnnualSnapshot, pk=pk)
    try:
        services.discard_draft(snapshot=snapshot, user=request.user)
        messages.success(request, _("已删除草稿第 %(v)s 版。") % {"v": snapshot.version})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(_url(snapshot.year))


def _readable(request, pk: int) -> AnnualSnapshot:
    snapshot = get_object_or_404(AnnualSnapshot, pk=pk)
    if not snapshot.is_published and not person_for(request.user).is_org_admin:
        raise Http404
    return snapshot


@login_required
def branch(request: HttpRequest, pk: int, branch_id: int) -> HttpResponse:
    person = person_for(request.user)
    snapshot = _readable(request, pk)
    if not _sees_all(person) and not visible_branches(request.user).filter(pk=branch_id).exists():
        raise Http404
    entry = selectors.entry_for(snapshot=snapshot, branch_id=branch_id)
    if entry is None:
        raise Http404
    admin_links = person.is_org_admin and request.user.is_staff
    lines = list(entry.lines.all())
    for line in lines:
        line.links = line_links(line, entry, person=person, admin_allowed=admin_links)
    return render(request, "annual/branch.html", {
        "snapshot": snapshot, "entry": entry, "lines": lines, "is_admin": person.is_org_admin,
        "group_size": snapshot.entries.filter(group_name=entry.group_name).count()})


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for(request.user)
    snapshot = _readable(request, pk)
    if not _sees_all(person):
        raise Http404
    exporter = AnnualExporter(snapshot, language=get_language())
    buffer = io.BytesIO()
    exporter.write_xlsx(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (f"attachment; filename=\"annual-{snapshot.year}-v{snapshot.version}.xlsx\"; "
                                       f"filename*=UTF-8''{quote(exporter.filename('xlsx'))}")
    return response


@require_POST
@org_admin_required
def kpi_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    content = get_object_or_404(AssessmentContent.objects.select_related("unit"), pk=pk)
    kpis.confirm(content=content, as_of=timezone.localdate(), note=request.POST.get("note", ""), user=request.user)
    messages.success(request, _("已确认“%(title)s”的考核结果。") % {"title": content.title})
    return redirect(f"{reverse('branches:department_home')}?unit={content.unit_id}&year={content.year}#kpis")


def _manual_page(request: HttpRequest, year: int, *, failed: dict | None = None, status: int = 200) -> HttpResponse:
    rubric = engine.rubric_for(year)
    items = list(rubric.items.filter(method=AnnualItem.Method.MANUAL).order_by("sort_order", "code")) if rubric else []
    scores = {(s.branch_id, s.item_id): s for s in AnnualManualScore.objects.filter(year=year, item__in=items)}
    vetoes = dict(AnnualVeto.objects.filter(year=year).values_list("branch_id", "reason"))
    rows = []
    for b in Branch.objects.filter(is_active=True).order_by("code"):
        cells = []
        for item in items:
            cell = {"item": item, "score": scores.get((b.pk, item.pk)), "applies": item.applies_to(b.kind)}
            if failed and failed["key"] == (b.pk, item.pk):
                cell.update(failed)
            cells.append(cell)
        rows.append({"branch": b, "cells": cells, "veto": vetoes.get(b.pk)})
    return render(request, "annual/manual.html", {"year": year, "items": items, "rows": rows, "rubric": rubric,
                                                  "locked": services.year_is_locked(year)}, status=status)


@org_admin_required
def manual(request: HttpRequest) -> HttpResponse:
    return _manual_page(request, _year(request))


@require_POST
@org_admin_required
def manual_save(request: HttpRequest, branch_id: int, item_id: int) -> HttpResponse:
    year = _year(request)
    branch = get_object_or_404(Branch, pk=branch_id)
    item = get_object_or_404(AnnualItem, pk=item_id, method=AnnualItem.Method.MANUAL, rubric__year=year)
    try:
        services.save_manual_score(year=year, branch=branch, item=item, points=request.POST.get("points", ""),
                                   reason=request.POST.get("reason", ""), user=request.user)
    except ValidationError as exc:
        # The page again, with what was typed and why it was refused; nothing saved.
        return _manual_page(request, year, status=400, failed={
            "key": (branch.pk, item.pk), "errors": exc.messages, "points_typed": request.POST.get("points", ""),
            "reason_typed": request.POST.get("reason", "")})
    messages.success(request, _("已保存 %(branch)s 的“%(item)s”。") % {"branch": branch, "item": item.name})
    return redirect(f"{reverse('annual:manual')}?year={year}")


@require_POST
@org_admin_required
def veto_save(request: HttpRequest, branch_id: int) -> HttpResponse:
    year = _year(request)
    branch = get_object_or_404(Branch, pk=branch_id)
    try:
        if request.POST.get("lift"):
            services.lift_veto(year=year, branch=branch, user=request.user)
            messages.success(request, _("已取消 %(branch)s 的一票否决。") % {"branch": branch})
        else:
            services.set_veto(year=year, branch=branch, reason=request.POST.get("reason", ""), user=request.user)
            messages.success(request, _("已对 %(branch)s 一票否决。") % {"branch": branch})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(f"{reverse('annual:manual')}?year={year}")


@login_required
def rubric(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    versions = list(AnnualRubric.objects.filter(year=year).order_by("-version"))
    wanted = request.GET.get("rubric")
    shown = next((r for r in versions if str(r.pk) == wanted), None) if wanted else (
        engine.rubric_for(year) or (versions[0] if versions else None))
    if wanted and shown is None:
        raise Http404
    return render(request, "annual/rubric.html", {
        "year": year, "versions": versions, "rubric": shown, "is_admin": person_for(request.user).is_org_admin,
        "frozen": shown.is_frozen() if shown else False,
        "items": shown.items.order_by("sort_order", "code") if shown else [],
        "joint_rules": shown.joint_rules.all() if shown else [],
        "grade_rules": shown.grade_rules.order_by("sort_order", "id") if shown else []})


@require_POST
@org_admin_required
def rubric_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(AnnualRubric, pk=pk)
    year = _year(request)
    new = services.copy_rubric(rubric=source, year=year, user=request.user)
    messages.success(request, _("已复制为 %(year)s 年第 %(v)s 版（草稿），在本页修改后启用。") % {
        "year": new.year, "v": new.version})
    return redirect(f"{reverse('annual:rubric')}?year={new.year}&rubric={new.pk}")


@require_POST
@org_admin_required
def rubric_activate(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(AnnualRubric, pk=pk)
    try:
        services.activate_rubric(rubric=target, user=request.user)
        messages.success(request, _("已启用该版本年度考核细则。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(f"{reverse('annual:rubric')}?year={target.year}&rubric={target.pk}")
