"""The HR service center's secretary sees the branch's members working away by outside unit, and the scattered
ones (fewer than 5 in a unit) with where they study: centrally in Dongying or online."""

import pytest
from django.urls import reverse

from branches.models import Member, Role
from tests.factories import (
    ExternalOrganizationFactory,
    MemberFactory,
    PartnershipFactory,
    hr_branch,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr():
    branch = hr_branch(code="H01", name="人力资源服务中心党支部")
    partnered = PartnershipFactory(year=2026, branch=branch, external_org=ExternalOrganizationFactory(name="济北管理区党委"))
    small = ExternalOrganizationFactory(name="大明项目党支部")
    MemberFactory(branch=branch, name="张集中", status=Member.Status.WORKING_AWAY, outside_org=small,
                  place=Member.Place.DONGYING)
    MemberFactory(branch=branch, name="李网络", status=Member.Status.WORKING_AWAY, outside_org=small,
                  place=Member.Place.ELSEWHERE, place_detail="新疆")
    MemberFactory(branch=branch, name="王在岗")
    return branch, partnered


def test_the_secretary_sees_units_and_the_scattered_with_where_they_study(client, hr):
    branch, partnered = hr
    client.force_login(user_with_role(Role.Kind.SECRETARY, branch=branch, username="sec_hr"))
    home = client.get(reverse("pairing:home")).content.decode()
    assert reverse("pairing:members_away") in home
    response = client.get(reverse("pairing:members_away"))
    html = response.content.decode()
    units = response.context["units"]
    assert [(u["org"].name, u["count"], bool(u["partnership_id"])) for u in units] == [
        ("济北管理区党委", 5, True), ("大明项目党支部", 2, False)]
    scattered = {m.name: m.study for m in response.context["scattered"]}
    assert scattered == {"张集中": "central", "李网络": "online"}
    assert "集中学习（东营）" in html and "网络学习" in html and "王在岗" not in html
    assert "集中 1 · 网络 1" in html


def test_another_branch_or_an_inspector_cannot_open_them(client, hr):
    branch, _ = hr
    other = hr_branch(code="H02", name="另一个支部")
    client.force_login(user_with_role(Role.Kind.SECRETARY, branch=other, username="sec_other"))
    assert client.get(reverse("pairing:members_away"), {"branch": branch.pk}).status_code == 404
    client.force_login(user_with_role(Role.Kind.VIEWER, username="viewer_x"))
    assert client.get(reverse("pairing:members_away"), {"branch": branch.pk}).status_code == 403
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN, username="admin_x"))
    assert client.get(reverse("pairing:members_away"), {"branch": branch.pk}).status_code == 200
