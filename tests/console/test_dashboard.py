"""The dashboard: what is behind (furthest first, linking to the record), each mode's figures, a bounded
number of queries however large the organisation."""

import datetime

import pytest
from django.urls import reverse

from branches import selectors
from branches.freshness import empty_cache
from branches.periods import Quarter
from tests.console.conftest import TODAY, scaled_org
from tests.factories import ActivityFactory, PairFactory, grassroots_branch, office_branch, user_with_role

pytestmark = pytest.mark.django_db


def test_dashboard_figures_and_behind_list(world, client_for):
    further_behind = PairFactory(year=2026, lead_branch=office_branch(name="落后最多党支部"),
                                 grassroots=[grassroots_branch()])
    response = client_for("viewer").get(reverse("branches:dashboard") + "?quarter=2026Q3")
    assert response.status_code == 200
    ctx = response.context
    assert str(ctx["quarter"]) == "2026Q3"
    rows = {r["id"]: r for r in ctx["pair_rows"]}
    assert (rows[world.pair.pk]["done"], rows[world.pair.pk]["expected"]) == (1, 3)
    assert rows[world.pair.pk]["problems"] == 1 and rows[world.pair.pk]["tasks_overdue"] == 1
    behind_names = [b["name"] for b in ctx["behind"]]
    assert behind_names.index(str(further_behind)) < behind_names.index(str(world.pair)), "furthest behind first"
    first = ctx["behind"][0]
    assert first["name"] == f"{world.hr.name} — {world.partnership.external_org.name}", "0 of 6 is furthest behind"
    assert "共建活动 0/6 次（差 6 次）" in first["reasons"]
    row = next(b for b in ctx["behind"] if b["name"] == str(further_behind))
    assert "共建活动 0/3 次（差 3 次）" in row["reasons"] and "年度实施方案未备案" in row["reasons"]
    html = response.content.decode()
    assert 'id="dashboard-data"' in html and "echarts.min.js" in html and "js/dashboard.js" in html
    assert 'class="behind"' in html
    for chart in ("chart-pairs", "chart-partnerships", "chart-departments", "chart-months", "chart-kinds",
                  "chart-network"):
        assert f'id="{chart}"' in html
    assert ctx["totals"]["problems"] == 1
    assert ctx["chart_data"]["network"]["links"]


def test_behind_rows_link_to_the_records(world, client_for):
    response = client_for("org_admin").get(reverse("branches:dashboard") + "?quarter=2026Q4")
    links = {b["mode"]: b["link"] for b in response.context["behind"]}
    dept_row = next(r for r in response.context["department_rows"] if r["id"] == world.other_dept.pk)
    assert dept_row["link"] == reverse("branches:department_home") + f"?unit={world.other_dept.pk}&year=2026"
    assert any(links.values())


def test_a_bad_quarter_falls_back_with_a_message(world, client_for):
    response = client_for("org_admin").get(reverse("branches:dashboard") + "?quarter=2026Q9", follow=True)
    assert response.status_code == 200
    assert "季度格式应为" in response.content.decode() or "无效" in response.content.decode()


def test_empty_organisation_shows_empty_states(db):
    from django.test import Client

    client = Client()
    client.force_login(user_with_role("org_admin", username="lonely_admin"))
    html = client.get(reverse("branches:dashboard") + "?quarter=2026Q2").content.decode()
    assert "本年度没有共建对子" in html
    assert "本年度还没有活动" in html
    assert "没有滞后事项" in html
    assert 'id="chart-pairs"' not in html


def _count_dashboard_queries(client, django_assert_max_num_queries, bound):
    empty_cache()  # the page is cached for a few minutes: count the queries that compute it
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(reverse("branches:dashboard") + "?quarter=2026Q3")
    assert response.status_code == 200
    return len(captured.captured_queries), response


DASHBOARD_QUERY_BOUND = 40


def test_dashboard_queries_do_not_grow_with_the_organisation(db, client, django_assert_max_num_queries):
    client.force_login(user_with_role("org_admin", username="bound_admin"))
    scaled_org(scale=3)
    small, response = _count_dashboard_queries(client, django_assert_max_num_queries, DASHBOARD_QUERY_BOUND)
    assert len(response.context["pair_rows"]) == 3
    scaled_org(scale=27)
    large, response = _count_dashboard_queries(client, django_assert_max_num_queries, DASHBOARD_QUERY_BOUND)
    limits = response.context["limits"]
    assert limits["pairs"] == 30 and limits["departments"] == 30
    assert len(response.context["pair_rows"]) == min(30, limits["chart_rows"]), "the page shows a bounded part"
    assert large == small, f"{small} queries for 3 pairs but {large} for 30"


def test_reminder_job_queries_do_not_grow_with_the_organisation(db, django_assert_max_num_queries):
    from branches import services

    scaled_org(scale=3)
    with django_assert_max_num_queries(40) as small:
        services.send_reminders(today=datetime.date(2026, 11, 23))
    scaled_org(scale=27)
    with django_assert_max_num_queries(40) as large:
        services.send_reminders(today=datetime.date(2026, 11, 30))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_joint_activities_count_only_for_their_year(world, client_for):
    ActivityFactory(date=datetime.date(2026, 8, 1), pair=world.pair, owner_branch=world.office,
                    kind=world.pair.activities.first().kind)
    response = client_for("org_admin").get(reverse("branches:dashboard") + "?quarter=2026Q2")
    row = next(r for r in response.context["pair_rows"] if r["id"] == world.pair.pk)
    assert row["done"] == 1, "an August activity is not counted by the end of Q2"


def test_the_page_is_cached_for_a_few_minutes_and_says_when_it_was_computed(db, client,
                                                                              django_assert_max_num_queries):
    client.force_login(user_with_role("org_admin", username="cache_admin"))
    scaled_org(scale=3)
    first, response = _count_dashboard_queries(client, django_assert_max_num_queries, DASHBOARD_QUERY_BOUND)
    assert "数据更新于" in response.content.decode()
    scaled_org(scale=2)
    with django_assert_max_num_queries(DASHBOARD_QUERY_BOUND) as captured:
        response = client.get(reverse("branches:dashboard") + "?quarter=2026Q3")
    assert _pair_table_rows(response) == 3, "served from the cache: the new pairs show a few minutes later"
    assert len(captured.captured_queries) < first - 10, "the figures were not computed again"
    response = client.get(reverse("branches:dashboard") + "?quarter=2026Q2")
    assert len(response.context["pair_rows"]) == 5, "another quarter is computed on its own"
    assert _pair_table_rows(response) == 5


def _pair_table_rows(response) -> int:
    """Rows of the pairs' table under the first chart, as the reader sees them."""
    html = response.content.decode()
    table = html[html.index('id="chart-pairs"'):]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    return body.count("<tr")


def test_large_organisations_show_the_rows_furthest_behind_and_a_bounded_network(db, client, monkeypatch):
    from branches import selectors
    from pairing.models import ActivityKind

    monkeypatch.setattr(selectors, "DASHBOARD_ROWS", 4)
    monkeypatch.setattr(selectors, "DASHBOARD_CHART_ROWS", 4)
    monkeypatch.setattr(selectors, "DASHBOARD_NETWORK_NODES", 6)
    client.force_login(user_with_role("org_admin", username="bounded_admin"))
    scaled_org(scale=6)
    ahead = PairFactory(year=2026, lead_branch=office_branch(name="进度领先党支部"), grassroots=[grassroots_branch()])
    for month in (2, 5, 8, 9):
        ActivityFactory(date=datetime.date(2026, month, 3), pair=ahead, owner_branch=ahead.lead_branch,
                        kind=ActivityKind.objects.get(code="scaled_kind"))
    response = client.get(reverse("branches:dashboard") + "?quarter=2026Q3")
    ctx, html = response.context, response.content.decode()
    assert len(ctx["pair_rows"]) == 4 and ctx["limits"]["pairs"] == 7
    assert str(ahead) not in [r["name"] for r in ctx["pair_rows"]], "the pairs furthest behind come first"
    assert len(ctx["behind"]) == 4 and ctx["limits"]["behind"] > 4
    assert "只显示滞后程度最大的 4 项" in html and "all=1" in html
    assert len(ctx["network"]["nodes"]) <= 6
    assert all(link["behind"] for link in ctx["network"]["links"])
    assert 'id="network-limit"' in html
    assert len(ctx["chart_data"]["pairs"]) == 4

    response = client.get(reverse("branches:dashboard") + "?quarter=2026Q3&all=1")
    assert len(response.context["pair_rows"]) == 7
    assert str(ahead) in response.content.decode()
    assert len(response.context["network_rows"]) == 7 + 6
    html = response.content.decode()
    assert "只显示滞后程度最大的 4 项，共" not in html and 'id="network-limit"' not in html
    assert "只显示滞后程度最大的 4 项滞后事项" in html, "a link back to the bounded page"


def test_chart_labels_tell_partnerships_and_pairs_apart(world):
    from tests.factories import PartnershipFactory

    PartnershipFactory(year=world.year, branch=world.hr)
    data = selectors.dashboard_chart_data(selectors.dashboard_data(quarter=Quarter(2026, 4), today=TODAY))
    labels = [p["label"] for p in data["partnerships"]]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert not any(label.startswith("人力资源服务中心") for label in labels)
    assert data["pairs"][0]["label"] == "综合管理部—曲堤管理区"
