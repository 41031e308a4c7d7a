"""Plan filing 备案: the system dates the filing at the first submission and keeps it through later edits;
the organisation department receives 受理 or returns 退回 it with a reason, and the owners are told."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches import filing, services
from branches.models import KeyWorkPlan, Notification, Unit
from pairing import services as pairing_services
from pairing.models import AnnualPlan
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_saving_the_department_plan_keeps_its_filing_date(client_for, world):
    client = client_for("department")
    url = reverse("branches:plan_save", args=[world.dept.pk]) + "?year=2026"
    response = client.post(url, {"title": "2026年重点工作（修订）", "filed_on": "", "version": world.plan.version})
    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.title == "2026年重点工作（修订）"
    assert world.plan.filed_on == datetime.date(2026, 2, 15)
    row = next(r for r in services_board(2026) if r.unit_id == world.dept.pk)
    assert row.status != "missing" and row.filed_on == datetime.date(2026, 2, 15)


def services_board(year):
    from branches.selectors import filing_board

    return filing_board(year=year)["rows"]


def test_the_first_submission_is_dated_by_the_system(client_for, world):
    unit = UnitFactory(kind=Unit.Kind.DEPARTMENT, code="D09", name="新设部门")
    plan = services.save_key_work_plan(unit=unit, year=2026, title="首次方案")
    assert plan.filed_on == timezone.localdate()
    assert plan.review_state == KeyWorkPlan.Review.SUBMITTED
    client = client_for("department")
    client.post(reverse("branches:plan_save", args=[world.dept.pk]) + "?year=2026",
                {"title": "改", "filed_on": "2026-01-01", "version": world.plan.version})
    world.plan.refresh_from_db()
    assert world.plan.filed_on == datetime.date(2026, 2, 15)  # a typed date is not taken


def test_org_department_receives_or_returns_with_a_reason_and_owners_are_told(client_for, world):
    client = client_for("org_admin")
    review = reverse("branches:filing_review")
    page = client.get(reverse("branches:filing") + "?year=2026").content.decode()
    assert 'data-review="submitted"' in page and 'value="receive"' in page
    response = client.post(review, {"year": 2026, "item": f"unit{world.dept.pk}", "action": "return", "reason": ""},
                           follow=True)
    assert "退回方案须填写退回理由" in response.content.decode()
    world.plan.refresh_from_db()
    assert world.plan.review_state == KeyWorkPlan.Review.SUBMITTED

    client.post(review, {"year": 2026, "item": f"unit{world.dept.pk}", "action": "return", "reason": "缺少月度目标"})
    world.plan.refresh_from_db()
    assert (world.plan.review_state, world.plan.return_reason) == ("returned", "缺少月度目标")
    note = Notification.objects.get(user=world.users["department"], kind="plan_returned")
    assert "缺少月度目标" in note.body
    page = client.get(reverse("branches:filing") + "?year=2026").content.decode()
    assert "缺少月度目标" in page

    # the department edits and submits again: the filing date stays, the plan awaits receipt again
    services.save_key_work_plan(plan=world.plan, unit=world.dept, year=2026, title="补充月度目标",
                                expected_version=world.plan.version)
    world.plan.refresh_from_db()
    assert world.plan.review_state == "submitted" and world.plan.filed_on == datetime.date(2026, 2, 15)
    filing.review_plan(year=2026, item_key=f"unit{world.dept.pk}", action="receive", user=world.users["org_admin"])
    world.plan.refresh_from_db()
    assert world.plan.review_state == "received" and world.plan.reviewed_by == world.users["org_admin"]
    assert Notification.objects.filter(user=world.users["department"], kind="plan_received").exists()


def test_a_returned_pair_plan_is_reminded_until_submitted_again(world):
    plan = AnnualPlan.objects.get(pair=world.pair)
    filing.review_plan(year=2026, item_key=f"pair{world.pair.pk}", action="return", user=world.users["org_admin"],
                       reason="重点项目不足3项")
    result = services.remind_missing_plans(year=2026, today=datetime.date(2026, 3, 2))
    assert result.items >= 1
    assert Notification.objects.filter(kind="plan_returned", title__contains="尚未重新提交").exists()
    plan.refresh_from_db()  # the owner opens the returned plan and revises it
    pairing_services.file_annual_plan(user=world.users["org_admin"], owner=world.pair, data={"goals": "补充项目"},
                                      expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.review_state == "submitted" and plan.filed_on == datetime.date(2026, 1, 20)


def test_only_the_organisation_department_reviews(client_for, world):
    client = client_for("department")
    response = client.post(reverse("branches:filing_review"),
                           {"year": 2026, "item": f"unit{world.dept.pk}", "action": "receive"})
    assert response.status_code == 403
    world.plan.refresh_from_db()
    assert world.plan.review_state == "submitted"
