"""One current published version per quarter: a correction needs a reason, supersedes the previous version
(which stays readable, marked 已被第 N 版取代), shows what changed, and every reader is told which counts."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from branches.models import Role
from branches.periods import Quarter
from scoring import selectors, services
from scoring.models import RankingSnapshot, RubricItem
from tests.factories import grassroots_branch, user_with_role
from tests.scoring.conftest import make_rubric

Q3 = Quarter(2026, 3)
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(groups):
    make_rubric([{"code": "M1", "method": "manual", "max_points": 10, "name": "组织生活质量"}])
    g1 = grassroots_branch(code="G01", name="曲堤管理区党支部")
    g2 = grassroots_branch(code="G02", name="滨南管理区党支部")
    item = RubricItem.objects.get()
    s1 = services.save_manual_score(quarter=Q3, branch=g1, item=item, points="6", reason="初评")
    services.save_manual_score(quarter=Q3, branch=g2, item=item, points="8", reason="初评")
    first = services.compile_quarter(quarter=Q3, publish=True)
    return {"g1": g1, "g2": g2, "item": item, "score": s1, "first": first,
            "admin": user_with_role(Role.Kind.ORG_ADMIN),
            "secretary": user_with_role(Role.Kind.SECRETARY, branch=g1)}


def correct(world, reason="复核后调整曲堤得分"):
    services.save_manual_score(quarter=Q3, branch=world["g1"], item=world["item"], points="9", reason="复核",
                               expected_version=world["score"].version)
    second = services.compile_quarter(quarter=Q3)
    return services.publish_snapshot(snapshot=second, user=world["admin"], reason=reason)


def test_a_correction_needs_a_reason_and_supersedes_the_previous_version(world):
    second = services.compile_quarter(quarter=Q3)
    with pytest.raises(ValidationError) as refused:
        services.publish_snapshot(snapshot=second, user=world["admin"], reason="  ")
    assert "更正理由" in refused.value.message_dict["reason"][0]
    second.refresh_from_db()
    assert second.status == RankingSnapshot.Status.DRAFT
    services.discard_draft(snapshot=second, user=None)

    corrected = correct(world)
    first = RankingSnapshot.objects.get(pk=world["first"].pk)
    assert corrected.is_current and not first.is_current
    assert first.is_published and first.superseded_by == corrected and corrected.supersedes == first
    assert corrected.correction_reason == "复核后调整曲堤得分"
    assert first.version_status == "已被第 2 版取代"
    assert selectors.current_snapshot(quarter=Q3) == corrected
    # the superseded version itself did not move
    assert first.entries.get(branch=world["g1"]).total == 6
    assert corrected.entries.get(branch=world["g1"]).total == 9


def test_the_database_holds_exactly_one_current_version(world):
    draft = services.compile_quarter(quarter=Q3)
    with pytest.raises(IntegrityError), transaction.atomic():
        RankingSnapshot.objects.filter(pk=draft.pk).update(status=RankingSnapshot.Status.PUBLISHED)


def test_what_changed_points_and_rank_per_branch(client, world):
    corrected = correct(world)
    diff = selectors.version_diff(old=world["first"], new=corrected)
    by_code = {r["branch_code"]: r for r in diff}
    assert by_code["G01"]["old_total"] == 6 and by_code["G01"]["new_total"] == 9
    assert by_code["G01"]["points_change"] == 3
    assert (by_code["G01"]["old_rank"], by_code["G01"]["new_rank"]) == (2, 1)
    assert (by_code["G02"]["old_rank"], by_code["G02"]["new_rank"]) == (1, 2)
    client.force_login(world["secretary"])
    page = client.get(reverse("scoring:version_changes", args=[corrected.pk])).content.decode()
    assert "复核后调整曲堤得分" in page and "+3.00" in page and "2 → 1" in page
    assert "滨南管理区党支部" not in page  # a secretary sees her own branch's change only


def test_api_and_pages_mark_exactly_one_version_current(client, world):
    corrected = correct(world)
    api = APIClient()
    for user in (world["admin"], world["secretary"]):
        api.force_authenticate(user)
        rows = api.get("/api/rankings/", {"quarter": "2026Q3", "status": "published"}).json()["results"]
        assert [(r["version"], r["is_current"]) for r in rows] == [(2, True), (1, False)]
        old = next(r for r in rows if r["version"] == 1)
        assert old["superseded_by"] == corrected.pk and old["version_status"] == "已被第 2 版取代"
        entries = api.get("/api/ranking-entries/", {"snapshot": world["first"].pk}).json()["results"]
        assert {e["snapshot_status"] for e in entries} == {"已被第 2 版取代"}

    client.force_login(world["secretary"])
    page = client.get(reverse("scoring:rankings"), {"quarter": "2026Q3"}).content.decode()
    assert page.count('data-version-status="current"') == 1 and "第 2 版为更正版本" in page
    old_page = client.get(reverse("scoring:rankings"), {"quarter": "2026Q3", "snapshot": world["first"].pk})
    html = old_page.content.decode()
    assert "已被第 2 版取代" in html and "复核后调整曲堤得分" in html and 'data-version-status="current"' not in html
    score_page = client.get(reverse("scoring:branch_score", args=[world["first"].pk, world["g1"].pk])).content.decode()
    assert "已被第 2 版取代" in score_page and "查看当前有效版本" in score_page

    client.force_login(world["admin"])
    history = client.get(reverse("scoring:rankings"), {"quarter": "2026Q3"}).content.decode()
    assert history.count('data-version-status="current"') == 2  # the shown version and its row in the list
    assert history.count('data-version-status="superseded"') == 1
    download = client.get(reverse("scoring:export", args=[world["first"].pk, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    note = {row[0].value: row[1].value for row in book["说明"].iter_rows(min_row=2)}
    assert note["是否当前有效"] == "已被第 2 版取代" and note["更正理由"] == "复核后调整曲堤得分"


def test_publishing_lists_unscored_branches_and_asks_to_confirm(client, world):
    q2 = Quarter(2026, 2)
    services.save_manual_score(quarter=q2, branch=world["g1"], item=world["item"], points="5", reason="好")
    draft = services.compile_quarter(quarter=q2)
    unscored = selectors.unscored_manual(snapshot=draft)
    assert [(b["branch_code"], b["items"]) for b in unscored] == [("G02", ["M1 组织生活质量"])]
    client.force_login(world["admin"])
    page = client.get(reverse("scoring:publish", args=[draft.pk])).content.decode()
    assert "滨南管理区党支部" in page and "M1 组织生活质量" in page and 'name="confirm_unscored"' in page
    refused = client.post(reverse("scoring:publish", args=[draft.pk]), {})
    assert refused.status_code == 400 and "尚未评分" in refused.content.decode()
    assert not RankingSnapshot.objects.get(pk=draft.pk).is_published
    api = APIClient()
    api.force_authenticate(world["admin"])
    response = api.post(f"/api/rankings/{draft.pk}/publish/", {}, format="json")
    assert response.status_code == 400 and "滨南管理区党支部" in response.json()["confirm_unscored"][0]
    response = api.post(f"/api/rankings/{draft.pk}/publish/", {"confirm_unscored": True}, format="json")
    assert response.status_code == 200 and response.json()["is_current"] is True
    # Q3: everything scored, nothing to confirm; a correction there goes through with its reason
    again = services.compile_quarter(quarter=Q3)
    assert client.post(reverse("scoring:publish", args=[again.pk]), {"reason": "复核"}).status_code == 302
    assert RankingSnapshot.objects.get(pk=again.pk).is_current
