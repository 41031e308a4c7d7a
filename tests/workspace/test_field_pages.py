"""The pieces of logging from the field that pages serve: the installable app's manifest and service
worker, the 待发送 page, the roster's search and shortcuts, folding sections, and 我来领办."""

import json

import pytest
from django.urls import reverse

from branches.models import Role
from pairing.models import ProjectTask
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_app_serves_its_own_manifest_and_service_worker(client, world):
    manifest = client.get("/manifest.webmanifest")
    data = json.loads(manifest.content)
    assert manifest["Content-Type"] == "application/manifest+json"
    assert data["display"] == "standalone" and data["start_url"] == "/"
    assert all(icon["src"].startswith("/static/") for icon in data["icons"])
    worker = client.get("/sw.js")
    script = worker.content.decode()
    assert worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    assert "/static/js/outbox.js" in script and "/offline/" in script
    assert "http" not in script.replace("self.location", "")  # nothing from another site
    assert client.get("/offline/").status_code == 200


def test_every_page_of_a_signed_in_person_carries_the_outbox_badge_and_no_inline_script(client, world):
    client.force_login(world.users.secretary)
    for url in (reverse("pairing:home"), reverse("pairing:activity_create"), reverse("pairing:outbox")):
        html = client.get(url).content.decode()
        assert 'id="app-outbox"' in html and "待发送" in html
        assert 'rel="manifest"' in html and 'name="app-service-worker"' in html
        assert "<script>" not in html  # scripts live in static files (no inline script under a CSP)


def test_the_outbox_page_explains_when_nothing_waits(client, world):
    client.force_login(world.users.secretary)
    html = client.get(reverse("pairing:outbox")).content.decode()
    assert "没有待发送的记录" in html and "js/outbox_page.js" in html


def test_the_roster_has_search_and_shortcuts_and_knows_who_works_at_the_outside_unit(client, world):
    client.force_login(world.users.hr_secretary)
    away = MemberFactory(branch=world.hr, name="外闯党员", outside_org=world.partnership.external_org)
    html = client.get(reverse("pairing:activity_create")).content.decode()
    assert 'id="ws-attendee-search"' in html
    assert "本支部全体" in html and "本单位党员" in html
    assert f'data-org="{world.partnership.external_org_id}"' in html  # the partnership's option and the member
    assert f'id="att_{away.pk}"' in html


def test_evidence_chooser_offers_types_and_camera_shots(client, world):
    client.force_login(world.users.secretary)
    html = client.get(reverse("pairing:activity_create")).content.decode()
    assert 'data-kind="photo"' in html and 'data-kind="sign_in"' in html
    assert "现场照片" in html and "签到表" in html  # the type choices handed to the page script
    assert 'id="ws-progress"' in html


def test_long_pair_page_sections_fold(client, world):
    client.force_login(world.users.secretary)
    html = client.get(reverse("pairing:pair_detail", args=[world.pair.pk])).content.decode()
    assert html.count("data-fold") >= 4 and "js/folding.js" in html


def test_i_claim_it_preselects_my_own_member_record(client, world, today):
    me = world.g_members[0]
    Role.objects.filter(user=world.users.secretary).update(member=me)
    client.force_login(world.users.secretary)
    page = client.get(reverse("pairing:pair_detail", args=[world.pair.pk])).content.decode()
    assert "我来领办" in page
    form = client.get(reverse("pairing:task_claim", args=[world.task.pk]) + "?me=1").content.decode()
    assert f'<option value="{me.pk}" selected>' in form
    client.post(reverse("pairing:task_claim", args=[world.task.pk]) + "?me=1",
                {"claimant": me.pk, "commitment": "一周内完成初稿", "claimed_on": today.isoformat()})
    task = ProjectTask.objects.get(pk=world.task.pk)
    assert task.claimant == me and task.status == ProjectTask.Status.CLAIMED
    page = client.get(reverse("pairing:pair_detail", args=[world.pair.pk])).content.decode()
    assert "我来领办" not in page  # already mine


def test_no_claim_button_for_someone_without_a_member_record(client, world):
    client.force_login(world.users.secretary)
    page = client.get(reverse("pairing:pair_detail", args=[world.pair.pk])).content.decode()
    assert "我来领办" not in page
