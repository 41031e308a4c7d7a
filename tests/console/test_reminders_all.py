"""Reminders of every due and overdue thing, with correct dates and links, in the app and by e-mail through a
real SMTP server; a person sees and mutes their own kinds."""

import datetime

import pytest
from django.urls import reverse

from branches import services
from branches.models import REMINDER_KINDS, MutedReminder, Notification, Role
from supervision import services as supervision_services
from supervision.models import Finding, Rectification
from tests.factories import user_with_role
from tests.smtp import body_text, smtp_server

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def rectification(world):
    admin = world.users["org_admin"]
    inspector = world.users["inspector"]
    supervision_round = supervision_services.create_round(year=2026, name="督导", by=admin)
    group = supervision_services.create_group(supervision_round=supervision_round, name="一组", leader=inspector,
                                              members=[inspector], by=admin)
    supervision_services.add_branch_to_group(group=group, branch=world.grassroots, by=admin)
    visit = supervision_services.record_visit(
        group=group, branch=world.grassroots, date=datetime.date(2026, 9, 10), by=inspector,
        findings=[{"kind": Finding.Kind.SHORTCOMING, "title": "组织生活不规范", "text": "",
                   "deadline": datetime.date(2026, 10, 10)}])
    return visit.findings.get().rectification


def test_overdue_rectification_and_tasks_reach_the_secretary_with_dates_and_links(world, rectification, client):
    services.send_reminders(today=MONDAY)
    mine = {n.kind: n for n in Notification.objects.filter(user=world.users["secretary"])}
    assert {"rectification_due", "tasks_overdue", "pair_behind"} <= set(mine)
    rect = mine["rectification_due"]
    assert "整改期限 2026-10-10，已逾期 44 天" in rect.body
    assert rect.link == reverse("supervision:rectification_detail", args=[rectification.pk])
    assert "2026-03-31" in mine["tasks_overdue"].body  # the task's own due date
    client.force_login(world.users["secretary"])
    html = client.get(reverse("branches:notifications")).content.decode()
    assert "没有通知" not in html and "组织生活不规范" in html


def test_a_missing_plan_after_the_deadline_says_how_late_not_before(world):
    world.plan.delete()  # the department's 2026 plan
    result = services.remind_missing_plans(year=2026, today=MONDAY)
    assert result.created
    note = Notification.objects.filter(user=world.users["department"], kind="plan_missing").get()
    assert "备案截止日 2026-01-31 已过 296 天" in note.body and "前向组织部门备案" not in note.body


def test_recheck_due_reminds_the_groups_inspectors(world, rectification):
    inspector, secretary = world.users["inspector"], world.users["secretary"]
    supervision_services.transition_rectification(rectification=rectification, to_state=Rectification.State.RECTIFYING,
                                                  by=secretary)
    supervision_services.transition_rectification(rectification=rectification, to_state=Rectification.State.SUBMITTED,
                                                  by=secretary, response="已整改")
    supervision_services.transition_rectification(rectification=rectification, to_state=Rectification.State.CLOSED,
                                                  by=inspector)
    Rectification.objects.filter(pk=rectification.pk).update(recheck_on=MONDAY + datetime.timedelta(days=3))
    services.send_reminders(today=MONDAY)
    note = Notification.objects.get(user=inspector, kind="recheck_due")
    assert "应于 2026-11-26 回头看" in note.body and "曲堤管理区党支部" in note.body
    assert not Notification.objects.filter(user=secretary, kind="recheck_due").exists()


def test_a_person_mutes_a_kind_and_no_longer_gets_it(world, client, rectification):
    secretary = world.users["secretary"]
    client.force_login(secretary)
    page = client.get(reverse("branches:notifications")).content.decode()
    assert "整改事项到期或逾期" in page
    keep = [k for k in REMINDER_KINDS if k != "rectification_due"]
    client.post(reverse("branches:notification_mute"), {"receive": keep})
    assert list(MutedReminder.objects.filter(user=secretary).values_list("kind", flat=True)) == ["rectification_due"]
    services.send_reminders(today=MONDAY)
    kinds = set(Notification.objects.filter(user=secretary).values_list("kind", flat=True))
    assert "rectification_due" not in kinds and "tasks_overdue" in kinds
    committee = user_with_role(Role.Kind.COMMITTEE, branch=world.grassroots, username="t_committee2")
    assert Notification.objects.filter(user=committee).count() == 0  # created after the run
    services.send_reminders(today=MONDAY + datetime.timedelta(days=7))
    assert Notification.objects.filter(user=committee, kind="rectification_due").exists(), "only her own mute"


def test_reminders_are_emailed_through_a_real_smtp_server(world, rectification, settings):
    secretary = world.users["secretary"]
    secretary.email = "shuji@example.com"
    secretary.save()
    with smtp_server() as (port, inbox):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
        settings.SITE_URL = "https://dangjian.example.intranet"
        result = services.send_reminders(today=MONDAY)
    assert result.emailed >= 1
    to_secretary = [m for m in inbox if m["To"] == "shuji@example.com"]
    assert len(to_secretary) == 1
    text = body_text(to_secretary[0])
    assert "整改事项逾期：组织生活不规范" in text
    assert f"https://dangjian.example.intranet{reverse('supervision:rectification_detail', args=[rectification.pk])}" in text
    assert "党建工作提醒" in to_secretary[0]["Subject"]
    assert Notification.objects.filter(user=secretary, emailed_at__isnull=False).exists()
