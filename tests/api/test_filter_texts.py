"""The API's filter descriptions (OpenAPI schema, the docs page) follow the reader's language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

# (path, parameter) -> (Chinese, English) of filters whose words the catalogue already had
FILTERS = {
    ("/api/branches/", "search"): ("名称或编码", "Name or code"),
    ("/api/ranking-entries/", "kind"): ("支部类型", "Branch kind"),
    ("/api/plans/", "filed"): ("已备案", "Filed"),
    ("/api/activities/", "joint"): ("计入共建活动", "Counts as joint activity"),
}
# filters whose descriptions are new words: Chinese by default, and looked up in the catalogue when English
NEW = {
    ("/api/activities/", "quarter"): "季度，例如 2026Q3",
    ("/api/activities/", "branch"): "党支部 id",
    ("/api/rectifications/", "overdue"): "逾期未整改",
    ("/api/pairs/", "behind"): "true: 本年度共建活动少于本季度末应完成数的；false: 本年度进度正常的",
    ("/api/members/", "search"): "姓名或员工编号",
}


def descriptions(client) -> dict[tuple[str, str], str]:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    out = {}
    for path, operations in response.json()["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            # the first paragraph: choice filters list their choices after it
            out[(path, parameter["name"])] = parameter.get("description", "").split("\n\n")[0]
    return out


def test_filter_descriptions_are_chinese_by_default_and_english_on_request(client):
    chinese = descriptions(client)
    for key, (zh, _en) in FILTERS.items():
        assert chinese[key] == zh, key
    for key, zh in NEW.items():
        assert chinese[key] == zh, key

    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    english = descriptions(client)
    for key, (_zh, en) in FILTERS.items():
        assert english[key] == en, key
    with translation.override("en"):
        for key, zh in NEW.items():
            assert english[key] == translation.gettext(zh), key
