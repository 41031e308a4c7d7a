"""Pages of the 党建提质杯: rankings, compile/publish, a branch's explained scores, manual scores, rubric, exports."""

from __future__ import annotations

import tempfile
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from branches.access import person_for, visible_branches
from branches.forms import apply_errors
from branches.models import Branch
from branches.params import parse_id, parse_quarter
from branches.periods import Quarter
from config.concurrency import StaleRecordError, add_version_field, expect_form_version, show_stale
from scoring import selectors, services
from scoring.engine import registry
from scoring.exporters import QuarterScoresExporter
from scoring.forms import CopyRubricForm, ManualScoreForm, RubricItemForm, VetoForm
from scoring.jobs import fail_stalled_jobs
from scoring.links import evidence_url
from scoring.models import CompileJob, RankingSnapshot, Rubric, RubricItem


def org_admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not person_for(request.user).is_org_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _quarter(request: HttpRequest) -> Quarter:
    text = request.GET.get("quarter") or request.POST.get("quarter")
    if text:
        return parse_quarter(text)
    return Quarter.current().previous()


def _quarter_choices(selected: Quarter) -> list[Quarter]:
    current = Quarter.current()
    quarters = {Quarter(year, n) for year in (current.year - 1, current.year) for n in (1, 2, 3, 4)}
    quarters = {q for q in quarters if q <= current} | {selected}
    return sorted(quarters, reverse=True)


def _sees_all(person) -> bool:
    return person.is_org_admin or person.is_viewer or person.is_inspector


def _shown_snapshot(request, quarter: Quarter, person) -> RankingSnapshot | None:
    snapshots = selectors.snapshots_of(quarter=quarter, published_only=not person.is_org_admin)
    wanted = request.GET.get("snapshot")
    if wanted:
        snapshot = snapshots.filter(pk=parse_id(wanted, "snapshot")).first()
        if snapshot is None:
            raise Http404
        return snapshot
    # The organisation department sees the newest version, draft or not; others the newest published one.
    return snapshots.first()


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    person = person_for(request.user)
    quarter = _quarter(request)
    snapshot = _shown_snapshot(request, quarter, person)
    branch_ids = None if _sees_all(person) else set(visible_branches(request.user).values_list("pk", flat=True))
    groups = selectors.snapshot_groups(snapshot=snapshot, branch_ids=branch_ids) if snapshot else []
    context = {
        "quarter": quarter,
        "quarters": _quarter_choices(quarter),
        "snapshot": snapshot,
        "groups": groups,
        "sees_all": branch_ids is None,
        "is_admin": person.is_org_admin,
        "history": selectors.snapshots_of(quarter=quarter) if person.is_org_admin else [],
        "published": selectors.latest_snapshot(quarter=quarter, published_only=True),
        "job": selectors.latest_job(quarter=quarter) if person.is_org_admin else None,
        "rubric": selectors.rubric_for(quarter),
    }
    return render(request, "scoring/rankings.html", context)


@require_POST
@org_admin_required
def compile_view(request: HttpRequest) -> HttpResponse:
    quarter = _quarter(request)
    job = services.request_compile(quarter=quarter, user=request.user, publish=False)
    job.refresh_from_db()
    if request.htmx:
        return _job_box(request, job)
    if job.state == CompileJob.State.FAILED:
        messages.error(request, job.error)
    else:
        messages.info(request, _("已提交 %(quarter)s 的排名计算。") % {"quarter": quarter})
    return redirect(f"{reverse('scoring:rankings')}?quarter={quarter}")


def _job_url(job: CompileJob) -> str:
    """The rankings page showing what the job produced (the newest version when it made none)."""
    url = f"{reverse('scoring:rankings')}?quarter={job.quarter}"
    return f"{url}&snapshot={job.snapshot_id}" if job.snapshot_id else url


def _job_box(request: HttpRequest, job: CompileJob) -> HttpResponse:
    """The polled progress box. Once the job is done, htmx loads the rankings page showing the new
    version (`HX-Redirect`: the page's list of versions and its table change, not only the box); the
    box itself keeps a link to it."""
    response = render(request, "scoring/_job.html", {"job": job, "quarter": job.quarter})
    if request.htmx and job.state == CompileJob.State.DONE:
        messages.success(request, _("%(quarter)s 的排名已计算完成。") % {"quarter": job.quarter})
        response["HX-Redirect"] = _job_url(job)
    return response


@org_admin_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    fail_stalled_jobs(pk=pk)
    job = get_object_or_404(CompileJob, pk=pk)
    return _job_box(request, job)


@org_admin_required
def job_restart(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(CompileJob, pk=pk)
    try:
        job = services.restart_compile(job=job, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    if request.htmx:
        return _job_box(request, job)
    return redirect(f"{reverse('scoring:rankings')}?quarter={job.quarter}")


@require_http_methods(["GET", "POST"])
@org_admin_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing would do (unscored manual items, and for a correction what changes against the
    current version); POST: publish, with the reason a correction needs and the confirmation."""
    snapshot = get_object_or_404(RankingSnapshot, pk=pk)
    if snapshot.is_published:
        return redirect(f"{reverse('scoring:rankings')}?quarter={snapshot.quarter}&snapshot={snapshot.pk}")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.publish_snapshot(snapshot=snapshot, user=request.user, reason=request.POST.get("reason", ""),
                                      confirm_unscored=bool(request.POST.get("confirm_unscored")))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            messages.success(request, _("已发布 %(quarter)s 第 %(v)s 版排名，该季度记录已锁定。") % {
                "quarter": snapshot.quarter, "v": snapshot.version})
            return redirect(f"{reverse('scoring:rankings')}?quarter={snapshot.quarter}&snapshot={snapshot.pk}")
    current = selectors.current_snapshot(quarter=snapshot.quarter)
    return render(request, "scoring/publish.html", {
        "snapshot": snapshot, "quarter": snapshot.quarter, "current": current,
        "unscored": selectors.unscored_manual(snapshot=snapshot),
        "diff": selectors.version_diff(old=current, new=snapshot) if current else [],
        "errors": errors, "posted": request.POST if request.method == "POST" else {}},
        status=400 if errors else 200)


@login_required
def version_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """What a correction changed against the version it superseded: points and rank per branch."""
    snapshot = _readable_snapshot(request, pk)
    if snapshot.supersedes_id is None:
        raise Http404
    person = person_for(request.user)
    diff = selectors.version_diff(old=snapshot.supersedes, new=snapshot)
    if not _sees_all(person):
        visible = set(visible_branches(request.user).values_list("pk", flat=True))
        diff = [r for r in diff if r["branch_id"] in visible]
    return render(request, "scoring/version_changes.html", {
        "snapshot": snapshot, "previous": snapshot.supersedes, "quarter": snapshot.quarter, "diff": diff})


@require_POST
@org_admin_required
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_object_or_404(RankingSnapshot, pk=pk)
    try:
        services.discard_draft(snapshot=snapshot, user=request.user)
        messages.success(request, _("已删除草稿第 %(v)s 版。") % {"v": snapshot.version})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(f"{reverse('scoring:rankings')}?quarter={snapshot.quarter}")


def _readable_snapshot(request, pk: int) -> RankingSnapshot:
    person = person_for(request.user)
    snapshot = get_object_or_404(RankingSnapshot.objects.select_related("rubric", "published_by"), pk=pk)
    if not snapshot.is_published and not person.is_org_admin:
        raise Http404
    return snapshot


@login_required
def branch_score(request: HttpRequest, pk: int, branch_id: int) -> HttpResponse:
    person = person_for(request.user)
    snapshot = _readable_snapshot(request, pk)
    if not _sees_all(person) and not visible_branches(request.user).filter(pk=branch_id).exists():
        raise Http404
    entry = selectors.entry_for(snapshot=snapshot, branch_id=branch_id)
    if entry is None:
        raise Http404
    admin_links = person.is_org_admin and request.user.is_staff
    selectors.attach_evidence([entry])
    sections: dict[str, list] = {}
    scores = list(entry.item_scores.all())
    # What each item counts, said by the registry from the item (a published quarter's rubric is frozen).
    items = RubricItem.objects.in_bulk([s.item_id for s in scores if s.item_id])
    names = registry.code_names()
    for score in scores:
        item = items.get(score.item_id)
        score.sentence = registry.says(item, names) if item else ""
        score.links = [{"label": ref.get("label", ""),
                        "url": evidence_url(ref, admin_allowed=admin_links, person=person)}
                       for ref in score.evidence or []]
        sections.setdefault(score.section_name, []).append(score)
    group_size = snapshot.entries.filter(group_name=entry.group_name).count()
    return render(request, "scoring/branch_score.html", {
        "snapshot": snapshot, "entry": entry, "sections": sections, "group_size": group_size,
        "is_admin": person.is_org_admin})


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    person = person_for(request.user)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    snapshot = _readable_snapshot(request, pk)
    if not _sees_all(person):
        raise Http404
    exporter = QuarterScoresExporter(snapshot, language=get_language())
    if fmt == "xlsx":
        # Built in a temporary file (rows written as they are read) and sent from it in blocks.
        file = tempfile.TemporaryFile()
        exporter.write_xlsx(file)
        file.seek(0)
        response = FileResponse(file, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        # Streamed as it is made: a few hundred rows at a time.
        response = StreamingHttpResponse(exporter.csv_chunks(), content_type="text/csv; charset=utf-8")
    name = exporter.filename(fmt)
    response["Content-Disposition"] = f"attachment; filename=\"cup-{snapshot.quarter}-v{snapshot.version}.{fmt}\"; " \
                                      f"filename*=UTF-8''{quote(name)}"
    return response


# --- manual scores -------------------------------------------------------------------------------------

def _grid_branches(items: list[RubricItem]):
    kinds = set()
    for item in items:
        kinds |= set(item.branch_kinds or Branch.Kind.values)
    order = {kind: n for n, kind in enumerate(Branch.Kind.values)}
    branches = Branch.objects.filter(is_active=True, kind__in=kinds)
    return sorted(branches, key=lambda b: (order.get(b.kind, 9), b.code))


@org_admin_required
def manual_grid(request: HttpRequest) -> HttpResponse:
    quarter = _quarter(request)
    items = selectors.manual_items(quarter=quarter)
    scores = selectors.manual_scores(quarter=quarter, items=items)
    vetoes = selectors.vetoes(quarter=quarter)
    rows = []
    for branch in _grid_branches(items):
        cells = [{"item": item, "branch": branch, "score": scores.get((branch.pk, item.pk)),
                  "applies": item.applies_to(branch.kind)} for item in items]
        rows.append({"branch": branch, "cells": cells, "veto": vetoes.get(branch.pk)})
    return render(request, "scoring/manual_grid.html", {
        "quarter": quarter, "quarters": _quarter_choices(quarter), "items": items, "rows": rows,
        "history": selectors.manual_history(quarter=quarter), "rubric": selectors.rubric_for(quarter),
        "locked": selectors.latest_snapshot(quarter=quarter, published_only=True)})


@require_POST
@org_admin_required
def manual_save(request: HttpRequest, branch_id: int, item_id: int) -> HttpResponse:
    quarter = _quarter(request)
    branch = get_object_or_404(Branch, pk=branch_id)
    item = get_object_or_404(RubricItem, pk=item_id, method=RubricItem.Method.MANUAL)
    form = ManualScoreForm(request.POST)
    errors: list[str] = []
    score = None
    if form.is_valid():
        try:
            score = services.save_manual_score(
                quarter=quarter, branch=branch, item=item, points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"], user=request.user,
                expected_version=form.cleaned_data.get("version"))
        except ValidationError as exc:
            errors = exc.messages
    else:
        errors = [e for errs in form.errors.values() for e in errs]
    if score is None:
        score = selectors.manual_scores(quarter=quarter, items=[item]).get((branch.pk, item.pk))
    cell = {"item": item, "branch": branch, "score": score, "applies": True, "errors": errors,
            "posted": request.POST if errors else None, "saved": not errors}
    if request.htmx:
        return render(request, "scoring/_manual_cell.html", {"cell": cell, "quarter": quarter},
                      status=200)
    if errors:
        messages.error(request, "；".join(errors))
    else:
        messages.success(request, _("已保存 %(branch)s 的“%(item)s”。") % {"branch": branch, "item": item.name})
    return redirect(f"{reverse('scoring:manual_grid')}?quarter={quarter}")


@require_POST
@org_admin_required
def veto_save(request: HttpRequest, branch_id: int) -> HttpResponse:
    quarter = _quarter(request)
    branch = get_object_or_404(Branch, pk=branch_id)
    form = VetoForm(request.POST)
    form.is_valid()
    try:
        if form.cleaned_data.get("lift"):
            services.lift_veto(quarter=quarter, branch=branch, user=request.user)
            messages.success(request, _("已取消 %(branch)s 的一票否决。") % {"branch": branch})
        else:
            services.set_veto(quarter=quarter, branch=branch, reason=form.cleaned_data.get("reason", ""),
                              user=request.user)
            messages.success(request, _("已对 %(branch)s 一票否决。") % {"branch": branch})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(f"{reverse('scoring:manual_grid')}?quarter={quarter}")


# --- rubric --------------------------------------------------------------------------------------------

@login_required
def rubric_list(request: HttpRequest) -> HttpResponse:
    rubrics = list(Rubric.objects.prefetch_related("items").order_by("-year", "-valid_from", "-version"))
    spans = selectors.quarters_in_force(rubrics)
    for rubric in rubrics:
        rubric.in_force_span = spans.get(rubric.pk)
    return render(request, "scoring/rubric_list.html", {
        "rubrics": rubrics, "is_admin": person_for(request.user).is_org_admin,
        "in_force": selectors.rubric_for(Quarter.current())})


@login_required
def rubric_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = get_object_or_404(Rubric, pk=pk)
    items = list(rubric.items.select_related("section").order_by("section__sort_order", "sort_order", "code"))
    sections: dict[str, list] = {}
    for item in items:
        sections.setdefault(item.section.name, []).append(item)
    kind_labels = dict(Branch.Kind.choices)
    for item in items:
        item.kind_labels = [kind_labels.get(k, k) for k in item.branch_kinds or []]
    # A branch is scored only on the items for its kind: the base and bonus are per kind, not summed over all.
    totals = []
    for kind, label in Branch.Kind.choices:
        mine = [i for i in items if i.applies_to(kind)]
        totals.append({
            "label": label,
            "base": sum((i.max_points for i in mine if not i.is_bonus and not i.deducts), 0),
            "bonus": sum((i.max_points for i in mine if i.is_bonus), 0),
        })
    names = registry.code_names()
    for item in items:
        item.sentence = registry.says(item, names)
    return render(request, "scoring/rubric_detail.html", {
        "rubric": rubric, "sections": sections, "totals": totals,
        "is_admin": person_for(request.user).is_org_admin, "frozen": services.rubric_is_frozen(rubric),
        "copy_form": CopyRubricForm(initial={"year": timezone.localdate().year + 1, "valid_from": 1})})


@org_admin_required
def rubric_item_edit(request: HttpRequest, pk: int, item_id: int | None = None) -> HttpResponse:
    rubric = get_object_or_404(Rubric, pk=pk)
    item = get_object_or_404(RubricItem, pk=item_id, rubric=rubric) if item_id else RubricItem(rubric=rubric)
    if services.rubric_is_frozen(rubric):
        messages.error(request, _("该版本评分细则已用于已发布的排名，不能修改；请复制为新版本后修改。"))
        return redirect("scoring:rubric_detail", pk=rubric.pk)
    form = RubricItemForm(request.POST or None, instance=item, rubric=rubric)
    add_version_field(form, item)
    if request.method == "POST" and form.is_valid():
        try:
            expect_form_version(form, item)
            services.save_rubric_item(item=item, user=request.user, **form.fields_for_service())
            messages.success(request, _("已保存评分项“%(name)s”。") % {"name": item.name})
            return redirect("scoring:rubric_detail", pk=rubric.pk)
        except StaleRecordError as exc:
            show_stale(form, exc)
            apply_errors(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "scoring/rubric_item_form.html", {"rubric": rubric, "item": item, "form": form})


@require_POST
@org_admin_required
def rubric_copy(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = get_object_or_404(Rubric, pk=pk)
    form = CopyRubricForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("scoring:rubric_detail", pk=rubric.pk)
    new = services.copy_rubric(rubric=rubric, year=form.cleaned_data["year"],
                               valid_from=form.cleaned_data["valid_from"], user=request.user)
    messages.success(request, _("已复制为 %(year)s 年第 %(v)s 版（草稿），修改后启用。") % {"year": new.year, "v": new.version})
    return redirect("scoring:rubric_detail", pk=new.pk)


@require_POST
@org_admin_required
def rubric_activate(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = get_object_or_404(Rubric, pk=pk)
    try:
        services.activate_rubric(rubric=rubric, user=request.user)
        messages.success(request, _("已启用该版本评分细则。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("scoring:rubric_detail", pk=rubric.pk)
