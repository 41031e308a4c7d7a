"""Pairs and partnerships: their pages, annual plans, key projects with task claim lists, problems,
joint meetings and information exchanges."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from branches.access import person_for
from branches.models import YearSettings
from branches.params import optional_year
from config.concurrency import StaleRecordError, add_version_field, expect_form_version, show_stale
from config.downloads import login_or_token_required
from pairing import selectors, services
from pairing.forms import (
    ClaimForm,
    CompleteForm,
    ExchangeForm,
    KeyProjectForm,
    MeetingForm,
    PlanForm,
    ProblemForm,
    ProgressForm,
    SolveForm,
    TaskForm,
)
from pairing.models import AnnualPlan, InformationExchange, JointMeeting, Pair, Partnership

from .activities import _list_branch, attachment_response
from .common import LockCache, branch_query, message_errors, refuse_if_locked, require_edit_owner, today

# ---------------------------------------------------------------------------------------------
# Lists and detail pages


@login_required
def pair_list(request: HttpRequest) -> HttpResponse:
    branch = _list_branch(request)
    year = optional_year(request, default=today().year)
    pairs = selectors.pairs_for(request.user).filter(year=year).prefetch_related("grassroots_branches")
    partnerships = selectors.partnerships_for(request.user).filter(year=year)
    if branch is not None:
        pairs = pairs.filter(Q(lead_branch=branch) | Q(grassroots_links__branch=branch)).distinct()
        partnerships = partnerships.filter(branch=branch)
    rows = selectors.pace_rows(pairs=pairs.order_by("lead_branch__code"), partnerships=partnerships, year=year,
                               today=today())
    return render(request, "pairing/pair_list.html", {
        "branch": branch, "year": year, "pair_rows": rows["pair"], "partnership_rows": rows["partnership"],
        "years": range(today().year + 1, today().year - 4, -1), "bq": branch_query(request, branch) if branch else "",
    })


def _mark_locks(items, attr: str, locks: LockCache) -> list:
    items = list(items)
    for item in items:
        item.locked = locks.locked(getattr(item, attr))
    return items


@login_required
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.get_pair(user=request.user, pk=pk)
    data = selectors.pair_detail(pair=pair, today=today())
    locks = LockCache()
    _mark_locks(data["problems"], "raised_on", locks)
    _mark_locks(data["meetings"], "date", locks)
    _mark_locks(data["activities"], "date", locks)
    for project in data["projects"]:
        _mark_locks(project.tasks.all(), "completed_on", locks)
    person = person_for(request.user)
    log_branch = next((b for b in data["branches"] if b.pk in person.branch_ids), pair.lead_branch)
    return render(request, "pairing/pair_detail.html", {
        **data, "can_edit": services.can_edit_owner(request.user, pair), "log_branch": log_branch,
        "me": person.member_in(b.pk for b in data["branches"]),
    })


@login_required
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = selectors.get_partnership(user=request.user, pk=pk)
    data = selectors.partnership_detail(partnership=partnership, today=today())
    locks = LockCache()
    _mark_locks(data["meetings"], "date", locks)
    _mark_locks(data["activities"], "date", locks)
    for item in data["exchanges"]:
        item.locked = locks.locked(item.quarter.start)
    return render(request, "pairing/partnership_detail.html", {
        **data, "can_edit": services.can_edit_owner(request.user, partnership),
    })


def _owner(request: HttpRequest, kind: str, pk: int):
    if kind == "pair":
        return selectors.get_pair(user=request.user, pk=pk)
    if kind == "partnership":
        return selectors.get_partnership(user=request.user, pk=pk)
    raise Http404


def _owner_url(owner) -> str:
    if isinstance(owner, Pair):
        return reverse("pairing:pair_detail", args=[owner.pk])
    return reverse("pairing:partnership_detail", args=[owner.pk])


# ---------------------------------------------------------------------------------------------
# A small engine for the simple forms


def _form_page(request: HttpRequest, *, form_class, save: Callable, title: str, back_url: str,
               success: str, initial: dict | None = None, form_kwargs: dict | None = None,
               extra: dict | None = None, htmx_success: Callable | None = None,
               template: str = "pairing/simple_form.html", record=None) -> HttpResponse:
    """`record` is the record being edited: saved only over the version the page was read at."""
    form_kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **form_kwargs)
        add_version_field(form, record)
        if form.is_valid():
            try:
                expect_form_version(form, record)
                save(form.cleaned_data)
            except StaleRecordError as exc:
                show_stale(form, exc)
                form.add_service_errors(exc)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, success)
                if request.htmx and htmx_success is not None:
                    return htmx_success()
                return redirect(back_url)
    else:
        form = form_class(initial=initial, **form_kwargs)
        add_version_field(form, record)
    context = {"form": form, "title": title, "back_url": back_url, "action": request.get_full_path(),
               "history_of": record if record is not None and record.pk else None, **(extra or {})}
    if request.htmx:
        response = render(request, "pairing/partials/inline_form.html", context)
        if request.method == "POST" and (extra or {}).get("form_target"):
            response["HX-Retarget"] = extra["form_target"]
            response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# Annual plans


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    owner = _owner(request, kind, pk)
    require_edit_owner(request, owner)
    plan = AnnualPlan.objects.filter(**{kind: owner}).select_related("filed_by").first()
    initial = {"version": plan.version if plan else None}
    if plan:
        initial |= {f: getattr(plan, f) for f in services.PLAN_FIELDS}

    def save(data):
        services.file_annual_plan(user=request.user, owner=owner, data=data, document=data.get("document"),
                                  expected_version=data.get("version"))

    deadline = YearSettings.deadline_for(owner.year)
    return _form_page(
        request, form_class=PlanForm, save=save, initial=initial, back_url=_owner_url(owner),
        title=_("%(year)s 年度实施方案 · %(owner)s") % {"year": owner.year, "owner": owner},
        success=_("年度方案已保存。") if plan and plan.filed_on else _("年度方案已备案。"),
        template="pairing/plan_form.html",
        extra={"plan": plan, "owner": owner, "deadline": deadline,
               "state": selectors._plan_state(plan, deadline, today()),
               "projects": list(owner.key_projects.all()) if isinstance(owner, Pair) else []},
    )


@login_or_token_required
def plan_document(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_or_404(selectors.plans_for(request.user), pk)
    return attachment_response(plan.document, _("%(year)s年度方案") % {"year": plan.year})


# ---------------------------------------------------------------------------------------------
# Key projects and task claim lists


def _project_card(request: HttpRequest, project) -> HttpResponse:
    project = selectors.key_projects_for(request.user).get(pk=project.pk)
    tasks = list(project.tasks.select_related("claimant__branch"))
    locks = LockCache()
    for task in tasks:
        task.locked = locks.locked(task.completed_on)
        task.is_overdue = bool(task.status != "done" and task.due_date and task.due_date < today())
    return render(request, "pairing/partials/project_card.html", {
        "project": project, "tasks": tasks, "can_edit": services.can_edit_owner(request.user, project.pair),
        "me": person_for(request.user).member_in(b.pk for b in project.pair.branches),
    })


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.get_pair(user=request.user, pk=pk)
    require_edit_owner(request, pair)
    return _form_page(
        request, form_class=KeyProjectForm, title=_("新增重点共建项目"), back_url=_owner_url(pair),
        save=lambda data: services.save_key_project(user=request.user, pair=pair, data=data),
        success=_("重点共建项目已保存。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_or_404(selectors.key_projects_for(request.user), pk)
    require_edit_owner(request, project.pair)
    initial = {f: getattr(project, f) for f in ("kind", "title", "goal", "description", "status")}
    return _form_page(
        request, form_class=KeyProjectForm, title=_("修改重点共建项目"), back_url=_owner_url(project.pair),
        initial=initial, success=_("重点共建项目已保存。"), record=project,
        save=lambda data: services.save_key_project(user=request.user, pair=project.pair, data=data, project=project),
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_or_404(selectors.key_projects_for(request.user), pk)
    require_edit_owner(request, project.pair)
    return _form_page(
        request, form_class=TaskForm, title=_("新增领办任务 · %(p)s") % {"p": project.title},
        back_url=_owner_url(project.pair) + f"#project-{project.pk}", success=_("任务已加入领办清单。"),
        save=lambda data: services.add_task(user=request.user, project=project, data=data),
        htmx_success=lambda: _project_card(request, project),
        extra={"form_target": f"#project-{project.pk}-form"},
    )


def _task_page(request: HttpRequest, pk: int, *, form_class, title: str, success: str, save, initial=None,
               form_kwargs=None) -> HttpResponse:
    task = selectors.get_or_404(selectors.tasks_for(request.user), pk)
    pair = task.project.pair
    require_edit_owner(request, pair)
    if refused := refuse_if_locked(request, task.completed_on, _owner_url(pair)):
        return refused
    return _form_page(
        request, form_class=form_class, title=f"{title} · {task.title}",
        back_url=_owner_url(pair) + f"#project-{task.project_id}", success=success,
        save=lambda data: save(task, data), initial=initial, record=task,
        form_kwargs=(form_kwargs(task) if form_kwargs else None),
        htmx_success=lambda: _project_card(request, task.project),
        extra={"form_target": f"#task-{task.pk}-form", "task": task},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """`?me=1` (我来领办): the form comes with the person's own member record chosen as claimant."""
    initial = None
    if request.GET.get("me"):
        task = selectors.get_or_404(selectors.tasks_for(request.user), pk)
        me = person_for(request.user).member_in(b.pk for b in task.project.pair.branches)
        initial = {"claimant": me.pk} if me else None
    return _task_page(
        request, pk, form_class=ClaimForm, title=_("领办任务"), success=_("任务已领办。"), initial=initial,
        form_kwargs=lambda task: {"branches": task.project.pair.branches},
        save=lambda task, data: services.claim_task(user=request.user, task=task, claimant=data["claimant"],
                                                     commitment=data["commitment"], claimed_on=data["claimed_on"]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(
        request, pk, form_class=ProgressForm, title=_("填写进展"), success=_("进展已更新。"),
        save=lambda task, data: services.update_task_progress(user=request.user, task=task,
                                                               progress_note=data["progress_note"]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(
        request, pk, form_class=CompleteForm, title=_("标记完成"), success=_("任务已标记完成。"),
        save=lambda task, data: services.complete_task(user=request.user, task=task,
                                                        completed_on=data["completed_on"],
                                                        progress_note=data.get("progress_note") or ""),
    )


# ---------------------------------------------------------------------------------------------
# Problems


@login_required
@require_http_methods(["GET", "POST"])
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.get_pair(user=request.user, pk=pk)
    require_edit_owner(request, pair)
    person = person_for(request.user)
    own = next((b.pk for b in pair.branches if b.pk in person.branch_ids), None)
    return _form_page(
        request, form_class=ProblemForm, title=_("登记共建难题"), back_url=_owner_url(pair) + "#problems",
        form_kwargs={"branches": pair.branches}, initial={"raised_by": own, "raised_on": today()},
        save=lambda data: services.raise_problem(user=request.user, pair=pair, data=data),
        success=_("难题已登记。"),
    )


def _problem(request: HttpRequest, pk: int, *, follow_up: bool = False):
    """The problem to change, and a redirect back to its pair when its solving or raising quarter is locked.
    Solving is follow-up (`follow_up`): a problem raised in a locked quarter is solved in an open one, dated
    there; only a solution already dated in a locked quarter stays as it was."""
    problem = selectors.get_or_404(selectors.problems_for(request.user), pk)
    require_edit_owner(request, problem.pair)
    back = _owner_url(problem.pair) + "#problems"
    return problem, (refuse_if_locked(request, problem.solved_on, back)
                     or (None if follow_up else refuse_if_locked(request, problem.raised_on, back)))


@login_required
@require_http_methods(["GET", "POST"])
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem, refused = _problem(request, pk)
    if refused:
        return refused
    initial = {f: getattr(problem, f) for f in ("title", "description", "raised_on", "status")}
    initial["raised_by"] = problem.raised_by_id
    return _form_page(
        request, form_class=ProblemForm, title=_("修改共建难题"), back_url=_owner_url(problem.pair) + "#problems",
        form_kwargs={"branches": problem.pair.branches}, initial=initial, success=_("难题已保存。"), record=problem,
        save=lambda data: services.update_problem(user=request.user, problem=problem, data=data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_solve(request: HttpRequest, pk: int) -> HttpResponse:
    problem, refused = _problem(request, pk, follow_up=True)
    if refused:
        return refused
    initial = {"solution": problem.solution, "solved_on": problem.solved_on or today()}
    return _form_page(
        request, form_class=SolveForm, title=_("登记解决 · %(t)s") % {"t": problem.title},
        back_url=_owner_url(problem.pair) + "#problems", initial=initial, success=_("难题已登记为已解决。"),
        record=problem,
        save=lambda data: services.solve_problem(user=request.user, problem=problem, solution=data["solution"],
                                                 solved_on=data["solved_on"]),
    )


# ---------------------------------------------------------------------------------------------
# Joint meetings


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    owner = _owner(request, kind, pk)
    require_edit_owner(request, owner)
    return _form_page(
        request, form_class=MeetingForm, title=_("登记联席会 · %(o)s") % {"o": owner},
        back_url=_owner_url(owner) + "#meetings", initial={"date": today()}, success=_("联席会已登记。"),
        save=lambda data: services.record_meeting(user=request.user, owner=owner, data=data, file=data.get("file")),
    )


def _meeting(request: HttpRequest, pk: int) -> JointMeeting:
    meeting = selectors.get_or_404(selectors.meetings_for(request.user), pk)
    require_edit_owner(request, meeting.owner)
    return meeting


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    back = _owner_url(meeting.owner) + "#meetings"
    if refused := refuse_if_locked(request, meeting.date, back):
        return refused
    initial = {f: getattr(meeting, f) for f in ("date", *services.MEETING_FIELDS)}
    return _form_page(
        request, form_class=MeetingForm, title=_("修改联席会"), back_url=back, initial=initial,
        success=_("联席会已保存。"), record=meeting,
        save=lambda data: services.record_meeting(user=request.user, meeting=meeting, data=data,
                                                  file=data.get("file")),
    )


@login_required
@require_POST
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    back = _owner_url(meeting.owner) + "#meetings"
    try:
        services.delete_meeting(user=request.user, meeting=meeting)
    except ValidationError as exc:
        message_errors(request, exc)
    else:
        messages.success(request, _("联席会记录已删除。"))
    return redirect(back)


@login_or_token_required
def meeting_file(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_or_404(selectors.meetings_for(request.user), pk)
    return attachment_response(meeting.file, _("联席会附件-%(date)s") % {"date": meeting.date.isoformat()})


# ---------------------------------------------------------------------------------------------
# Information exchanges


@login_required
@require_http_methods(["GET", "POST"])
def exchange_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership: Partnership = selectors.get_partnership(user=request.user, pk=pk)
    require_edit_owner(request, partnership)
    initial = {"exchanged_on": today(), "kind": request.GET.get("kind") or None,
               "period_month": today().month if today().year == partnership.year else None}
    return _form_page(
        request, form_class=ExchangeForm, title=_("登记信息互通 · %(o)s") % {"o": partnership.external_org},
        back_url=_owner_url(partnership) + "#exchanges", initial=initial, success=_("信息互通已登记。"),
        save=lambda data: services.record_information_exchange(
            user=request.user, partnership=partnership, data={**data, "period_year": partnership.year},
            file=data.get("file")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def exchange_edit(request: HttpRequest, pk: int) -> HttpResponse:
    exchange: InformationExchange = selectors.get_or_404(selectors.exchanges_for(request.user), pk)
    require_edit_owner(request, exchange.partnership)
    back = _owner_url(exchange.partnership) + "#exchanges"
    if refused := refuse_if_locked(request, exchange.quarter.start, back):
        return refused
    initial = {f: getattr(exchange, f) for f in ("kind", "period_month", "exchanged_on", "content")}
    return _form_page(
        request, form_class=ExchangeForm, title=_("修改信息互通"), back_url=back, initial=initial,
        success=_("信息互通已保存。"), record=exchange,
        save=lambda data: services.record_information_exchange(
            user=request.user, exchange=exchange, data={**data, "period_year": exchange.partnership.year},
            file=data.get("file")),
    )


@login_or_token_required
def exchange_file(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = selectors.get_or_404(selectors.exchanges_for(request.user), pk)
    return attachment_response(exchange.file, _("信息互通附件-%(period)s") % {"period": exchange.period_label})
