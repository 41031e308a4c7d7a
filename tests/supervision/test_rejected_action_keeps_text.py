"""A rejected action on a rectification shows the page again with what was typed, not an empty form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supervision import services
from supervision.models import Rectification

from .conftest import shortcoming

S = Rectification.State
pytestmark = pytest.mark.django_db


def test_a_rejected_submission_keeps_the_typed_response(client, world):
    r = shortcoming(world)
    services.transition_rectification(rectification=r, to_state=S.RECTIFYING, by=world.secretary)
    client.force_login(world.secretary)
    typed = "建立外闯党员教育管理台账，每月线上组织生活一次"
    response = client.post(reverse("supervision:rectification_transition", args=[r.pk]), {
        "to_state": S.SUBMITTED, "response": typed,
        "files": SimpleUploadedFile("report.exe", b"MZ\x90\x00 not a document", content_type="application/pdf"),
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert typed in page
    assert "report.exe" in page  # the reason it was refused
    r.refresh_from_db()
    assert r.state == S.RECTIFYING and r.response == ""


def test_a_reopening_without_a_reason_is_refused_and_the_page_stays(client, world):
    r = shortcoming(world)
    services.transition_rectification(rectification=r, to_state=S.RECTIFYING, by=world.secretary)
    services.transition_rectification(rectification=r, to_state=S.SUBMITTED, by=world.secretary, response="已整改")
    client.force_login(world.inspector)
    response = client.post(reverse("supervision:rectification_transition", args=[r.pk]),
                           {"to_state": S.RETURNED, "note": "  "})
    assert response.status_code == 200
    assert "已整改" in response.content.decode()
    r.refresh_from_db()
    assert r.state == S.SUBMITTED
