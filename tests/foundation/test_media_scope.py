"""Uploaded files are never served by their path alone."""

import pytest
from django.core.files.base import ContentFile

from branches.models import Duty, DutyEvidence, Role, Unit
from tests.factories import UnitFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence():
    unit = UnitFactory(kind=Unit.Kind.DEPARTMENT)
    duty = Duty.objects.create(code="zzjs", name="政治建设")
    record = DutyEvidence(unit=unit, year=2026, duty=duty, stage="researched", date="2026-03-01", description="专题研究")
    record.file.save("minutes.pdf", ContentFile(b"%PDF-1.4 minutes"), save=True)
    return record


def test_the_department_reads_its_own_file(client, evidence):
    client.force_login(user_with_role(Role.Kind.DEPARTMENT, unit=evidence.unit))
    response = client.get(evidence.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_department_gets_404(client, evidence):
    other = UnitFactory(kind=Unit.Kind.DEPARTMENT)
    client.force_login(user_with_role(Role.Kind.DEPARTMENT, unit=other))
    assert client.get(evidence.file.url).status_code == 404


def test_a_path_no_record_references_is_404_even_for_the_org_admin(client, evidence):
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    assert client.get("/media/evidence/2026/05/anything.jpg").status_code == 404


def test_anonymous_is_sent_to_login(client, evidence):
    response = client.get(evidence.file.url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
