"""Filters people search by: year, quarter (2026Q3), branch, kind, status, date range, ordering, and
this year's pairs behind pace."""

from __future__ import annotations

import datetime

from django.utils import timezone

from branches.models import Role
from branches.periods import Quarter, expected_by_quarter
from tests.factories import ActivityFactory, PairFactory, grassroots_branch, office_branch, user_with_role


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_activities_by_year_quarter_branch_kind_and_dates(world):
    o, client = world.objects, world.client("org_admin")
    a, b = o["activity_a"].pk, o["activity_b"].pk
    assert ids(client.get("/api/activities/?year=2026")) >= {a, b}
    assert ids(client.get("/api/activities/?year=2025")) == set()
    assert ids(client.get("/api/activities/?quarter=2026Q2")) == {a}
    assert ids(client.get("/api/activities/?quarter=2026Q3")) == {b}
    assert ids(client.get(f"/api/activities/?branch={o['grass_a'].pk}")) == {a}
    assert ids(client.get(f"/api/activities/?branch={o['lead_b'].pk}")) == {b}
    assert ids(client.get(f"/api/activities/?kind={o['kind'].pk}")) == {a, b}
    assert ids(client.get("/api/activities/?date_after=2026-05-01&date_before=2026-05-31")) == {a}
    assert ids(client.get(f"/api/activities/?pair={o['pair_b'].pk}")) == {b}
    ordered = client.get("/api/activities/?ordering=date").json()["results"]
    assert [row["id"] for row in ordered] == [a, b]
    assert ordered[0]["quarter"] == "2026Q2"
    assert ordered[0]["date"] == "2026-05-12"


def test_a_badly_written_quarter_is_refused_in_chinese(world):
    response = world.client("org_admin").get("/api/activities/?quarter=2026Q5")
    assert response.status_code == 400
    assert "季度" in response.json()["quarter"][0]


def test_status_and_kind_filters(world):
    o, client = world.objects, world.client("org_admin")
    assert ids(client.get("/api/problems/?status=open")) == {o["problem_a"].pk}
    assert ids(client.get("/api/problems/?status=solved")) == set()
    assert ids(client.get("/api/information-exchanges/?kind=attendance")) == {o["exchange"].pk}
    assert ids(client.get("/api/information-exchanges/?kind=thinking")) == set()
    assert ids(client.get("/api/information-exchanges/?quarter=2026Q3")) == {o["exchange"].pk}
    assert ids(client.get("/api/monthly-targets/?quarter=2026Q3")) == {o["target"].pk}
    assert ids(client.get("/api/monthly-targets/?quarter=2026Q1")) == set()
    assert ids(client.get("/api/rectifications/?state=open")) == {o["rectification"].pk}
    assert ids(client.get("/api/rankings/?quarter=2026Q3&status=draft")) == {o["snapshot"].pk}
    assert ids(client.get("/api/ranking-entries/?quarter=2026Q2")) == set()
    assert ids(client.get("/api/branches/?kind=grassroots")) >= {o["grass_a"].pk, o["grass_b"].pk}
    assert o["lead_a"].pk not in ids(client.get("/api/branches/?kind=grassroots"))


def test_ranking_entries_carry_item_explanations(world):
    row = world.client("org_admin").get(f"/api/ranking-entries/{world.objects['entry'].pk}/").json()
    assert row["quarter"] == "2026Q3"
    assert row["item_scores"][0]["explanation"] == "人工评分：材料完整"


def test_behind_lists_this_years_pairs_behind_pace(world, django_assert_max_num_queries):
    today = timezone.localdate()
    number = Quarter.of(today).number
    expected = expected_by_quarter(4, number)
    kind = world.objects["kind"]
    on_pace = PairFactory(year=today.year, lead_branch=office_branch(), grassroots=[grassroots_branch()])
    behind = PairFactory(year=today.year, lead_branch=office_branch(), grassroots=[grassroots_branch()])
    last_year = PairFactory(year=today.year - 1, lead_branch=office_branch(), grassroots=[grassroots_branch()])
    day = datetime.date(today.year, 1, 1)
    for _ in range(expected):
        ActivityFactory(pair=on_pace, owner_branch=on_pace.lead_branch, kind=kind, date=day)
    for _ in range(expected - 1):
        ActivityFactory(pair=behind, owner_branch=behind.lead_branch, kind=kind, date=day)
    client = world.client("org_admin")
    with django_assert_max_num_queries(8):
        response = client.get("/api/pairs/?behind=true&page_size=100")
    behind_ids = ids(response)
    assert behind.pk in behind_ids
    assert on_pace.pk not in behind_ids and last_year.pk not in behind_ids
    row = next(r for r in response.json()["results"] if r["id"] == behind.pk)
    assert row["behind"] is True and row["joint_done"] == expected - 1 and row["expected_now"] == expected
    assert on_pace.pk in ids(client.get("/api/pairs/?behind=false&page_size=100"))
    assert behind.pk not in ids(client.get("/api/pairs/?behind=false&page_size=100"))


def test_behind_is_scoped_for_a_secretary(world):
    today = timezone.localdate()
    mine = PairFactory(year=today.year, lead_branch=office_branch(), grassroots=[grassroots_branch()])
    other = PairFactory(year=today.year, lead_branch=office_branch(), grassroots=[grassroots_branch()])
    secretary = user_with_role(Role.Kind.SECRETARY, branch=mine.lead_branch)
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(secretary)
    listed = ids(client.get("/api/pairs/?behind=true"))
    assert mine.pk in listed and other.pk not in listed


def test_pagination_and_stable_ids(world):
    client = world.client("org_admin")
    first = client.get("/api/members/?page_size=2&ordering=id").json()
    assert len(first["results"]) == 2 and first["next"]
    again = client.get("/api/members/?page_size=2&ordering=id").json()
    assert [r["id"] for r in first["results"]] == [r["id"] for r in again["results"]]
