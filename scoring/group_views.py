"""Pages of the organisation department for ranking groups: the sets by the quarter they apply from, their
history, a new set from a quarter (a copy of the set in force), and each group's edit (scoring.groups)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.forms import apply_errors
from branches.periods import Quarter
from scoring import groups
from scoring.forms import RankingGroupForm
from scoring.models import RankingGroup
from scoring.views import org_admin_required


@org_admin_required
def group_list(request: HttpRequest) -> HttpResponse:
    current = Quarter.current()
    return render(request, "scoring/groups.html", {
        "sets": groups.group_sets(), "next_quarter": current, "in_force": groups.set_in_force(current),
        "history": RankingGroup.history.select_related("history_user").order_by("-history_date")[:50]})


@require_POST
@org_admin_required
def group_set_create(request: HttpRequest) -> HttpResponse:
    try:
        quarter = Quarter.parse(request.POST.get("quarter", ""))
        created = groups.copy_set(quarter=quarter, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已建立 %(quarter)s 起适用的排名分组（%(n)s 个，复制自当时适用的分组）。") % {
            "quarter": quarter, "n": len(created)})
    return redirect(reverse("scoring:group_list"))


@org_admin_required
def group_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    group = get_object_or_404(RankingGroup, pk=pk) if pk else None
    if group is None:
        try:
            quarter = Quarter.parse(request.GET.get("quarter") or request.POST.get("quarter") or "")
        except ValidationError:
            raise Http404
        group = RankingGroup(year=quarter.year, valid_from=quarter.number)
    frozen = bool(group.pk) and groups.is_frozen(group)
    form = RankingGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and not frozen and form.is_valid():
        data = dict(form.cleaned_data)
        branches = data.pop("branches")
        data["branch_kinds"] = list(data.get("branch_kinds") or [])
        try:
            groups.save_group(group=group, user=request.user, branches=branches, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("排名分组已保存。"))
            return redirect(reverse("scoring:group_list"))
    return render(request, "scoring/group_form.html", {"form": form, "group": group, "frozen": frozen},
                  status=400 if request.method == "POST" else 200)


@require_POST
@org_admin_required
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(RankingGroup, pk=pk)
    try:
        groups.delete_group(group=group, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已删除排名分组“%(name)s”。") % {"name": group.name})
    return redirect(reverse("scoring:group_list"))
