"""A quarter is compiled with its own scope: the branches that existed during it, and the ranking groups in
force for it; groups are edited on their page by the quarter they apply from, with their history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches import services as branch_services
from branches.models import Branch, Role
from branches.periods import Quarter
from scoring import groups, services
from scoring.models import RankingGroup
from tests.factories import UnitFactory, grassroots_branch, user_with_role
from tests.scoring.conftest import make_rubric

Q3, Q4 = Quarter(2026, 3), Quarter(2026, 4)
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(groups):
    make_rubric([{"code": "M1", "method": "manual"}])
    g1 = grassroots_branch(code="G01", name="曲堤管理区党支部")
    g2 = grassroots_branch(code="G02", name="滨南管理区党支部")
    published = services.compile_quarter(quarter=Q3, publish=True)
    return {"g1": g1, "g2": g2, "published": published, "groups": groups,
            "admin": user_with_role(Role.Kind.ORG_ADMIN)}


def ranks(snapshot):
    return sorted(snapshot.entries.values_list("branch_code", "group_name", "rank"))


def test_a_branch_set_up_in_december_is_not_in_a_recompile_of_q3(world):
    unit = UnitFactory(code="U99", name="新管理区")
    new = branch_services.save_branch(code="G99", name="十二月新建党支部", unit=unit)
    assert new.active_from is not None and new.active_from > Q3.end
    recompiled = services.compile_quarter(quarter=Q3)
    assert ranks(recompiled) == ranks(world["published"])
    assert services.compile_quarter(quarter=Q4).entries.filter(branch=new).exists()


def test_a_branch_closed_in_q4_still_counts_in_q3(world):
    branch = Branch.objects.get(pk=world["g2"].pk)
    branch.mark_active(False, today=datetime.date(2026, 10, 9))
    branch.save()
    assert services.compile_quarter(quarter=Q3).entries.filter(branch=branch).exists()
    branch.active_until = datetime.date(2026, 6, 30)
    branch.save()
    assert not services.compile_quarter(quarter=Q3).entries.filter(branch=branch).exists()


def test_groups_added_for_a_later_quarter_do_not_move_a_recompile(world):
    groups.copy_set(quarter=Q4, user=world["admin"])
    model = groups.save_group(group=RankingGroup(year=2026, valid_from=4), user=world["admin"], name="示范党支部组",
                              branch_kinds=[], sort_order=0, branches=[world["g1"]])
    assert ranks(services.compile_quarter(quarter=Q3)) == ranks(world["published"])
    q4 = services.compile_quarter(quarter=Q4)
    assert q4.entries.get(branch=world["g1"]).group_name == "示范党支部组"
    assert q4.entries.get(branch=world["g1"]).group_id == model.pk


def test_a_set_used_by_a_published_ranking_is_frozen_and_changes_are_kept(client, world):
    grassroots = world["groups"]["grassroots"]
    with pytest.raises(ValidationError, match="已用于已发布的排名"):
        groups.save_group(group=grassroots, user=world["admin"], name="改名")
    client.force_login(world["admin"])
    response = client.post(reverse("scoring:group_edit", args=[grassroots.pk]),
                           {"name": "改名", "sort_order": 1, "is_active": "on"})
    assert "已用于已发布的排名" in response.content.decode()
    grassroots.refresh_from_db()
    assert grassroots.name == "基层党支部组"

    assert client.post(reverse("scoring:group_set_create"), {"quarter": "2027Q1"}).status_code == 302
    copy = RankingGroup.objects.get(year=2027, valid_from=1, name="基层党支部组")
    response = client.post(reverse("scoring:group_edit", args=[copy.pk]), {
        "name": "基层组", "branch_kinds": ["grassroots"], "sort_order": 2, "is_active": "on",
        "branches": [world["g2"].pk]})
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.name == "基层组" and list(copy.branches.all()) == [world["g2"]]
    page = client.get(reverse("scoring:group_list")).content.decode()
    assert "自 2027Q1 起适用" in page and "基层组" in page and "已用于已发布排名，只读" in page
    assert copy.history.count() >= 2  # created, then renamed


def test_only_the_organisation_department_edits_groups(client, world):
    client.force_login(user_with_role(Role.Kind.SECRETARY, branch=world["g1"]))
    assert client.get(reverse("scoring:group_list")).status_code == 403
    assert client.post(reverse("scoring:group_set_create"), {"quarter": "2027Q1"}).status_code == 403
    assert not RankingGroup.objects.filter(year=2027).exists()
