"""Each quarter is scored by exactly one rubric version, and the rubric list says which one."""

import re

import pytest
from django.urls import reverse

from branches.models import Role
from branches.periods import Quarter
from scoring import selectors, services
from tests.factories import user_with_role
from tests.scoring.conftest import make_rubric

pytestmark = pytest.mark.django_db
ITEMS = [{"code": "M1", "method": "manual", "name": "组织生活质量"}]


def _row(html: str, version: int) -> str:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return next(re.sub(r"\s+", " ", row) for row in rows if f"<td>v{version}</td>" in row)


def test_two_active_versions_of_a_year_each_name_the_quarters_they_score(client):
    first = make_rubric(ITEMS, valid_from=1)
    second = make_rubric(ITEMS, valid_from=3)
    assert selectors.rubric_for(Quarter(2026, 2)) == first
    assert selectors.rubric_for(Quarter(2026, 3)) == second
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    html = client.get(reverse("scoring:rubric_list")).content.decode()
    assert "2026Q1–Q2" in _row(html, first.version)
    assert "2026Q3–Q4" in _row(html, second.version)


def test_an_active_version_no_quarter_is_left_to_says_so(client):
    early = make_rubric(ITEMS, valid_from=2)
    later = make_rubric(ITEMS, valid_from=1)
    services.activate_rubric(rubric=later)
    assert selectors.quarters_in_force([early, later]) == {later.pk: (1, 1), early.pk: (2, 4)}
    # A version starting the same quarter retires the earlier one: one version per quarter.
    replacement = make_rubric(ITEMS, valid_from=2)
    services.activate_rubric(rubric=replacement)
    early.refresh_from_db()
    assert early.status == early.Status.RETIRED
    shadowed = make_rubric(ITEMS, valid_from=4, version=1_000)
    tail = make_rubric(ITEMS, valid_from=4, version=999)
    assert tail.pk not in selectors.quarters_in_force([later, replacement, shadowed, tail])
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    html = client.get(reverse("scoring:rubric_list")).content.decode()
    assert "已被后续版本覆盖" in _row(html, tail.version)
    assert "生效" in _row(html, shadowed.version) and "2026Q4" in _row(html, shadowed.version)
