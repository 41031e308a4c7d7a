"""What the branch owes: pace of joint activities, plan filing, tasks, problems, exchanges, duty targets,
rectifications -- and a bounded number of queries however large the organisation."""

import datetime

import pytest
from django.urls import reverse

from branches.freshness import empty_cache
from branches.models import MonthlyTarget, YearSettings
from pairing import selectors
from pairing.models import InformationExchange
from tests.factories import (
    ActivityFactory,
    AnnualPlanFactory,
    KeyProjectFactory,
    KeyWorkPlanFactory,
    KeyWorkTaskFactory,
    MemberFactory,
    MonthlyTargetFactory,
    PairFactory,
    ProblemFactory,
    ProjectTaskFactory,
    grassroots_branch,
    office_branch,
)
from tests.workspace.pages import home_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def august(world):
    return datetime.date(world.pair.year, 8, 15)


def test_pair_pace_plan_tasks_and_problems(world, august, kind):
    year = world.pair.year
    ActivityFactory(pair=world.pair, owner_branch=world.grassroots, kind=kind, date=datetime.date(year, 5, 10))
    ActivityFactory(pair=world.pair, owner_branch=world.lead, kind=kind, date=datetime.date(year, 7, 10))
    AnnualPlanFactory(pair=world.pair, year=year, filed_on=datetime.date(year, 2, 10))
    ProjectTaskFactory(project=world.project, title="逾期任务", due_date=datetime.date(year, 6, 30))
    ob = selectors.branch_obligations(branch=world.grassroots, year=year, today=august)
    item = ob["pairs"][0]
    assert item["partners"] == [world.lead]
    wanted = {"done": 2, "minimum": 4, "expected": 3, "behind": True, "shortfall": 1, "in_quarter": 1}
    assert {k: item["activities"][k] for k in wanted} == wanted
    assert item["plan"]["state"] == "late"
    assert item["open_task_count"] == 2 and item["overdue_task_count"] == 1
    assert [p.title for p in item["open_problems"]] == ["夜间巡检人手不足"]
    assert ob["behind_count"] >= 2


def test_plan_states(world, august):
    year = world.pair.year
    YearSettings.objects.create(year=year, plan_deadline=datetime.date(year, 3, 1))
    assert selectors.branch_obligations(branch=world.grassroots, year=year, today=datetime.date(year, 2, 1))[
        "pairs"][0]["plan"]["state"] == "pending"
    assert selectors.branch_obligations(branch=world.grassroots, year=year, today=august)[
        "pairs"][0]["plan"]["state"] == "missing"
    AnnualPlanFactory(pair=world.pair, year=year, filed_on=datetime.date(year, 2, 20))
    assert selectors.branch_obligations(branch=world.grassroots, year=year, today=august)[
        "pairs"][0]["plan"]["state"] == "on_time"


def test_partnership_exchanges_due_this_quarter(world, august):
    year = world.partnership.year
    InformationExchange.objects.create(partnership=world.partnership, kind="thinking", period_year=year,
                                       period_month=7, exchanged_on=datetime.date(year, 7, 5), content="稳定")
    ob = selectors.branch_obligations(branch=world.hr, year=year, today=august)
    item = ob["partnerships"][0]
    assert [k["kind"] for k in item["exchanges_missing"]] == ["assessment", "attendance"]
    assert item["exchanges_missed_earlier"] == 6 and item["exchanges_behind"]
    assert item["activities"]["minimum"] == 8 and item["activities"]["expected"] == 6
    assert ob["pairs"] == []


def test_office_branch_sees_its_departments_targets_behind(world, august):
    plan = KeyWorkPlanFactory(unit=world.lead.unit, year=world.pair.year)
    task = KeyWorkTaskFactory(plan=plan, title="制度修订")
    MonthlyTargetFactory(task=task, month=3, status=MonthlyTarget.Status.DONE)
    MonthlyTargetFactory(task=task, month=5)  # still pending after its month: overdue
    MonthlyTargetFactory(task=task, month=7, status=MonthlyTarget.Status.BEHIND, note="人手不足")
    MonthlyTargetFactory(task=task, month=11)  # not due yet
    duty = selectors.branch_obligations(branch=world.lead, year=world.pair.year, today=august)["duty"]
    assert [t.month for t in duty["overdue"]] == [5] and [t.month for t in duty["behind"]] == [7]
    assert (duty["done"], duty["total"]) == (1, 4)
    assert selectors.branch_obligations(branch=world.grassroots, year=world.pair.year, today=august)["duty"] is None


def test_open_rectifications_are_listed(world, today):
    supervision = pytest.importorskip("supervision.models")
    supervision.Rectification.objects.create(branch=world.grassroots, title="台账不全", deadline=today)
    supervision.Rectification.objects.create(branch=world.other, title="别家的", deadline=today)
    rectifications = selectors.branch_obligations(branch=world.grassroots, year=today.year, today=today)[
        "rectifications"]
    assert [r.title for r in rectifications] == ["台账不全"]


def _grow(world, today, kind, factor: int):
    """More pairs, activities, tasks, problems and members, `factor` times over."""
    for _ in range(factor):
        other = PairFactory(year=today.year, lead_branch=office_branch(), grassroots=[grassroots_branch()])
        ActivityFactory(pair=other, owner_branch=other.lead_branch, kind=kind, date=today)
        project = KeyProjectFactory(pair=other)
        ProjectTaskFactory(project=project)
        ActivityFactory(pair=world.pair, owner_branch=world.grassroots, kind=kind, date=today)
        MemberFactory(branch=world.grassroots)
        ProblemFactory(pair=world.pair, raised_by=world.lead, raised_on=today)
        ProjectTaskFactory(project=world.project, due_date=datetime.date(today.year, 1, 2))
        InformationExchange.objects.get_or_create(
            partnership=world.partnership, kind="assessment", period_year=today.year, period_month=1 + _ % 12,
            defaults={"exchanged_on": today, "content": "x"})
    AnnualPlanFactory(pair=world.pair, year=today.year)


@pytest.mark.parametrize("factor", [1, 10])
def test_obligations_take_a_bounded_number_of_queries(world, today, kind, factor, django_assert_max_num_queries):
    _grow(world, today, kind, factor)
    for branch in (world.grassroots, world.lead, world.hr):
        with django_assert_max_num_queries(12):
            selectors.branch_obligations(branch=branch, year=today.year, today=today)


@pytest.mark.parametrize("factor", [1, 10])
def test_home_takes_a_bounded_number_of_queries(client, world, today, kind, factor, django_assert_max_num_queries):
    _grow(world, today, kind, factor)
    client.force_login(world.users.secretary)
    client.get(reverse("pairing:home"))  # warm the session
    empty_cache()  # count a request that computes the page
    with django_assert_max_num_queries(20):
        response = client.get(reverse("pairing:home"))
    assert response.status_code == 200
    assert home_figures(response)["pace"] == [factor]
    with django_assert_max_num_queries(4):  # session, user, branch, the branch switcher's: the rest is cached
        assert home_figures(client.get(reverse("pairing:home")))["pace"] == [factor]


def test_home_marks_what_is_behind(client, world, today):
    client.force_login(world.users.secretary)
    html = client.get(reverse("pairing:home")).content.decode()
    assert "滞后" in html and 'class="card mb-3 behind"' in html
    assert world.pair.name in html and "登记活动" in html


def test_viewer_reads_a_branch_home_without_the_log_button(client, world):
    client.force_login(world.users.viewer)
    response = client.get(reverse("pairing:home") + f"?branch={world.grassroots.pk}")
    assert response.status_code == 200 and response.context["branch"] == world.grassroots
    assert reverse("pairing:activity_create") not in response.content.decode()
