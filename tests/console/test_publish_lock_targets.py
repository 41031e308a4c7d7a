"""Department monthly targets are scored records of their month's quarter (the share of targets done):
once that quarter's ranking is published they are read-only through the service, the pages and the API,
with the workspace's Chinese message. Other quarters stay open."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from branches import services
from branches.models import Branch, MonthlyTarget
from branches.periods import Quarter

pytestmark = pytest.mark.django_db

MESSAGE = "2026Q1 的党建提质杯排名已发布，该季度的记录已锁定为只读。"


@pytest.fixture
def published_q1(world):
    """2026Q1 compiled and published through the scoring services (today is 2026-11-21: the quarter has ended)."""
    from scoring import services as scoring_services
    from scoring.models import RankingGroup
    from tests.scoring.conftest import make_rubric

    RankingGroup.objects.create(name="全部党支部", branch_kinds=list(Branch.Kind.values))
    make_rubric([{"code": "DT1", "name": "月度目标完成率", "method": "ratio", "source": "duty_targets_met",
                  "max_points": 10, "mode": "party_business"}])
    snapshot = scoring_services.compile_quarter(quarter=Quarter(2026, 1))
    scoring_services.publish_snapshot(snapshot=snapshot, user=world.users["org_admin"], confirm_unscored=True)
    return snapshot


def api(world, role: str = "department") -> APIClient:
    client = APIClient()
    client.force_authenticate(world.users[role])
    return client


# --- the service ---------------------------------------------------------------------------------


def test_targets_of_the_published_quarter_cannot_be_added_changed_or_marked(world, published_q1):
    user = world.users["department"]
    with pytest.raises(ValidationError) as new:
        services.save_monthly_target(task=world.task, month=2, text="补录二月目标", user=user)
    assert new.value.message_dict == {"month": [MESSAGE]}
    with pytest.raises(ValidationError, match="已锁定为只读"):
        services.save_monthly_target(target=world.target, task=world.task, month=3, text="改写三月目标", user=user)
    with pytest.raises(ValidationError, match="已锁定为只读"):
        services.update_target_status(target=world.target, status=MonthlyTarget.Status.DONE, user=user)
    world.target.refresh_from_db()
    assert (world.target.target, world.target.status) == ("完成三月目标", MonthlyTarget.Status.PENDING)
    assert not MonthlyTarget.objects.filter(task=world.task, month=2).exists()


def test_a_target_cannot_be_moved_into_or_out_of_the_published_quarter(world, published_q1):
    user = world.users["department"]
    april = services.save_monthly_target(task=world.task, month=4, text="四月目标", user=user)
    with pytest.raises(ValidationError, match="已锁定为只读"):
        services.save_monthly_target(target=april, task=world.task, month=1, text="四月目标", user=user)
    with pytest.raises(ValidationError, match="已锁定为只读"):
        services.save_monthly_target(target=world.target, task=world.task, month=5, text="完成三月目标", user=user)
    assert MonthlyTarget.objects.get(pk=april.pk).month == 4
    assert MonthlyTarget.objects.get(pk=world.target.pk).month == 3


def test_months_of_other_quarters_stay_open(world, published_q1):
    user = world.users["department"]
    april = services.save_monthly_target(task=world.task, month=4, text="四月目标", user=user)
    services.update_target_status(target=april, status=MonthlyTarget.Status.BEHIND, note="人员调整", user=user)
    services.save_monthly_target(target=april, task=world.task, month=6, text="六月目标", user=user)
    april.refresh_from_db()
    assert (april.month, april.target, april.status) == (6, "六月目标", MonthlyTarget.Status.BEHIND)


def test_before_publishing_the_quarter_is_open(world):
    services.update_target_status(target=world.target, status=MonthlyTarget.Status.DONE,
                                  user=world.users["department"])
    world.target.refresh_from_db()
    assert world.target.status == MonthlyTarget.Status.DONE


# --- the department page -------------------------------------------------------------------------


def test_adding_a_target_in_the_published_quarter_keeps_what_was_typed(world, client_for, published_q1):
    client = client_for("department")
    response = client.post(reverse("branches:target_create", args=[world.task.pk]),
                           {"month": "2", "target": "补录二月目标"})
    assert response.status_code == 400
    html = response.content.decode()
    assert MESSAGE in html
    assert 'value="补录二月目标"' in html and 'name="month" value="2"' in html
    assert f'id="target-error-{world.task.pk}"' in html
    assert not MonthlyTarget.objects.filter(task=world.task, month=2).exists()


def test_adding_a_target_in_an_open_month_still_works(world, client_for, published_q1):
    client = client_for("department")
    response = client.post(reverse("branches:target_create", args=[world.task.pk]),
                           {"month": "4", "target": "四月目标"})
    assert response.status_code == 302
    assert MonthlyTarget.objects.get(task=world.task, month=4).target == "四月目标"


def test_the_month_of_a_published_quarter_shows_the_lock_and_no_status_form(world, client_for, published_q1):
    client = client_for("department")
    locked = client.get(reverse("branches:department_home") + "?year=2026&month=3").content.decode()
    assert MESSAGE in locked and "完成三月目标" in locked
    assert reverse("branches:target_status", args=[world.target.pk]) not in locked
    services.save_monthly_target(task=world.task, month=4, text="四月目标", user=world.users["department"])
    open_month = client.get(reverse("branches:department_home") + "?year=2026&month=4").content.decode()
    assert MESSAGE not in open_month and 'name="status"' in open_month


def test_marking_a_locked_target_is_refused_inline_and_without_htmx(world, client_for, published_q1):
    client = client_for("department")
    url = reverse("branches:target_status", args=[world.target.pk])
    inline = client.post(url, {"status": "done", "note": "已完成"}, HTTP_HX_REQUEST="true")
    html = inline.content.decode()
    assert html.strip().startswith(f'<tr id="target-{world.target.pk}"') and MESSAGE in html
    assert "已保存" not in html
    page = client.post(url, {"status": "overdue", "note": "补记逾期"}, follow=True)
    assert MESSAGE in page.content.decode()
    world.target.refresh_from_db()
    assert (world.target.status, world.target.note) == (MonthlyTarget.Status.PENDING, "")


# --- the API -------------------------------------------------------------------------------------


def test_the_api_answers_400_with_the_message(world, published_q1):
    client = api(world)
    created = client.post("/api/monthly-targets/", {"task": world.task.pk, "month": 2, "target": "补录"},
                          format="json")
    assert created.status_code == 400 and created.json()["month"] == [MESSAGE]
    patched = client.patch(f"/api/monthly-targets/{world.target.pk}/", {"target": "改写", "version": world.target.version},
                           format="json")
    assert patched.status_code == 400 and patched.json()["month"] == [MESSAGE]
    moved = client.patch(f"/api/monthly-targets/{world.target.pk}/", {"month": 7, "version": world.target.version},
                         format="json")
    assert moved.status_code == 400 and moved.json()["month"] == [MESSAGE]
    marked = client.post(f"/api/monthly-targets/{world.target.pk}/status/",
                         {"status": "done", "version": world.target.version}, format="json")
    assert marked.status_code == 400 and marked.json()["month"] == [MESSAGE]
    world.target.refresh_from_db()
    assert (world.target.month, world.target.target, world.target.status) == (3, "完成三月目标", "pending")
    assert not MonthlyTarget.objects.filter(task=world.task, month=2).exists()
    # The organisation department is refused the same way; an open month is accepted.
    admin = api(world, "org_admin")
    assert admin.post(f"/api/monthly-targets/{world.target.pk}/status/",
                      {"status": "done", "version": world.target.version}, format="json").status_code == 400
    assert client.post("/api/monthly-targets/", {"task": world.task.pk, "month": 10, "target": "十月目标"},
                       format="json").status_code == 201
