"""Visits and their findings are scored records of the quarter of the visit (rubric items of the 常态化督导
mode count them): once that quarter's ranking is published they are read-only, with the workspace's
message, through the service, the pages and the API. Rectifications are followed up across quarters and
stay open to their state transitions and deadline changes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from branches.models import Branch
from branches.periods import Quarter
from supervision import services
from supervision.models import Finding, Rectification, Visit

from .conftest import VISIT_DAY, shortcoming
from .test_pages import login, text, visit_post

S = Rectification.State
pytestmark = pytest.mark.django_db

Q3 = Quarter(2026, 3)  # VISIT_DAY, 2026-09-10, is in the third quarter
MESSAGE = "2026Q3 的党建提质杯排名已发布，该季度的记录已锁定为只读。"
Q4_DAY = datetime.date(2026, 10, 15)


@pytest.fixture
def publish(world):
    """Compile and publish a quarter through the scoring services."""
    from scoring import services as scoring_services
    from scoring.models import RankingGroup
    from tests.scoring.conftest import make_rubric

    RankingGroup.objects.create(name="全部党支部", branch_kinds=list(Branch.Kind.values))
    make_rubric([{"code": "DD1", "name": "逾期未整改问题", "method": "deduction_per",
                  "source": "overdue_rectifications", "max_points": 5, "deduction": 2, "mode": "supervision"}])

    def run(quarter: Quarter):
        snapshot = scoring_services.compile_quarter(quarter=quarter)
        return scoring_services.publish_snapshot(snapshot=snapshot, user=world.admin, confirm_unscored=True)

    return run


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- the services --------------------------------------------------------------------------------


def test_a_visit_dated_in_the_published_quarter_is_refused(world, publish):
    publish(Q3)
    with pytest.raises(ValidationError) as refused:
        services.record_visit(group=world.group, branch=world.branch, date=VISIT_DAY, by=world.inspector,
                              findings=[{"kind": Finding.Kind.SHORTCOMING, "title": "补录的短板"}])
    assert refused.value.message_dict == {"date": [MESSAGE]}
    assert not Visit.objects.exists() and not Rectification.objects.exists()


def test_findings_cannot_be_added_to_a_visit_of_the_published_quarter(world, publish):
    visit = services.record_visit(group=world.group, branch=world.branch, date=VISIT_DAY, by=world.inspector)
    publish(Q3)
    for user in (world.inspector, world.admin):
        with pytest.raises(ValidationError) as refused:
            services.add_finding(visit=visit, kind=Finding.Kind.SHORTCOMING, title="事后补记", by=user)
        assert refused.value.message_dict == {"visit": [MESSAGE]}
    assert not visit.findings.exists() and not Rectification.objects.exists()


def test_the_next_quarter_stays_open(world, publish):
    publish(Q3)
    visit = services.record_visit(group=world.group, branch=world.branch, date=Q4_DAY, by=world.inspector,
                                  findings=[{"kind": Finding.Kind.STRENGTH, "title": "四季度长板"}])
    services.add_finding(visit=visit, kind=Finding.Kind.SHORTCOMING, title="四季度短板", by=world.inspector)
    assert sorted(visit.findings.values_list("title", flat=True)) == ["四季度短板", "四季度长板"]


def test_rectifications_of_a_published_quarter_are_still_followed_up(world, publish):
    rectification = shortcoming(world, deadline=datetime.date(2026, 9, 25))
    publish(Q3)
    services.set_rectification_deadline(rectification=rectification, deadline=datetime.date(2026, 12, 20),
                                        by=world.inspector)
    services.transition_rectification(rectification=rectification, to_state=S.RECTIFYING, by=world.secretary)
    services.transition_rectification(rectification=rectification, to_state=S.SUBMITTED, by=world.secretary,
                                      response="已建立台账")
    services.transition_rectification(rectification=rectification, to_state=S.CLOSED, by=world.inspector)
    rectification.refresh_from_db()
    assert (rectification.state, rectification.deadline) == (S.CLOSED, datetime.date(2026, 12, 20))


# --- the pages -----------------------------------------------------------------------------------


def test_the_visit_form_shows_the_reason_and_keeps_what_was_typed(client, world, publish):
    publish(Q3)
    login(client, world.inspector)
    response = client.post(
        reverse("supervision:visit_create", args=[world.group.pk]),
        visit_post(world.branch, [{"kind": Finding.Kind.SHORTCOMING, "title": "三会一课记录不全",
                                   "text": "九月支委会无记录"}]),
    )
    assert response.status_code == 200  # the form again, not a redirect
    html = text(response)
    assert MESSAGE in html
    assert "三会一课记录不全" in html and "九月支委会无记录" in html and "查阅资料、座谈" in html
    assert 'value="2026-09-10"' in html
    assert not Visit.objects.exists()


def test_a_visit_of_the_published_quarter_says_it_is_read_only(client, world, publish):
    locked = services.record_visit(group=world.group, branch=world.branch, date=VISIT_DAY, by=world.inspector)
    publish(Q3)
    current = services.record_visit(group=world.group, branch=world.branch, date=Q4_DAY, by=world.inspector)
    login(client, world.inspector)
    assert MESSAGE in text(client.get(reverse("supervision:visit_detail", args=[locked.pk])))
    assert "已锁定为只读" not in text(client.get(reverse("supervision:visit_detail", args=[current.pk])))


# --- the API -------------------------------------------------------------------------------------


def test_the_api_answers_400_with_the_message(world, publish):
    visit = services.record_visit(group=world.group, branch=world.branch, date=VISIT_DAY, by=world.inspector)
    publish(Q3)
    client = api(world.inspector)
    created = client.post("/api/visits/", {"group": world.group.pk, "branch": world.branch.pk,
                                           "date": "2026-09-20"}, format="json")
    assert created.status_code == 400 and created.json()["date"] == [MESSAGE]
    finding = client.post("/api/findings/", {"visit": visit.pk, "kind": "shortcoming", "title": "补记"},
                          format="json")
    assert finding.status_code == 400 and finding.json()["visit"] == [MESSAGE]
    assert Visit.objects.count() == 1 and not Finding.objects.exists()
    assert client.post("/api/visits/", {"group": world.group.pk, "branch": world.branch.pk,
                                        "date": Q4_DAY.isoformat()}, format="json").status_code == 201
