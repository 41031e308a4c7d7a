"""The organisation tree page with search, and each branch's party groups and committee."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import forms, org_selectors, org_services
from branches.models import Branch, CommitteeMember, PartyGroup
from branches.views.common import form_page, org_admin_required


@org_admin_required
def org_tree(request):
    query = request.GET.get("q", "").strip()
    context = {"q": query, "results": org_selectors.tree_search(query=query) if query else None}
    if not query:
        context.update(org_selectors.org_tree())
    return render(request, "branches/console/tree.html", context)


def _branch_url(branch: Branch) -> str:
    return reverse("branches:branch_org", args=[branch.pk])


@org_admin_required
def branch_org(request, pk: int):
    branch = get_object_or_404(Branch.objects.select_related("unit", "secretary"), pk=pk)
    return render(request, "branches/console/branch_org.html", org_selectors.branch_organisation(branch=branch))


@org_admin_required
def party_group_edit(request, branch_id: int, pk: int | None = None):
    branch = get_object_or_404(Branch, pk=branch_id)
    group = get_object_or_404(PartyGroup, pk=pk, branch=branch) if pk else None
    initial = {}
    if group:
        initial = {"name": group.name, "leader": group.leader, "is_temporary": group.is_temporary,
                   "members": list(group.members.all())}
    form = forms.PartyGroupForm(request.POST or None, initial=initial, branch=branch)

    def save(data):
        org_services.save_party_group(group=group, branch=branch, name=data["name"], leader=data.get("leader"),
                                      is_temporary=data.get("is_temporary", False), members=list(data["members"]))

    return form_page(request, form=form, save=save, title=_("编辑党小组") if group else _("新增党小组"),
                     subtitle=branch.name, back_url=_branch_url(branch), success=_("党小组已保存。"), record=group)


@org_admin_required
@require_POST
def party_group_delete(request, branch_id: int, pk: int):
    group = get_object_or_404(PartyGroup, pk=pk, branch_id=branch_id)
    org_services.delete_party_group(group=group)
    messages.success(request, _("党小组已删除，其成员已移出。"))
    return redirect(_branch_url(group.branch))


@org_admin_required
def committee_edit(request, branch_id: int, pk: int | None = None):
    branch = get_object_or_404(Branch, pk=branch_id)
    cm = get_object_or_404(CommitteeMember, pk=pk, branch=branch) if pk else None
    initial = {"member": cm.member, "post": cm.post, "since": cm.since} if cm else {}
    form = forms.CommitteeMemberForm(request.POST or None, initial=initial, branch=branch)

    def save(data):
        org_services.save_committee_member(committee_member=cm, branch=branch, member=data["member"],
                                           post=data["post"], since=data.get("since"))

    return form_page(request, form=form, save=save, title=_("调整支委") if cm else _("新增支委"),
                     subtitle=branch.name, back_url=_branch_url(branch), success=_("支委已保存。"), record=cm)


@org_admin_required
@require_POST
def committee_delete(request, branch_id: int, pk: int):
    cm = get_object_or_404(CommitteeMember, pk=pk, branch_id=branch_id)
    branch = cm.branch
    org_services.delete_committee_member(committee_member=cm)
    messages.success(request, _("已免去该支委职务。"))
    return redirect(_branch_url(branch))
