"""Values in the address that are not values: every list filter and path id of the API, and the pages'
year, id and quarter parameters, answer 400 with a Chinese message, never a server error."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from config.api_urls import router

HUGE = "9" * 30
BAD_VALUES = {
    "year": ["0", "-1", HUGE, "99999", "abc"],
    "number": [HUGE, "-" + HUGE, "1e999", "abc"],
    "quarter": ["100%", "%(value)s", "%s%d", "2026Q5", HUGE],
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _filters_of(viewset):
    """(name, kind) of each query filter the viewset's filterset declares."""
    from django_filters import rest_framework as filters

    from config.api.filters import CheckedFilterBackend, QuarterFilter, is_year_filter

    view = viewset()
    view.request, view.action, view.format_kwarg, view.kwargs = None, "list", None, {}
    filterset_class = CheckedFilterBackend().get_filterset_class(view, viewset.queryset)
    if filterset_class is None:
        return []
    found = []
    for name, f in filterset_class.base_filters.items():
        if isinstance(f, QuarterFilter):
            found.append((name, "quarter"))
        elif isinstance(f, filters.NumberFilter | filters.ModelChoiceFilter) and is_year_filter(name, f):
            found.append((name, "year"))
        elif isinstance(f, filters.NumberFilter | filters.ModelChoiceFilter | filters.ModelMultipleChoiceFilter):
            found.append((name, "number"))
    return found


CASES = [(prefix, name, kind) for prefix, viewset, _b in router.registry for name, kind in _filters_of(viewset)]


def test_the_api_has_year_id_and_quarter_filters_to_check():
    kinds = {kind for _p, _n, kind in CASES}
    assert kinds == {"year", "number", "quarter"}
    assert len(CASES) >= 30


@pytest.mark.parametrize(("prefix", "name", "kind"), CASES)
def test_bad_filter_values_answer_400_in_chinese(world, prefix, name, kind):
    client = world.client("org_admin")
    for value in BAD_VALUES[kind]:
        response = client.get(f"/api/{prefix}/", {name: value})
        assert response.status_code == 400, (prefix, name, value, response.content[:200])
        body = response.json()
        assert name in body, body
        assert CHINESE.search(" ".join(body[name])), body


def test_a_good_value_of_the_same_filters_still_filters(world):
    client = world.client("org_admin")
    assert client.get("/api/activities/", {"year": "2026", "branch": world.objects["grass_a"].pk}).status_code == 200
    assert client.get("/api/activities/", {"quarter": "2026Q2"}).json()["count"] == 1


@pytest.mark.parametrize("prefix", sorted({p for p, _v, _b in router.registry}))
def test_a_huge_id_in_the_path_is_400_and_a_missing_one_404(world, prefix):
    client = world.client("org_admin")
    response = client.get(f"/api/{prefix}/{HUGE}/")
    assert response.status_code == 400, response.content[:200]
    assert CHINESE.search(" ".join(response.json()["id"]))
    assert client.get(f"/api/{prefix}/987654321/").status_code == 404


def test_the_percent_sign_in_a_quarter_is_shown_as_typed(world):
    response = world.client("org_admin").get("/api/activities/", {"quarter": "20%26Q3"})
    assert response.status_code == 400
    assert "20%26Q3" in response.json()["quarter"][0]


@pytest.mark.parametrize("url", [
    "/org/year/99999/", "/org/year/0/", f"/org/year/{HUGE}/", f"/org/units/{HUGE}/", f"/work/activities/{HUGE}/",
    f"/cup/?quarter=%25{HUGE}", "/cup/?snapshot=" + HUGE, "/work/?year=0",
    "/work/?year=" + HUGE, "/work/?branch=" + HUGE, "/work/pairs/?year=-1", "/supervision/?year=" + HUGE,
])
def test_pages_answer_bad_address_values_with_400_in_chinese(world, url):
    from django.test import Client

    client = Client()
    client.force_login(world.users["org_admin"])
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    assert "请求中的参数无效" in response.content.decode()


def test_a_good_year_in_the_path_still_opens(world):
    from django.test import Client

    client = Client()
    client.force_login(world.users["org_admin"])
    assert client.get(reverse("branches:year_setup", args=[2026])).status_code == 200
