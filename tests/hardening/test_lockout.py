"""Five wrong passwords lock a user name from one address only; the organisation department unlocks it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DEMO_PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

LOCKED = "账号已被暂时锁定"


def _login(username: str, password: str, ip: str):
    client = Client(REMOTE_ADDR=ip)
    return client, client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def people(settings):
    settings.AXES_FAILURE_LIMIT = 5
    admin = user_with_role("org_admin", username="orgadmin_t")
    secretary = user_with_role("secretary", username="sec_t")
    return admin, secretary


def _lock(username: str, ip: str) -> None:
    for _ in range(5):
        _login(username, "wrong", ip)


def test_wrong_passwords_lock_the_name_from_that_address_only(people):
    admin, _secretary = people
    _lock(admin.username, "10.0.0.66")
    _client, response = _login(admin.username, DEMO_PASSWORD, "10.0.0.66")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # The owner at their own desk still logs in, and others from the guessing machine too.
    client, response = _login(admin.username, DEMO_PASSWORD, "10.0.0.5")
    assert response.status_code == 302 and "_auth_user_id" in client.session
    client, response = _login("sec_t", DEMO_PASSWORD, "10.0.0.66")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_organisation_department_sees_and_unlocks_a_locked_login(people):
    admin, secretary = people
    _lock(secretary.username, "10.0.0.77")
    console = Client()
    console.force_login(admin)
    page = console.get(reverse("branches:lockouts")).content.decode()
    assert "sec_t" in page and "10.0.0.77" in page
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="sec_t")
    response = console.post(reverse("branches:lockout_unlock", args=[attempt.pk]), follow=True)
    assert "已解锁" in response.content.decode()
    assert "当前没有被锁定的登录" in response.content.decode()
    client, response = _login("sec_t", DEMO_PASSWORD, "10.0.0.77")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_only_the_organisation_department_may_unlock(people):
    _admin, secretary = people
    _lock("orgadmin_t", "10.0.0.88")
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="orgadmin_t")
    client = Client()
    client.force_login(secretary)
    assert client.get(reverse("branches:lockouts")).status_code == 403
    assert client.post(reverse("branches:lockout_unlock", args=[attempt.pk])).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_the_lockout_page_has_an_empty_state(people):
    admin, _secretary = people
    client = Client()
    client.force_login(admin)
    assert "当前没有被锁定的登录" in client.get(reverse("branches:lockouts")).content.decode()
