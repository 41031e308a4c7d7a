"""The API carries everything an independent recomputation of a quarter needs."""

import datetime

import pytest
from rest_framework.test import APIClient

from branches.models import Role, YearSettings
from branches.periods import Quarter
from scoring import demo, services
from tests.factories import grassroots_branch, user_with_role


@pytest.mark.django_db
def test_the_api_carries_what_a_recomputation_needs():
    """Rubric items with every parameter and their sentence, groups, vetoes, deadlines, kinds and categories."""
    YearSettings.objects.create(year=2026, plan_deadline=datetime.date(2026, 2, 15))
    demo.seed_rubric(2026)
    demo.seed_groups()
    branch = grassroots_branch()
    services.set_veto(quarter=Quarter(2026, 2), branch=branch, reason="发生违纪")
    client = APIClient()
    client.force_authenticate(user_with_role(Role.Kind.ORG_ADMIN))
    items = {i["code"]: i for i in client.get("/api/rubrics/").json()["results"][0]["items"]}
    assert items["C3"]["takes"] == {"target": "3.00", "unit": "months", "window": "quarter"}
    assert items["C1"]["takes"]["share"] is True and items["C1"]["no_obligation"] == "na"
    assert items["D1"]["params"] == {"categories": ["org_life"]} and "组织生活" in items["D1"]["says"]
    assert {g["name"] for g in client.get("/api/ranking-groups/").json()["results"]} >= {"基层党支部组"}
    assert client.get("/api/vetoes/", {"quarter": "2026Q2"}).json()["results"][0]["branch"] == branch.pk
    assert client.get("/api/year-settings/").json()["results"][0]["plan_deadline"] == "2026-02-15"
    assert "org_life" in {c["code"] for c in client.get("/api/activity-categories/").json()["results"]}
