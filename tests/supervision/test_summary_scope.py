"""The supervision summary 督导概况: the whole company for the organisation department and the company
leaders; for an inspector, the rounds, visits, findings and rectifications of their own groups; 404 for
branches. The summary page and the supervision home page agree."""

import pytest
from django.urls import reverse

from branches.models import Role
from supervision import selectors, services
from supervision.models import Finding, Visit
from tests.factories import user_with_role

from .conftest import VISIT_DAY, shortcoming
from .test_pages import login, text

pytestmark = pytest.mark.django_db

SCOPE_NOTE = "仅统计您所在督导组的"


@pytest.fixture
def two_groups_at_work(world):
    """The first group: one visit with a shortcoming and a strength; the second: two visits, two shortcomings."""
    services.record_visit(group=world.group, branch=world.branch, date=VISIT_DAY, by=world.inspector, findings=[
        {"kind": Finding.Kind.SHORTCOMING, "title": "台账不全"}, {"kind": Finding.Kind.STRENGTH, "title": "长板"}])
    for title in ("甲", "乙"):
        shortcoming(world, group=world.other_group, branch=world.other_branch, title=title)
    return world


def test_an_inspector_sees_the_summary_of_their_own_groups(client, two_groups_at_work):
    world = two_groups_at_work
    response = login(client, world.inspector).get(reverse("supervision:summary") + "?year=2026")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["scoped"] is True
    assert summary["rounds"]["total"] == 1 and summary["visits"] == 1 and summary["branches_visited"] == 1
    assert summary["findings"] == {"shortcoming": 1, "strength": 1, "typical_experience": 0, "total": 2}
    assert summary["rectifications"]["total"] == 1
    assert SCOPE_NOTE in text(response)

    other = login(client, world.other_inspector).get(reverse("supervision:summary")).context["summary"]
    assert (other["visits"], other["rectifications"]["total"]) == (2, 2)


def test_the_organisation_department_and_leaders_see_everything(client, two_groups_at_work):
    world = two_groups_at_work
    viewer = user_with_role(Role.Kind.VIEWER, username="leader1")
    for user in (world.admin, viewer):
        response = login(client, user).get(reverse("supervision:summary"))
        summary = response.context["summary"]
        assert (summary["scoped"], summary["visits"], summary["rectifications"]["total"]) == (False, 3, 3)
        assert SCOPE_NOTE not in text(response)


def test_branches_do_not_get_the_summary(client, two_groups_at_work):
    world = two_groups_at_work
    login(client, world.secretary)
    assert client.get(reverse("supervision:summary")).status_code == 404
    assert "督导概况" not in text(client.get(reverse("supervision:home")))


def test_the_inspectors_home_shows_the_same_summary(client, two_groups_at_work):
    world = two_groups_at_work
    login(client, world.inspector)
    home = client.get(reverse("supervision:home"))
    page = client.get(reverse("supervision:summary"))
    assert home.context["summary"] == page.context["summary"]
    assert "督导概况" in text(home) and SCOPE_NOTE in text(home)


def test_an_inspector_without_a_group_sees_an_empty_summary(client, two_groups_at_work):
    lonely = user_with_role(Role.Kind.INSPECTOR, username="lonely")
    summary = login(client, lonely).get(reverse("supervision:summary")).context["summary"]
    assert (summary["rounds"]["total"], summary["visits"], summary["rectifications"]["total"]) == (0, 0, 0)


def test_the_demo_inspector_opens_the_summary_of_their_rounds(client):
    from supervision import demo

    from .test_selectors_demo import _org_like_demo

    _org_like_demo()
    demo.seed()
    inspector = Role.objects.get(kind=Role.Kind.INSPECTOR, user__username="inspector").user
    response = login(client, inspector).get(reverse("supervision:summary"))
    assert response.status_code == 200
    groups = selectors.groups_of(inspector)
    own_visits = Visit.objects.filter(group__in=groups).count()
    assert 0 < response.context["summary"]["visits"] == own_visits < Visit.objects.count()
