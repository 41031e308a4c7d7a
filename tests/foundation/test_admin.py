"""Every model registered in the admin opens, in Chinese, for the organisation department's superuser."""

import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from branches.models import Notification
from pairing.models import Activity, Evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    call_command("seed_demo", stdout=io.StringIO())
    admin_user = Notification._meta.get_field("user").related_model.objects.get(username="orgadmin")
    Notification.objects.create(user=admin_user, kind="plan_missing", key="demo:plan", title="年度方案尚未备案")
    Evidence.objects.create(
        activity=Activity.objects.first(), file=SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n%%EOF\n"),
        original_name="签到表.pdf", content_type="application/pdf", size=14,
    )
    client.force_login(admin_user)
    return client


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def test_every_changelist_and_first_change_form_loads_in_chinese(superuser_client):
    index = superuser_client.get(reverse("admin:index")).content.decode()
    assert "党建“三种模式”管理平台" in index and "共建对子" in index
    opened = set()
    for model in registered_models():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = superuser_client.get(url)
        assert response.status_code == 200, f"{opts.label}: {response.status_code}"
        html = response.content.decode()
        assert 'lang="zh-hans"' in html, opts.label
        assert str(opts.verbose_name_plural) in html or str(opts.verbose_name) in html, opts.label
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            assert superuser_client.get(change).status_code == 200, f"{opts.label} change form"
            opened.add(opts.app_label + "." + opts.object_name)
    # The demo data gives every model of the organisation and the three modes an object to open.
    ours = {m._meta.label for m in registered_models() if m._meta.app_label in ("branches", "pairing")}
    assert ours and ours <= opened, ours - opened
