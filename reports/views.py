"""Report pages: what the reader may request, their jobs, and the downloads (Word and PDF), by role."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.access import person_for
from branches.models import Branch, Unit
from branches.periods import Quarter
from reports import services
from reports.models import ReportJob

K = ReportJob.Kind


def _choices(person) -> dict:
    branches = Branch.objects.filter(is_active=True).order_by("code")
    units = Unit.objects.filter(branches__isnull=False).distinct().order_by("code")
    if not person.is_org_admin:
        branches = branches.filter(pk__in=person.branch_ids)
        if not person.is_viewer:
            units = units.filter(pk__in=set(person.unit_ids) | set(
                Branch.objects.filter(pk__in=person.branch_ids).values_list("unit_id", flat=True)))
    return {"branches": list(branches), "units": list(units), "year_end": person.is_org_admin or person.is_viewer}


def _visible_jobs(request, person):
    jobs = ReportJob.objects.select_related("branch", "unit", "requested_by")
    if not person.is_org_admin:
        jobs = jobs.filter(requested_by=request.user)
    return jobs[:30]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_for(request.user)
    today = timezone.localdate()
    previous = Quarter.current().previous()
    return render(request, "reports/home.html", {
        **_choices(person), "jobs": _visible_jobs(request, person), "year": today.year,
        "years": [today.year, today.year - 1], "quarter": previous,
        "quarters": [Quarter(y, n) for y in (today.year, today.year - 1) for n in (4, 3, 2, 1)
                     if Quarter(y, n) <= Quarter.current()]})


@require_POST
@login_required
def request_view(request: HttpRequest) -> HttpResponse:
    person = person_for(request.user)
    kind = request.POST.get("kind", "")
    if kind not in K.values:
        raise Http404
    branch = unit = None
    year_text = request.POST.get("year", "")
    quarter = None
    try:
        if kind == K.UNIT_QUARTER:
            q = Quarter.parse(request.POST.get("quarter", ""))
            year, quarter = q.year, q.number
            unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0)
        else:
            if not year_text.isdigit():
                raise ValidationError(_("请选择年度。"))
            year = int(year_text)
        if kind == K.SECRETARY:
            branch = get_object_or_404(Branch, pk=request.POST.get("branch") or 0)
        services.request_report(person=person, user=request.user, kind=kind, year=year, quarter=quarter,
                                branch=branch, unit=unit)
        messages.success(request, _("已提交报告生成，完成后可在下方下载。"))
    except PermissionDenied:
        raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("reports:home")


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    person = person_for(request.user)
    job = get_object_or_404(ReportJob.objects.select_related("branch", "unit"), pk=pk)
    if job.requested_by_id != request.user.pk and not person.is_org_admin:
        raise Http404
    if not services.may_have(person, kind=job.kind, branch=job.branch, unit=job.unit):
        raise Http404
    field = {"docx": job.docx, "pdf": job.pdf}.get(fmt)
    if not field:
        raise Http404
    name = f"{job.get_kind_display()}_{job.subject}.{fmt}".replace(" ", "_")
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)
