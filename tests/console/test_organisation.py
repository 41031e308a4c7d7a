"""The organisation tree with search, and party groups and committee members kept in the console (pages and
Excel imports), each change in the record's history."""

import pytest
from django.urls import reverse

from branches.models import CommitteeMember, Member, PartyGroup
from tests.console.test_imports import sheet
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    return [MemberFactory(branch=world.grassroots, employee_no=f"E{n}", name=f"党员{n}") for n in range(1, 4)]


def test_tree_lists_units_and_branches_and_search_shows_the_path(world, client_for, people):
    client = client_for("org_admin")
    page = client.get(reverse("branches:org_tree")).content.decode()
    assert "综合管理部" in page and "曲堤管理区党支部" in page
    PartyGroup.objects.create(branch=world.grassroots, name="第一党小组")
    found = client.get(reverse("branches:org_tree"), {"q": "党员2"}).content.decode()
    assert "党员2（E2）" in found and "曲堤管理区党支部" in found
    group = client.get(reverse("branches:org_tree"), {"q": "第一党小组"}).content.decode()
    assert "第一党小组" in group and reverse("branches:branch_org", args=[world.grassroots.pk]) in group
    empty = client.get(reverse("branches:org_tree"), {"q": "不存在的名字"}).content.decode()
    assert "没有与“不存在的名字”匹配的组织或党员" in empty


@pytest.mark.parametrize("role", ["secretary", "department", "viewer", "inspector"])
def test_only_the_organisation_department_opens_the_tree(world, client_for, role):
    client = client_for(role)
    assert client.get(reverse("branches:org_tree")).status_code == 403
    assert client.get(reverse("branches:branch_org", args=[world.grassroots.pk])).status_code == 403
    response = client.post(reverse("branches:party_group_create", args=[world.grassroots.pk]), {"name": "x"})
    assert response.status_code == 403 and not PartyGroup.objects.exists()


def test_party_group_with_members_and_history(world, client_for, people):
    client = client_for("org_admin")
    url = reverse("branches:party_group_create", args=[world.grassroots.pk])
    response = client.post(url, {"name": "第一党小组", "leader": people[0].pk, "members": [people[1].pk]})
    assert response.status_code == 302
    group = PartyGroup.objects.get(name="第一党小组")
    assert set(group.members.all()) == {people[0], people[1]}, "the leader is a member too"
    page = client.get(reverse("branches:branch_org", args=[world.grassroots.pk])).content.decode()
    assert "第一党小组" in page and "党员3" in page  # 党员3 is in no group
    client.post(reverse("branches:party_group_edit", args=[world.grassroots.pk, group.pk]),
                {"name": "一组", "leader": people[0].pk, "members": [people[0].pk, people[2].pk]})
    group.refresh_from_db()
    assert group.name == "一组" and set(group.members.all()) == {people[0], people[2]}
    assert group.history.count() == 2
    assert Member.objects.get(pk=people[1].pk).history.filter(party_group_id=None).exists()
    history = client.get(reverse("record_history", kwargs={"app_label": "branches", "model_name": "partygroup",
                                                           "pk": group.pk}))
    assert history.status_code == 200 and "一组" in history.content.decode()


def test_party_group_refuses_a_member_of_another_branch_and_keeps_what_was_typed(world, client_for, people):
    outsider = MemberFactory(branch=world.office, name="外支部党员")
    client = client_for("org_admin")
    response = client.post(reverse("branches:party_group_create", args=[world.grassroots.pk]),
                           {"name": "第二党小组", "members": [outsider.pk]})
    assert response.status_code == 400 and not PartyGroup.objects.exists()
    assert 'value="第二党小组"' in response.content.decode()


def test_committee_member_added_changed_and_removed(world, client_for, people):
    client = client_for("org_admin")
    client.post(reverse("branches:committee_create", args=[world.grassroots.pk]),
                {"member": people[0].pk, "post": "organisation"})
    cm = CommitteeMember.objects.get()
    assert cm.get_post_display() == "组织委员"
    duplicate = client.post(reverse("branches:committee_create", args=[world.grassroots.pk]),
                            {"member": people[0].pk, "post": "publicity"})
    assert duplicate.status_code == 400 and "已是本支部支委" in duplicate.content.decode()
    client.post(reverse("branches:committee_edit", args=[world.grassroots.pk, cm.pk]),
                {"member": people[0].pk, "post": "discipline"})
    page = client.get(reverse("branches:branch_org", args=[world.grassroots.pk])).content.decode()
    assert "纪检委员" in page
    client.post(reverse("branches:committee_delete", args=[world.grassroots.pk, cm.pk]))
    assert not CommitteeMember.objects.exists()
    assert CommitteeMember.history.filter(id=cm.pk).count() == 3  # added, changed, removed


def test_party_group_import_is_all_or_nothing_then_assigns_members(world, client_for, people):
    client = client_for("org_admin")
    bad = sheet("party_groups", [
        ["G01", "第一党小组", "E1", "否", "E1、E2"],
        ["G01", "第二党小组", "", "", "E2 NOPE"],  # E2 already listed; NOPE unknown
    ])
    response = client.post(reverse("branches:import"), {"kind": "party_groups", "file": bad})
    assert response.status_code == 400 and not PartyGroup.objects.exists()
    reported = {(e.row, e.column) for e in response.context["result"].errors}
    assert reported == {(3, "成员员工编号")}
    good = sheet("party_groups", [["G01", "第一党小组", "E1", "否", "E1、E2"], ["G01", "项目临时党小组", "", "是", "E3"]])
    response = client.post(reverse("branches:import"), {"kind": "party_groups", "file": good})
    assert response.status_code == 200, response.context["result"].errors
    assert set(PartyGroup.objects.get(name="第一党小组").members.values_list("employee_no", flat=True)) == {"E1", "E2"}
    assert PartyGroup.objects.get(name="项目临时党小组").is_temporary


def test_committee_import(world, client_for, people):
    client = client_for("org_admin")
    bad = sheet("committee", [["G01", "E1", "组织委员", ""], ["O01", "E2", "宣传委员", ""]])
    response = client.post(reverse("branches:import"), {"kind": "committee", "file": bad})
    assert response.status_code == 400 and not CommitteeMember.objects.exists()
    assert any(e.row == 3 for e in response.context["result"].errors), "E2 is not a member of O01"
    good = sheet("committee", [["G01", "E1", "组织委员", "2024-03-01"], ["G01", "E2", "宣传委员", ""]])
    assert client.post(reverse("branches:import"), {"kind": "committee", "file": good}).status_code == 200
    assert CommitteeMember.objects.filter(branch=world.grassroots).count() == 2


def test_a_unit_with_many_branches_lists_the_first_and_links_to_the_rest(world, client_for, monkeypatch):
    from branches import org_selectors
    from tests.factories import BranchFactory

    for n in range(4):
        BranchFactory(unit=world.grassroots.unit, code=f"G1{n}", name=f"新管理区{n}党支部")
    tree = org_selectors.org_tree(per_unit=3)
    unit = next(u for u in tree["units"] if u.pk == world.grassroots.unit_id)
    assert unit.branch_count == 5 and len(unit.tree_branches) == 3 and unit.more_branches == 2
    monkeypatch.setattr(org_selectors, "TREE_BRANCHES_PER_UNIT", 3)
    client = client_for("org_admin")
    html = client.get(reverse("branches:org_tree")).content.decode()
    assert "还有 2 个党支部，查看全部" in html
    listed = client.get(reverse("branches:branch_list"), {"unit": world.grassroots.unit_id}).content.decode()
    assert "新管理区3党支部" in listed and "综合管理部党支部" not in listed


def test_the_tree_and_a_branch_page_take_the_same_queries_for_more_members(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import BranchFactory

    client = client_for("org_admin")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    tree, branch = reverse("branches:org_tree"), reverse("branches:branch_org", args=[world.grassroots.pk])
    before = (count(tree), count(branch))
    for n in range(10):
        BranchFactory(unit=world.grassroots.unit, code=f"G2{n}")
        MemberFactory(branch=world.grassroots, employee_no=f"Q{n}")
    PartyGroup.objects.create(branch=world.grassroots, name="二组")
    assert (count(tree), count(branch)) == before
