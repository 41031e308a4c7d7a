"""The API and the pages call the same services: the same bad input is refused with the same message,
and a published quarter is read-only through both."""

from __future__ import annotations

from django.test import Client
from django.utils.html import escape

from branches.models import Branch


def page_client(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_activity_dated_outside_the_pairs_year_same_message(world):
    o = world.objects
    api = world.client("secretary_a").post("/api/activities/", {
        "owner_branch": o["grass_a"].pk, "date": "2025-06-01", "title": "跨年活动", "kind": o["kind"].pk,
        "pair": o["pair_a"].pk, "branches": [o["lead_a"].pk],
    }, format="json")
    assert api.status_code == 400
    api_message = api.json()["date"][0]
    assert "2026" in api_message

    page = page_client(world, "secretary_a").post("/work/activities/new/", {
        "branch": o["grass_a"].pk, "date": "2025-06-01", "title": "跨年活动", "kind": o["kind"].pk,
        "joint": f"pair:{o['pair_a'].pk}", "branches": [o["lead_a"].pk], "guest_count": 0,
    })
    assert page.status_code == 200  # the form comes back with its errors
    assert escape(api_message) in page.content.decode()


def test_pair_with_a_non_grassroots_branch_same_message_as_the_service(world):
    from django.core.exceptions import ValidationError

    from pairing.services import save_pair
    from tests.factories import office_branch

    o = world.objects
    wrong = office_branch(name="机关C党支部")
    api = world.client("org_admin").post("/api/pairs/", {
        "year": 2026, "lead_branch": office_branch().pk, "grassroots_branches": [wrong.pk],
    }, format="json")
    assert api.status_code == 400
    try:
        save_pair(year=2026, lead_branch=o["lead_b"], grassroots_branches=[wrong])
    except ValidationError as exc:
        service_messages = exc.message_dict["grassroots_branches"]
    assert any(m in service_messages for m in api.json()["grassroots_branches"])
    assert Branch.objects.get(pk=wrong.pk).kind == Branch.Kind.OFFICE


def test_errors_are_json_with_a_message_per_field(world):
    o = world.objects
    response = world.client("secretary_a").post("/api/problems/", {
        "pair": o["pair_a"].pk, "raised_by": o["grass_b"].pk, "title": "", "raised_on": "2026-06-01",
    }, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["raised_by"] == ["提出方必须是结对双方之一。"]
    assert body["title"] == ["请填写难题。"]


def test_published_quarter_is_read_only_through_the_api(world):
    from scoring.models import RankingSnapshot

    o = world.objects
    o["snapshot"].status = RankingSnapshot.Status.PUBLISHED
    o["snapshot"].save()
    client = world.client("secretary_a")
    response = client.post("/api/activities/", {
        "owner_branch": o["grass_a"].pk, "date": "2026-08-15", "title": "三季度活动", "kind": o["kind"].pk,
    }, format="json")
    assert response.status_code == 400
    assert "已发布" in response.json()["date"][0]
    # A Q2 activity stays editable. A manual score follows the page's rule (scoring.services): the
    # organisation department may review it; the published version does not move (it counts in a correction).
    assert client.patch(f"/api/activities/{o['activity_a'].pk}/", {"title": "改", "version": o["activity_a"].version},
                        format="json").status_code == 200
    admin = world.client("org_admin")
    before = admin.get(f"/api/ranking-entries/?snapshot={o['snapshot'].pk}").content
    score = admin.patch(f"/api/manual-scores/{o['manual_score'].pk}/",
                        {"points": "9", "reason": "复核", "version": o["manual_score"].version}, format="json")
    assert score.status_code == 200 and score.json()["points"] == "9.00"
    assert admin.get(f"/api/ranking-entries/?snapshot={o['snapshot'].pk}").content == before


def test_evidence_upload_checks_content_like_the_page(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    o = world.objects
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not really a photo", content_type="image/jpeg")
    response = world.client("secretary_a").post("/api/evidence/", {"activity": o["activity_a"].pk, "files": [fake]},
                                                format="multipart")
    assert response.status_code == 400
    assert "photo.jpg" in response.json()["files"][0]
