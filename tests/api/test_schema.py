"""The OpenAPI schema builds without warnings; the docs render from local static files."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    assert text.startswith("openapi: 3")
    for path in ("/api/pairs/", "/api/activities/", "/api/evidence/", "/api/rankings/compile/",
                 "/api/ranking-entries/", "/api/rectifications/{id}/transition/", "/api/monthly-targets/"):
        assert f"{path}:" in text, path


@pytest.mark.django_db
def test_schema_endpoint_and_docs_are_served_offline(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    for url in ("/api/docs/", "/api/redoc/"):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        scripts = re.findall(r'src="([^"]+)"', html)
        assert scripts, url
        assert all(s.startswith(("/static/", "/api/docs/?script")) for s in scripts), scripts
        assert "cdn" not in html.lower()
        assert "googleapis" not in html and "gstatic" not in html  # no web fonts either
        assert "<script>" not in html  # the start-up script is a file too (CSP)
