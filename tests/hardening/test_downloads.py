"""Downloads are named and typed by what the file is; only images open inline; the API's file links
are the scoped download pages and work for the reader; an absurdly long file name gets a Chinese 400."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.api.conftest import PNG_BYTES

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _upload(world, name: str, content: bytes, content_type: str) -> dict:
    response = world.client("secretary_a").post(
        "/api/evidence/", {"activity": world.objects["activity_a"].pk,
                           "files": [SimpleUploadedFile(name, content, content_type=content_type)]},
        format="multipart")
    assert response.status_code == 201, response.content[:300]
    body = response.json()
    return body[0] if isinstance(body, list) else body.get("results", [body])[0]


def _get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_an_image_named_html_downloads_as_the_image_it_is(world):
    row = _upload(world, "poly.html", PNG_BYTES, "text/html")
    response = _get(world.client("secretary_a"), row["file"])
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline") and 'filename="poly.png"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_a_pdf_with_a_script_is_an_attachment_never_shown_inline(world):
    row = _upload(world, "会议记录.pdf", PDF_BYTES, "application/pdf")
    response = _get(world.client("secretary_a"), row["file"])
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and ".pdf" in disposition
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_apis_file_and_thumbnail_links_work_for_the_reader_only(world):
    row = _upload(world, "签到表.png", PNG_BYTES, "image/png")
    assert "/media/" not in row["file"] and "/media/" not in row["thumbnail"]
    owner = world.client("secretary_a")
    assert _get(owner, row["file"])["Content-Type"] == "image/png"
    assert _get(owner, row["thumbnail"])["Content-Type"] == "image/jpeg"
    listed = owner.get(f"/api/evidence/{row['id']}/").json()
    assert listed["file"] == row["file"]
    # Another branch's secretary gets nothing from the same link.
    assert world.client("secretary_b").get(row["file"]).status_code == 404


def test_the_fixtures_evidence_link_in_the_api_works_in_a_browser_session(world):
    evidence = world.objects["evidence"]
    row = world.client("org_admin").get(f"/api/evidence/{evidence.pk}/").json()
    browser = Client()
    browser.force_login(world.users["org_admin"])
    assert browser.get(row["file"]).status_code == 200


def test_a_5000_character_file_name_is_kept_short_or_refused_in_chinese(world):
    name = "照" * 5000 + ".png"
    response = world.client("secretary_a").post(
        "/api/evidence/", {"activity": world.objects["activity_a"].pk,
                           "files": [SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")]},
        format="multipart")
    if response.status_code == 400:
        assert CHINESE.search(str(response.json())), response.json()
        return
    assert response.status_code == 201
    row = response.json()[0] if isinstance(response.json(), list) else response.json()
    assert len(row["original_name"]) <= 255
    download = _get(world.client("secretary_a"), row["file"])
    assert len(download["Content-Disposition"]) < 2000 and ".png" in download["Content-Disposition"]


def test_an_unreadable_upload_body_is_refused_in_chinese(world):
    """A multipart body Django cannot parse (here: no boundary) answers 400 in Chinese, page and API."""
    api = world.client("secretary_a")
    response = api.generic("POST", "/api/evidence/", b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "请求内容无法读取" in response.json()["detail"]
    browser = Client()
    browser.force_login(world.users["secretary_a"])
    page = browser.generic("POST", f"/work/activities/{world.objects['activity_a'].pk}/evidence/", b"--x\r\n",
                           content_type="multipart/form-data")
    assert page.status_code == 400
    assert "请求内容无法读取" in page.content.decode()


def test_a_departments_file_link_in_the_api_works_with_the_token(world):
    from django.core.files.base import ContentFile

    evidence = world.objects["duty_evidence"]
    evidence.file.save("duty.pdf", ContentFile(PDF_BYTES), save=True)
    client = world.client("department")
    link = client.get(f"/api/duty-evidence/{evidence.pk}/").json()["file"]
    response = _get(client, link)
    assert response["Content-Disposition"].startswith("attachment")
    assert world.client("secretary_b").get(link).status_code == 404
