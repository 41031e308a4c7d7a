"""Tokens: a person creates and revokes their own on the profile page; a token reads exactly what the
person may read in the browser."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient


def _shown_key(html: str) -> str | None:
    match = re.search(r'id="token-key"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else None


def test_create_use_and_revoke_a_token_on_the_profile_page(world):
    user = world.users["secretary_a"]
    browser = Client()
    browser.force_login(user)
    page = browser.get("/accounts/profile/")
    assert page.status_code == 200
    assert "生成令牌" in page.content.decode()

    created = browser.post("/accounts/profile/", {"action": "create"})
    key = _shown_key(created.content.decode())
    assert key and "只显示这一次" in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    # Shown once: the page never shows it again, and the database holds only its digest.
    again = browser.get("/accounts/profile/")
    assert key not in again.content.decode() and _shown_key(again.content.decode()) is None
    assert "no-store" in again["Cache-Control"] and "private" in again["Cache-Control"]
    token = AuthToken.objects.get(user=user)
    assert key not in {token.digest, token.token_key} and key.startswith(token.token_key)
    assert token.expiry is not None and token.expiry > timezone.now() + timedelta(days=30)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/activities/").status_code == 200

    browser.post("/accounts/profile/", {"action": "create"})  # replacing invalidates the old key
    assert api.get("/api/activities/").status_code == 401

    browser.post("/accounts/profile/", {"action": "revoke"})
    assert not AuthToken.objects.filter(user=user).exists()
    assert "您还没有 API 令牌" in browser.get("/accounts/profile/").content.decode()


def test_an_expired_token_is_refused(world):
    user = world.users["viewer"]
    token, key = AuthToken.objects.create(user=user, expiry=timedelta(seconds=-1))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/pairs/").status_code == 401
    fresh_token, fresh = AuthToken.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    assert api.get("/api/pairs/").status_code == 200


def test_the_profile_page_needs_a_login(db):
    response = Client().get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_secretarys_token_cannot_see_another_branchs_activity(world):
    o = world.objects
    client = world.client("secretary_a")
    assert client.get(f"/api/activities/{o['activity_a'].pk}/").status_code == 200
    assert client.get(f"/api/activities/{o['activity_b'].pk}/").status_code == 404
    assert client.patch(f"/api/activities/{o['activity_b'].pk}/", {"title": "x"}, format="json").status_code == 404
    listed = {row["id"] for row in client.get("/api/activities/").json()["results"]}
    assert o["activity_b"].pk not in listed


def test_session_authentication_works_too(world):
    browser = Client()
    browser.force_login(world.users["viewer"])
    assert browser.get("/api/pairs/").status_code == 200
    # A viewer reads but never writes.
    assert browser.post("/api/pairs/", {}, content_type="application/json").status_code == 403


def test_compile_is_queued_and_its_progress_readable(world, django_capture_on_commit_callbacks):
    client = world.client("org_admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/rankings/compile/", {"quarter": "2026Q3"}, format="json")
    assert response.status_code == 202
    job = response.json()
    assert job["quarter"] == "2026Q3" and job["id"]
    progress = client.get(f"/api/compile-jobs/{job['id']}/").json()
    assert progress["state"] in ("queued", "running", "done", "failed")
    assert progress["finished"] is True  # tests run the task in-process
    bad = client.post("/api/rankings/compile/", {"quarter": "2026-3"}, format="json")
    assert bad.status_code == 400 and "2026Q3" in bad.json()["quarter"][0]
