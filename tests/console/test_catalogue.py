"""Duties and activity kinds kept in the console (the organisation department needs no admin for them)."""

import pytest
from django.urls import reverse

from branches.models import Duty
from pairing.models import ActivityKind

pytestmark = pytest.mark.django_db


def test_duties_and_activity_kinds_listed_added_and_changed(world, client_for):
    client = client_for("org_admin")
    page = client.get(reverse("branches:catalogue")).content.decode()
    assert "政治建设" in page and "主题党日" in page
    response = client.post(reverse("branches:duty_create"), {"code": "integrity", "name": "廉洁从业", "sort_order": 6,
                                                             "is_active": "on"})
    assert response.status_code == 302 and Duty.objects.filter(code="integrity", name="廉洁从业").exists()
    kind = ActivityKind.objects.get(code="theme_day")
    response = client.post(reverse("branches:activity_kind_edit", args=[kind.pk]), {
        "code": "theme_day", "name": "“3+1+X”主题党日", "category": kind.category, "counts_as_joint": "on",
        "sort_order": 1, "is_active": "on"})
    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.name == "“3+1+X”主题党日"
    duplicate = client.post(reverse("branches:duty_create"), {"code": "integrity", "name": "重复", "sort_order": 0})
    assert duplicate.status_code == 400 and 'value="重复"' in duplicate.content.decode()


@pytest.mark.parametrize("role", ["secretary", "department", "viewer", "inspector"])
def test_only_the_organisation_department(world, client_for, role):
    client = client_for(role)
    assert client.get(reverse("branches:catalogue")).status_code == 403
    assert client.post(reverse("branches:duty_create"), {"code": "x", "name": "x"}).status_code == 403
    assert not Duty.objects.filter(code="x").exists()
