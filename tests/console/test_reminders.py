"""Weekly reminders: who is notified of what, idempotence, e-mail, the command and the filing board action."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from branches import services
from branches.models import Notification, Role, YearSettings
from branches.tasks import send_weekly_reminders
from pairing.models import AnnualPlan
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


def test_behind_items_reach_the_secretaries_and_department_heads(world):
    committee = user_with_role(Role.Kind.COMMITTEE, branch=world.office, username="t_committee")
    hr_secretary = user_with_role(Role.Kind.SECRETARY, branch=world.hr, username="t_hr")
    result = services.send_reminders(today=MONDAY)
    assert result.created > 0
    secretary = set(Notification.objects.filter(user=world.users["secretary"]).values_list("kind", flat=True))
    # the pair has 1 joint activity of the 4 due by Q4, and an overdue claimed task
    assert {"pair_behind", "tasks_overdue"} <= secretary
    assert Notification.objects.filter(user=committee, kind="pair_behind").exists()
    hr_kinds = set(Notification.objects.filter(user=hr_secretary).values_list("kind", flat=True))
    assert {"partnership_behind", "exchange_missing"} <= hr_kinds
    dept = Notification.objects.get(user=world.users["department"], kind="targets_behind")
    assert "往月目标尚未标记" in dept.body
    assert dept.link.startswith(reverse("branches:department_home"))
    # the viewer and the inspector own nothing and get nothing
    assert not Notification.objects.filter(user__in=[world.users["viewer"], world.users["inspector"]]).exists()


def test_running_twice_in_a_week_sends_nothing_new(world):
    first = services.send_reminders(today=MONDAY)
    count = Notification.objects.count()
    assert first.created == count > 0
    second = services.send_reminders(today=MONDAY + datetime.timedelta(days=2))
    assert second.created == 0
    assert Notification.objects.count() == count
    next_week = services.send_reminders(today=MONDAY + datetime.timedelta(days=7))
    assert next_week.created > 0


def test_the_celery_task_and_the_command_share_the_idempotence(world):
    out = io.StringIO()
    call_command("send_reminders", "--date", MONDAY.isoformat(), stdout=out)
    count = Notification.objects.count()
    assert count > 0 and f"created={count}" in out.getvalue()
    assert send_weekly_reminders.delay(MONDAY.isoformat()).get()["created"] == 0
    out = io.StringIO()
    call_command("send_reminders", "--date", MONDAY.isoformat(), stdout=out)
    assert "created=0" in out.getvalue()


def test_mail_is_sent_only_when_a_mail_server_is_configured(world, settings):
    world.users["secretary"].email = "sec@example.com"
    world.users["secretary"].save()
    settings.EMAIL_HOST = ""
    services.send_reminders(today=MONDAY)
    assert mail.outbox == []
    settings.EMAIL_HOST = "smtp.example.com"
    services.send_reminders(today=MONDAY + datetime.timedelta(days=7))
    assert [m.to for m in mail.outbox] == [["sec@example.com"]]
    assert "共建活动进度滞后" in mail.outbox[0].body
    assert Notification.objects.filter(user=world.users["secretary"], emailed_at__isnull=False).exists()


def test_a_pair_on_pace_early_in_the_year_hears_nothing(world):
    AnnualPlan.objects.all().delete()
    YearSettings.objects.create(year=2026, plan_deadline=datetime.date(2026, 1, 31))
    services.send_reminders(today=datetime.date(2026, 1, 5))
    # Q1 asks for 1 joint activity (done), no month has passed, the task is not due, the deadline is 26 days off
    assert not Notification.objects.filter(user=world.users["secretary"]).exists()
    assert not Notification.objects.filter(kind="plan_missing").exists()
    services.send_reminders(today=datetime.date(2026, 1, 20))  # within 14 days of the deadline
    assert Notification.objects.filter(user=world.users["secretary"], kind="plan_missing").exists()


def test_filing_board_reminds_those_missing_once_a_week(world, client_for):
    AnnualPlan.objects.all().delete()
    client = client_for("org_admin")
    board = client.get(reverse("branches:filing") + "?year=2026")
    html = board.content.decode()
    assert "未备案" in html and world.pair.lead_branch.name in html
    response = client.post(reverse("branches:filing_remind"), {"year": 2026}, follow=True)
    assert "已向" in response.content.decode()
    assert Notification.objects.filter(user=world.users["secretary"], kind="plan_missing").count() == 1
    other_dept = Notification.objects.filter(kind="plan_missing", user=world.users["department"])
    assert not other_dept.exists(), "the department's plan is filed"
    response = client.post(reverse("branches:filing_remind"), {"year": 2026}, follow=True)
    assert "本周已提醒过" in response.content.decode()
    assert Notification.objects.filter(kind="plan_missing").count() == 1


def test_unread_count_shows_and_clears(world, client_for):
    services.send_reminders(today=MONDAY)
    client = client_for("secretary")
    unread = Notification.objects.filter(user=world.users["secretary"], read_at__isnull=True).count()
    page = client.get(reverse("branches:notifications"))
    assert page.context["unread_notifications"] == unread > 0
    client.post(reverse("branches:notification_read_all"))
    page = client.get(reverse("branches:notifications"))
    assert page.context["unread_notifications"] == 0
