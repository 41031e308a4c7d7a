"""Tokens: a person creates and revokes their own on the profile page; a token reads exactly what the
person may read in the browser."""

from __future__ import annotations

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def test_create_use_and_revoke_a_token_on_the_profile_page(world):
    user = world.users["secretary_a"]
    browser = Client()
    browser.force_login(user)
    page = browser.get("/accounts/profile/")
    assert page.status_code == 200
    assert "生成令牌" in page.content.decode()

    browser.post("/accounts/profile/", {"action": "create"})
    token = Token.objects.get(user=user)
    assert token.key in browser.get("/accounts/profile/").content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/activities/").status_code == 200

    browser.post("/accounts/profile/", {"action": "create"})  # replacing invalidates the old key
    assert api.get("/api/activities/").status_code == 401

    browser.post("/accounts/profile/", {"action": "revoke"})
    assert not Token.objects.filter(user=user).exists()
    assert "您还没有 API 令牌" in browser.get("/accounts/profile/").content.decode()


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
