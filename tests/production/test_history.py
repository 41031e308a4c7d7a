"""Audit trail: every record people create or change keeps its history, and the organisation department
(and the officers of the branch a record concerns) read who changed what, when, field by field, on one
generic page."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from simple_history.models import registered_models

from branches.models import Role
from config.concurrency import save_versioned
from tests.factories import (
    ActivityFactory,
    AnnualPlanFactory,
    PairFactory,
    grassroots_branch,
    office_branch,
    user_with_role,
)

pytestmark = pytest.mark.django_db

# Every model whose rows a person creates or changes through the product (issue 8: activities, plans,
# manual scores, rubric items, roles, rectifications, and the rest of the workspace records).
PERSON_EDITED_MODELS = [
    "branches.unit",
    "branches.branch",
    "branches.partygroup",
    "branches.externalorganization",
    "branches.member",
    "branches.yearsettings",
    "branches.duty",
    "branches.keyworktask",
    "pairing.activitykind",
    "branches.role",
    "branches.assessmentcontent",
    "branches.dutyevidence",
    "branches.keyworkplan",
    "branches.monthlytarget",
    "pairing.pair",
    "pairing.partnership",
    "pairing.annualplan",
    "pairing.keyproject",
    "pairing.projecttask",
    "pairing.jointmeeting",
    "pairing.problem",
    "pairing.informationexchange",
    "pairing.activity",
    "scoring.rubric",
    "scoring.rubricitem",
    "scoring.manualscore",
    "scoring.veto",
    "supervision.rectification",
    "supervision.finding",
    "supervision.visit",
]


@pytest.mark.parametrize("label", PERSON_EDITED_MODELS)
def test_every_person_edited_model_keeps_history(label):
    model = apps.get_model(label)
    assert model in registered_models.values() or model._meta.db_table in registered_models, (
        f"{label} has no django-simple-history (add `history = HistoricalRecords()`)"
    )
    assert hasattr(model, model._meta.simple_history_manager_attribute)


def test_activity_history_follows_the_branches_taking_part():
    from pairing.models import Activity

    assert [f.name for f in Activity.history.model._history_m2m_fields] == ["branches"]


def _history_url(obj) -> str:
    return reverse("record_history", kwargs={
        "app_label": obj._meta.app_label, "model_name": obj._meta.model_name, "pk": obj.pk})


@pytest.fixture
def org_admin():
    return user_with_role(Role.Kind.ORG_ADMIN, username="zuzhibu")


def _plan_changed_by_two_people():
    office, grassroots = office_branch(), grassroots_branch()
    pair = PairFactory(lead_branch=office, grassroots=[grassroots])
    alice = user_with_role(Role.Kind.SECRETARY, branch=office, username="alice")
    alice.first_name, alice.last_name = "", "王书记"
    alice.save()
    bob = user_with_role(Role.Kind.SECRETARY, branch=grassroots, username="bob")
    bob.first_name = ""  # no name: the page falls back to the login name
    bob.save()
    plan = AnnualPlanFactory.build(pair=pair, goals="开展联合党日", measures="")
    plan._history_user = alice
    save_versioned(plan, expected_version=None)
    plan = type(plan).objects.get(pk=plan.pk)
    plan.goals = "开展联合党日，解决两项生产难题"
    plan.measures = "每月联学一次"
    plan._history_user = bob
    save_versioned(plan, expected_version=1)
    return plan, alice, bob


def test_org_admin_reads_who_changed_what_and_when(client, org_admin):
    plan, alice, bob = _plan_changed_by_two_people()
    client.force_login(org_admin)
    response = client.get(_history_url(plan))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [(e.action, e.who) for e in entries] == [("修改", "bob"), ("创建", "王书记")]
    latest = {c.label: (c.old, c.new) for c in entries[0].changes}
    assert latest == {
        "工作目标": ("开展联合党日", "开展联合党日，解决两项生产难题"),
        "工作措施": ("—", "每月联学一次"),
    }
    created = {c.label: c.new for c in entries[1].changes}
    assert created["工作目标"] == "开展联合党日"
    assert created["共建对子"] == str(plan.pair)  # a related record is shown by name, not by id
    html = response.content.decode()
    assert "修改记录" in html and "每月联学一次" in html and "王书记" in html


def test_history_of_an_activity_names_the_branches_added(client, org_admin):
    office, grassroots = office_branch(name="机关一支部"), grassroots_branch(name="曲堤管理区党支部")
    activity = ActivityFactory(owner_branch=office, date=datetime.date(2026, 5, 12))
    activity.branches.add(grassroots)
    client.force_login(org_admin)
    response = client.get(_history_url(activity))
    assert response.status_code == 200
    branch_changes = [c for e in response.context["entries"] for c in e.changes if c.label == "参加支部"]
    assert any("曲堤管理区党支部" in c.new and "曲堤管理区党支部" not in c.old for c in branch_changes)


def test_history_of_a_deleted_record_is_still_readable(client, org_admin):
    plan, _alice, _bob = _plan_changed_by_two_people()
    pk = plan.pk
    url = _history_url(plan)
    plan.delete()
    client.force_login(org_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["entries"][0].action == "删除"
    assert response.context["record"] is None
    assert f"#{pk}" in response.content.decode()


@pytest.mark.parametrize("kind", [Role.Kind.SECRETARY, Role.Kind.VIEWER, Role.Kind.INSPECTOR, Role.Kind.DEPARTMENT])
def test_people_outside_the_record_do_not_read_its_history(client, kind):
    plan, alice, _bob = _plan_changed_by_two_people()
    user = user_with_role(kind, branch=office_branch(name="别的支部") if kind == Role.Kind.SECRETARY else None)
    client.force_login(user)
    assert client.get(_history_url(plan)).status_code == 404


def test_the_secretaries_of_the_pair_read_its_plan_history(client):
    plan, alice, bob = _plan_changed_by_two_people()
    for user in (alice, bob):
        client.force_login(user)
        assert client.get(_history_url(plan)).status_code == 200


def test_a_deleted_record_history_stays_with_the_organisation_department(client):
    plan, alice, _bob = _plan_changed_by_two_people()
    url = _history_url(plan)
    plan.delete()
    client.force_login(alice)
    assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    plan, _alice, _bob = _plan_changed_by_two_people()
    response = client.get(_history_url(plan))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("path", [
    "/org/history/nosuchapp/plan/1/",
    "/org/history/pairing/nosuchmodel/1/",
    "/org/history/pairing/activitykind/1/",   # a model without history
    "/org/history/pairing/annualplan/abc/",   # not a primary key
    "/org/history/pairing/annualplan/999999/",  # no such record, no history
])
def test_unknown_records_answer_404(client, org_admin, path):
    client.force_login(org_admin)
    assert client.get(path).status_code == 404


def test_queries_do_not_grow_with_the_number_of_changes(client, org_admin, django_assert_max_num_queries):
    plan, _alice, bob = _plan_changed_by_two_people()
    for n in range(30):
        plan.goals = f"第{n}次修订"
        plan._history_user = bob
        save_versioned(plan, expected_version=plan.version)
    client.force_login(org_admin)
    with django_assert_max_num_queries(20):
        response = client.get(_history_url(plan))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 32
