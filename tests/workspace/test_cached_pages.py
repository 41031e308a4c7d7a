"""The branch home is cached (branches/freshness.py) and must never show a record's old state: every kind
of write behind the page drops the cached copy at once, while writes of other branches leave it alone."""

from __future__ import annotations

import datetime
import socket

import pytest
from django.test import override_settings
from django.urls import reverse

from branches.freshness import empty_cache
from branches.models import Notification, Role
from branches.services import mark_all_read
from pairing import services
from pairing.models import AnnualPlan
from supervision.models import Rectification
from tests.factories import ActivityFactory, office_branch
from tests.workspace.pages import home_figures

pytestmark = pytest.mark.django_db

HOME = reverse("pairing:home")
# Requests served from the cache: session, user, the branch of the page; nothing of what the page shows.
CACHED_QUERIES = 4


def _cached_home(client, django_assert_max_num_queries) -> str:
    client.get(HOME)
    with django_assert_max_num_queries(CACHED_QUERIES):
        response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_visit_is_served_from_the_cache(client, world, django_assert_max_num_queries):
    client.force_login(world.users.secretary)
    html = _cached_home(client, django_assert_max_num_queries)
    assert world.pair.name in html and "最近活动" in html
    assert home_figures(client)["pace"] == [0]


def test_an_activity_logged_by_the_partner_branch_moves_this_branchs_count(
        client, world, today, django_assert_max_num_queries):
    client.force_login(world.users.secretary)
    _cached_home(client, django_assert_max_num_queries)
    services.log_activity(user=world.users.office_secretary, branch=world.lead, data={
        "date": today, "kind": world.kind, "title": "机关支部登记的联学", "branches": [world.grassroots]})
    assert home_figures(client)["pace"] == [1]
    assert "机关支部登记的联学" in client.get(HOME).content.decode()


def test_an_activity_of_another_branch_leaves_the_cached_page_alone(
        client, world, today, django_assert_max_num_queries):
    client.force_login(world.users.secretary)
    _cached_home(client, django_assert_max_num_queries)
    ActivityFactory(owner_branch=world.other, date=today, kind=world.kind, pair=world.other_pair, title="别家的")
    with django_assert_max_num_queries(CACHED_QUERIES):
        assert home_figures(client)["pace"] == [0]


def test_deleting_an_activity_moves_the_count_back(client, world, today, django_assert_max_num_queries):
    activity = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "要删的活动", "branches": [world.lead]})
    client.force_login(world.users.secretary)
    _cached_home(client, django_assert_max_num_queries)
    assert home_figures(client)["pace"] == [1]
    activity.delete()
    assert home_figures(client)["pace"] == [0]


def test_filing_the_annual_plan_shows_at_once(client, world, today, django_assert_max_num_queries):
    client.force_login(world.users.secretary)
    html = _cached_home(client, django_assert_max_num_queries)
    assert "去备案" in html
    AnnualPlan.objects.create(pair=world.pair, year=today.year, goals="联学联建",
                              filed_on=today, filed_by=world.users.secretary)
    assert "去备案" not in client.get(HOME).content.decode()


def test_a_task_done_and_a_problem_solved_show_at_once(client, world, today, django_assert_max_num_queries):
    world.task.due_date = today - datetime.timedelta(days=3)
    world.task.save()
    client.force_login(world.users.secretary)
    html = _cached_home(client, django_assert_max_num_queries)
    assert "编写巡检手册" in html and "待解决难题 1 项" in html
    world.task.status = world.task.Status.DONE
    world.task.save()
    world.problem.status = world.problem.Status.SOLVED
    world.problem.save()
    html = client.get(HOME).content.decode()
    assert "编写巡检手册" not in html and "待解决难题 0 项" in html


def test_a_new_rectification_for_the_branch_shows_at_once(client, world, today, django_assert_max_num_queries):
    client.force_login(world.users.secretary)
    _cached_home(client, django_assert_max_num_queries)
    Rectification.objects.create(branch=world.grassroots, title="台账不全限期整改",
                                 deadline=today + datetime.timedelta(days=10))
    assert "台账不全限期整改" in client.get(HOME).content.decode()


def test_renaming_a_partner_branch_shows_on_every_cached_home(client, world, django_assert_max_num_queries):
    client.force_login(world.users.secretary)
    _cached_home(client, django_assert_max_num_queries)
    world.lead.name = "综合管理部（改名）党支部"
    world.lead.save()
    assert "综合管理部（改名）党支部" in client.get(HOME).content.decode()


def test_a_role_given_takes_effect_on_the_next_request(client, world):
    client.force_login(world.users.secretary)
    assert client.get(reverse("branches:console")).status_code in (403, 404)
    Role.objects.create(user=world.users.secretary, kind=Role.Kind.ORG_ADMIN)
    assert client.get(reverse("branches:console")).status_code == 200


def test_the_unread_count_follows_new_and_read_notifications(client, world):
    client.force_login(world.users.secretary)
    client.get(HOME)
    Notification.objects.create(user=world.users.secretary, kind="plan", key="k1", title="请备案年度方案", body="")
    assert client.get(HOME).context["unread_notifications"] == 1
    mark_all_read(user=world.users.secretary)
    assert client.get(HOME).context["unread_notifications"] == 0


def test_the_language_has_its_own_cached_page(client, world, django_assert_max_num_queries):
    client.force_login(world.users.secretary)
    _cached_home(client, django_assert_max_num_queries)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(HOME).content.decode()
    assert "Recent activities" in html or "This quarter" in html or "Log an activity" in html
    assert "最近活动" not in html


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_the_cache_server_down_pages_are_computed_not_broken(client, world, today):
    dead = {"default": {"BACKEND": "django_redis.cache.RedisCache",
                        "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
                        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2}}}
    with override_settings(CACHES=dead):
        client.force_login(world.users.secretary)
        assert home_figures(client)["pace"] == [0]
        services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
            "date": today, "kind": world.kind, "title": "缓存停机时的活动", "branches": [world.lead]})
        assert home_figures(client)["pace"] == [1]
    empty_cache()


def test_a_pair_given_to_another_lead_branch_leaves_the_old_leads_home(
        client, world, django_assert_max_num_queries):
    new_lead = office_branch(code="O09", name="新牵头部门党支部")  # before the page is cached: a new branch
    client.force_login(world.users.office_secretary)            # drops every cached page
    html = _cached_home(client, django_assert_max_num_queries)
    assert world.pair.name in html
    world.pair.lead_branch = new_lead
    world.pair.save()
    assert world.pair.name not in client.get(HOME).content.decode()


def test_a_role_moved_to_another_user_is_lost_by_the_first_at_once(client, world):
    client.force_login(world.users.org_admin)
    assert client.get(reverse("branches:console")).status_code == 200
    role = Role.objects.get(user=world.users.org_admin, kind=Role.Kind.ORG_ADMIN)
    role.user = world.users.viewer
    role.save()
    assert client.get(reverse("branches:console")).status_code in (403, 404)
