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
from annual.models import AnnualCompileJob, AnnualSnapshot
from branches.access import person_for, visible_branches
from branches.models import AssessmentContent
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
