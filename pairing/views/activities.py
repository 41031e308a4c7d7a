"""The branch home and its activities: list, log, edit, delete, evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from branches import freshness
from branches.access import person_for
from branches.params import optional_year, safe_next
from config.concurrency import StaleRecordError, add_version_field, expect_form_version, show_stale
from config.downloads import download_response, login_or_token_required
from pairing import selectors, services
from pairing.forms import ActivityFilterForm, ActivityForm, EvidenceForm
from pairing.models import Evidence, Pair, Partnership

from .common import (
    LockCache,
    branch_query,
    current_branch,
    message_errors,
    refuse_if_locked,
    require_edit_activity,
    require_edit_branch,
    today,
)

PAGE_SIZE = 20


@login_required
def home(request: HttpRequest) -> HttpResponse:
    branch = current_branch(request)
    day = today()
    year = optional_year(request, default=day.year)
    person = person_for(request.user)
    can_edit = person.can_edit_branch(branch.pk)
    bq = branch_query(request, branch)

    def body() -> str:
        recent = selectors.activity_list(user=request.user, branch=branch).select_related("kind")[:5]
        return render_to_string("pairing/_home_body.html", {
            "branch": branch,
            "ob": selectors.branch_obligations(branch=branch, year=year, today=day),
            "recent": list(recent),
            "can_edit": can_edit,
            "bq": bq,
        })

    # The branch's obligations are the same for everyone who may open its home: cached until one of the
    # branch's records changes (branches.freshness), for the day, language and what the reader may do.
    return render(request, "pairing/home.html", {
        "branch": branch,
        "body": mark_safe(freshness.cached(  # noqa: S308 - HTML this view rendered from its template
            "home", body, branch_ids=[branch.pk], parts=[year, day.isoformat(), get_language(), can_edit, bq])),
        "branch_choices": selectors.workspace_branches(request.user).order_by("code")[:200]
        if (len(person.branch_ids) > 1 or person.sees_everything or person.is_inspector) else [],
    })


def _list_branch(request: HttpRequest):
    person = person_for(request.user)
    if request.GET.get("branch") or (person.branch_ids and not person.sees_everything):
        return current_branch(request)
    return None


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    branch = _list_branch(request)
    year = today().year
    pairs = [selectors.pair_of_branch(branch, year)] if branch else []
    pairs = [p for p in pairs if p]
    partnerships = list(selectors.partnerships_for(request.user).filter(branch=branch, year=year)) if branch else []
    form = ActivityFilterForm(request.GET or None, pairs=pairs, partnerships=partnerships)
    filters: dict = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        joint = data.get("joint") or ""
        filters = {
            "search": data.get("q") or "",
            "period": data.get("period") or "",
            "kind_id": data["kind"].pk if data.get("kind") else None,
            "pair_id": joint.split(":")[1] if joint.startswith("pair:") else None,
            "partnership_id": joint.split(":")[1] if joint.startswith("partnership:") else None,
        }
    activities = selectors.activity_list(user=request.user, branch=branch, **filters)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    locks = LockCache()
    for activity in page.object_list:
        activity.locked = locks.locked(activity.date)
    return render(request, "pairing/activity_list.html", {
        "branch": branch,
        "form": form,
        "page": page,
        "filtered": any(filters.values()),
        "can_create": bool(branch) and person_for(request.user).can_edit_branch(branch.pk),
        "bq": branch_query(request, branch) if branch else "",
    })


def _activity_form(request, *, branch, year, data=None, files=None, initial=None, current_kind_id=None):
    """The form offers the branch's pairs and partnerships of this year and last year (an activity late
    in December may be logged in January); the service checks the date against the chosen one."""
    pairs, partnerships, partners = [], [], []
    for each_year in (year, year - 1):
        pair = selectors.pair_of_branch(branch, each_year)
        if pair is not None:
            pairs.append(pair)
            partners += [b for b in pair.branches if b.pk != branch.pk and b not in partners]
        partnerships += list(Partnership.objects.filter(branch=branch, year=each_year).select_related("external_org"))
    return ActivityForm(data, files, branch=branch, partners=partners, pairs=pairs,
                        partnerships=partnerships, initial=initial, current_kind_id=current_kind_id)


def _form_texts() -> dict:
    """What the activity form's script shows, in the reader's language."""
    return {
        "kinds": [[value, str(label)] for value, label in Evidence.Kind.choices],
        "kind": _("佐证类别"), "remove": _("移除"), "chosen": _("已选择 {n} 个文件"),
        "sending": _("正在发送…"), "save": _("保存"), "untitled": _("（未填标题）"),
        "failed": _("发送失败，请稍后重试"),
        "cancelled": _("已取消发送，没有保存任何内容；表单中填写的内容和照片仍在。"),
    }


def _preselect(request: HttpRequest, branch, year: int) -> dict:
    """Opened from a pair or partnership page (`?pair=ID` / `?partnership=ID`): preselect it and the partner."""
    initial: dict = {"date": today(), "guest_count": 0}
    pair_id, partnership_id = request.GET.get("pair"), request.GET.get("partnership")
    if pair_id:
        pair = selectors.get_pair(user=request.user, pk=pair_id)
        if branch.pk in selectors.pair_branch_ids(pair):
            initial["joint"] = f"pair:{pair.pk}"
            initial["branches"] = [b.pk for b in pair.branches if b.pk != branch.pk]
    elif partnership_id:
        partnership = selectors.get_partnership(user=request.user, pk=partnership_id)
        if partnership.branch_id == branch.pk:
            initial["joint"] = f"partnership:{partnership.pk}"
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    branch = current_branch(request)
    require_edit_branch(request, branch)
    year = today().year
    if request.method == "POST":
        form = _activity_form(request, branch=branch, year=year, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                activity = services.log_activity(user=request.user, branch=branch, data=form.service_data(),
                                                 files=form.cleaned_data["files"], file_kinds=form.file_kinds())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("活动“%(title)s”已登记。") % {"title": activity.title})
                return redirect("pairing:activity_detail", pk=activity.pk)
    else:
        form = _activity_form(request, branch=branch, year=year, initial=_preselect(request, branch, year))
    return render(request, "pairing/activity_form.html", {"form": form, "branch": branch, "activity": None,
                                                          "bq": branch_query(request, branch),
                                                          "form_texts": _form_texts()})


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """What waits on this phone to be sent; the list itself is kept and drawn by static/js/outbox_page.js."""
    return render(request, "pairing/outbox.html")


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity(user=request.user, pk=pk)
    locks = LockCache()
    locked = locks.locked(activity.date)
    return render(request, "pairing/activity_detail.html", {
        "activity": activity,
        "branches": list(activity.branches.all()),
        "attendees": list(activity.attendees.select_related("branch").order_by("branch__code", "employee_no")),
        "evidence": list(activity.evidence.all()),
        "locked": locked,
        "lock_message": locks.message(activity.date) if locked else "",
        "can_edit": services.can_edit_activity(request.user, activity) and not locked,
        "evidence_form": EvidenceForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity(user=request.user, pk=pk)
    require_edit_activity(request, activity)
    if refused := refuse_if_locked(request, activity.date, reverse("pairing:activity_detail", args=[activity.pk])):
        return refused
    branch = activity.owner_branch
    if request.method == "POST":
        form = _activity_form(request, branch=branch, year=activity.date.year, data=request.POST,
                              files=request.FILES, current_kind_id=activity.kind_id)
        add_version_field(form, activity)
        if form.is_valid():
            try:
                expect_form_version(form, activity)
                services.update_activity(user=request.user, activity=activity, data=form.service_data(),
                                         files=form.cleaned_data["files"], file_kinds=form.file_kinds())
            except StaleRecordError as exc:
                show_stale(form, exc)
                form.add_service_errors(exc)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("活动已保存。"))
                return redirect("pairing:activity_detail", pk=activity.pk)
    else:
        owner = activity.pair or activity.partnership
        initial = {
            "date": activity.date, "kind": activity.kind_id, "title": activity.title,
            "joint": (f"pair:{owner.pk}" if isinstance(owner, Pair) else f"partnership:{owner.pk}") if owner else "",
            "branches": [b.pk for b in activity.branches.all() if b.pk != branch.pk],
            "attendees": list(activity.attendees.values_list("pk", flat=True)),
            "guest_count": activity.guest_count, "location": activity.location, "summary": activity.summary,
        }
        form = _activity_form(request, branch=branch, year=activity.date.year, initial=initial,
                              current_kind_id=activity.kind_id)
        add_version_field(form, activity)
    return render(request, "pairing/activity_form.html", {
        "form": form, "branch": branch, "activity": activity, "evidence": list(activity.evidence.all()),
        "form_texts": _form_texts(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity(user=request.user, pk=pk)
    require_edit_activity(request, activity)
    if refused := refuse_if_locked(request, activity.date, reverse("pairing:activity_detail", args=[activity.pk])):
        return refused
    if request.method == "POST":
        try:
            services.delete_activity(user=request.user, activity=activity)
        except ValidationError as exc:
            message_errors(request, exc)
            return redirect("pairing:activity_detail", pk=activity.pk)
        messages.success(request, _("活动“%(title)s”已删除。") % {"title": activity.title})
        return redirect("pairing:activity_list")
    return render(request, "pairing/activity_confirm_delete.html", {"activity": activity})


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity(user=request.user, pk=pk)
    require_edit_activity(request, activity)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            created = services.add_evidence(user=request.user, activity=activity, files=form.cleaned_data["files"],
                                            file_kinds=request.POST.getlist("file_kinds"))
        except ValidationError as exc:
            message_errors(request, exc)
        else:
            messages.success(request, _("已上传 %(n)s 个佐证文件。") % {"n": len(created)})
    return redirect("pairing:activity_detail", pk=activity.pk)


def _evidence_or_404(request: HttpRequest, pk: int) -> Evidence:
    return selectors.get_or_404(
        Evidence.objects.filter(activity__in=selectors.activities_for(request.user).values("pk"))
        .select_related("activity"), pk)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence_or_404(request, pk)
    require_edit_activity(request, evidence.activity)
    try:
        services.delete_evidence(user=request.user, evidence=evidence)
    except ValidationError as exc:
        message_errors(request, exc)
    else:
        messages.success(request, _("已删除“%(name)s”。") % {"name": evidence.original_name})
    return redirect(safe_next(request, reverse("pairing:activity_detail", args=[evidence.activity_id])))


def attachment_response(field, name: str) -> FileResponse:
    """A plan, minutes or exchange attachment, downloaded under a readable name and its detected type."""
    return download_response(field, name=name)


@login_or_token_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, served only to people who may read its activity (not through the open /media/)."""
    evidence = _evidence_or_404(request, pk)
    return download_response(evidence.file, name=evidence.original_name)


@login_or_token_required
def evidence_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _evidence_or_404(request, pk)
    return download_response(evidence.thumbnail, name="thumb")

