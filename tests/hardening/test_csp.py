"""Content-Security-Policy: scripts only from our static files; no page carries an inline script or an
on*= handler, so an injected one would not run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# (data for a script, `json_script`'s type="application/json", is not run and stays allowed)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)

ORG_PAGES = ["/org/", "/org/units/", "/org/units/new/", "/org/branches/", "/org/members/", "/org/people/",
             "/org/lockouts/", "/org/import/", "/org/year/", "/org/filing/", "/org/dashboard/", "/work/activities/",
             "/work/pairs/", "/cup/", "/cup/manual/", "/cup/rubrics/", "/supervision/", "/supervision/rounds/new/",
             "/supervision/cases/", "/accounts/profile/", "/api/docs/", "/api/redoc/"]
SECRETARY_PAGES = ["/work/", "/work/activities/new/", "/work/pairs/", "/org/notifications/"]


def _templates() -> list[Path]:
    folders = [Path(settings.BASE_DIR) / "templates"] + [Path(settings.BASE_DIR) / app / "templates"
                                                           for app in ("branches", "pairing", "scoring", "supervision")]
    return [p for folder in folders if folder.exists() for p in folder.rglob("*.html")]


def test_no_template_has_an_inline_script_or_handler():
    offenders = [str(p) for p in _templates()
                 if INLINE_SCRIPT.search(p.read_text(encoding="utf-8")) or HANDLER.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert len(_templates()) > 50


EXTERNAL_ADDRESS = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//[^"'\s>)]*""", re.I)


def _check(response, url):
    assert response.status_code == 200, (url, response.status_code)
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'", policy
    assert "'unsafe-inline'" not in directives["default-src"]
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
    assert not HANDLER.search(html), (url, HANDLER.search(html).group(0))
    # Only addresses count: a random CSRF token may spell "cdn".
    outside = EXTERNAL_ADDRESS.search(html)
    assert not outside, (url, outside.group(0))


@pytest.mark.parametrize("url", ORG_PAGES)
def test_the_organisation_departments_pages_run_under_the_policy(world, url):
    client = Client()
    client.force_login(world.users["org_admin"])
    _check(client.get(url), url)


@pytest.mark.parametrize("url", SECRETARY_PAGES)
def test_a_secretarys_pages_run_under_the_policy(world, url):
    client = Client()
    client.force_login(world.users["secretary_a"])
    _check(client.get(url), url)


@pytest.mark.django_db
def test_the_login_page_runs_under_the_policy(client):
    _check(client.get("/accounts/login/"), "/accounts/login/")
