"""Reads of the organisation tree: company → units → branches → party groups → members, and its search."""

from __future__ import annotations

from django.db.models import Count, Q

from branches.models import Branch, CommitteeMember, Member, PartyGroup, Unit

TREE_SEARCH_LIMIT = 50


def org_tree() -> dict:
    """The root, its units in order with their branches (and counts); members are opened branch by branch."""
    units = list(Unit.objects.order_by("sort_order", "code"))
    branches = (Branch.objects.order_by("code")
                .annotate(member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
                          group_count=Count("party_groups", distinct=True)))
    by_unit: dict[int, list[Branch]] = {}
    for b in branches:
        by_unit.setdefault(b.unit_id, []).append(b)
    root = next((u for u in units if u.kind == Unit.Kind.COMMITTEE), None)
    children = [u for u in units if u.kind != Unit.Kind.COMMITTEE]
    for u in children:
        u.tree_branches = by_unit.get(u.pk, [])
    return {"root": root, "units": children}


def branch_organisation(*, branch: Branch) -> dict:
    """One branch's committee, its party groups with their members, and the members in no group."""
    members = list(Member.objects.filter(branch=branch, is_active=True).select_related("party_group", "outside_org")
                   .order_by("employee_no"))
    groups = list(PartyGroup.objects.filter(branch=branch).select_related("leader").order_by("name"))
    by_group: dict[int, list[Member]] = {}
    ungrouped = []
    for m in members:
        if m.party_group_id:
            by_group.setdefault(m.party_group_id, []).append(m)
        else:
            ungrouped.append(m)
    for g in groups:
        g.member_list = by_group.get(g.pk, [])
    committee = list(CommitteeMember.objects.filter(branch=branch).select_related("member").order_by("post", "id"))
    post_order = {v: n for n, v in enumerate(CommitteeMember.Post.values)}
    committee.sort(key=lambda c: (post_order.get(c.post, 99), c.member.employee_no))
    return {"branch": branch, "groups": groups, "ungrouped": ungrouped, "committee": committee,
            "member_count": len(members)}


def tree_search(*, query: str, limit: int = TREE_SEARCH_LIMIT) -> list[dict]:
    """Units, branches, party groups and members whose name (or code, employee number) matches, each with its
    path from the company down, at most `limit` of each kind."""
    query = query.strip()
    if not query:
        return []
    results: list[dict] = []
    for u in Unit.objects.filter(Q(name__icontains=query) | Q(code__icontains=query)).order_by("sort_order", "code")[:limit]:
        results.append({"kind": "unit", "name": u.name, "path": [], "unit": u})
    for b in (Branch.objects.filter(Q(name__icontains=query) | Q(code__icontains=query))
              .select_related("unit").order_by("code")[:limit]):
        results.append({"kind": "branch", "name": b.name, "path": [b.unit.name], "branch": b})
    for g in (PartyGroup.objects.filter(name__icontains=query).select_related("branch__unit")
              .order_by("branch__code", "name")[:limit]):
        results.append({"kind": "group", "name": g.name, "path": [g.branch.unit.name, g.branch.name], "branch": g.branch})
    for m in (Member.objects.filter(Q(name__icontains=query) | Q(employee_no__icontains=query))
              .select_related("branch__unit", "party_group").order_by("employee_no")[:limit]):
        path = [m.branch.unit.name, m.branch.name] + ([m.party_group.name] if m.party_group_id else [])
        results.append({"kind": "member", "name": f"{m.name}（{m.employee_no}）", "path": path, "branch": m.branch,
                        "member": m})
    return results
