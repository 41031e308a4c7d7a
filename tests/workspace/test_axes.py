"""django-axes locks an account after five failed logins, and says so in Chinese."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_five_failures_lock_the_account(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 5
    url = reverse("login")
    for _ in range(4):
        response = client.post(url, {"username": "sec_g01", "password": "wrong"})
        assert response.status_code == 200 and "账号已被暂时锁定" not in response.content.decode()
    response = client.post(url, {"username": "sec_g01", "password": "wrong"})
    assert response.status_code == 429
    assert "登录失败次数过多，该账号已被暂时锁定" in response.content.decode()
    # Even the right password is refused now.
    from tests.factories import DEMO_PASSWORD

    response = client.post(url, {"username": "sec_g01", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_right_password_logs_the_secretary_into_the_workspace(client, world):
    from tests.factories import DEMO_PASSWORD

    response = client.post(reverse("login"), {"username": "sec_g01", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("pairing:home")
    assert "曲堤管理区党支部" in response.content.decode()
