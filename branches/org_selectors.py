"""Reads of the organisation tree: company → units → branches → party groups → members, and its search."""

from __future__ import annotations

from django.db.models import Count, Q

from branches.models import Branch, CommitteeMember, Member, PartyGroup, Unit

TREE_SEARCH_LIMIT = 50
# A unit lists at most this many branches in the tree (the rest through the branch list of that unit), so the
# page stays small for an oilfield of thousands of branches.
TREE_BRANCHES_PER_UNIT = 100


def org_tree(*, per_unit: int | None = None) -> dict:
    """The root, its units in order with their first branches (and counts); members are opened branch by branch."""
    per_unit = per_unit or TREE_BRANCHES_PER_UNIT
    units = list(Unit.objects.order_by("sort_order", "code").annotate(branch_count=Count("branches")))
    root = next((u for u in units if u.kind == Unit.Kind.COMMITTEE), None)
    children = [u for u in units if u.kind != Unit.Kind.COMMITTEE]
    shown = [u.pk for u in children if u.branch_count <= per_unit]
    big = [u.pk for u in children if u.branch_count > per_unit]
    ids = list(Branch.objects.filter(unit_id__in=shown).values_list("pk", flat=True))
    for unit_id in big:
        ids += list(Branch.objects.filter(unit_id=unit_id).order_by("code").values_list("pk", flat=True)[:per_unit])
    branches = (Branch.objects.filter(pk__in=ids).order_by("code")
                .annotate(member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
                          group_count=Count("party_groups", distinct=True)))
    by_unit: dict[int, list[Branch]] = {}
    for b in branches:
        by_unit.setdefault(b.unit_id, []).append(b)
    for u in children:
        u.tree_branches = by_unit.get(u.pk, [])
        u.more_branches = u.branch_count - len(u.tree_branches)
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
