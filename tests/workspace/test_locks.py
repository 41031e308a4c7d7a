"""Once the quarter's ranking is published, that quarter's records are read-only, and the page says why."""

import pytest
from django.urls import reverse

from branches.periods import Quarter
from pairing import services
from pairing.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_activity(world, today, lock_quarter, files):
    activity = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "已计分的活动"}, files=[files.png()])
    lock_quarter(Quarter.of(today))
    return activity


MESSAGE = "党建提质杯排名已发布，该季度的记录已锁定为只读"


def test_edit_and_delete_are_refused_with_the_reason(client, world, locked_activity):
    client.force_login(world.users.secretary)
    for name in ("pairing:activity_edit", "pairing:activity_delete"):
        response = client.post(reverse(name, args=[locked_activity.pk]), {"title": "改", "date": "2000-01-01"},
                               follow=True)
        assert MESSAGE in response.content.decode()
    locked_activity.refresh_from_db()
    assert locked_activity.title == "已计分的活动"
    assert Activity.objects.filter(pk=locked_activity.pk).exists()


def test_the_detail_hides_the_buttons_and_shows_a_notice(client, world, locked_activity):
    client.force_login(world.users.secretary)
    html = client.get(reverse("pairing:activity_detail", args=[locked_activity.pk])).content.decode()
    assert MESSAGE in html
    assert reverse("pairing:activity_edit", args=[locked_activity.pk]) not in html
    assert reverse("pairing:activity_delete", args=[locked_activity.pk]) not in html
    assert "evidence_delete" not in html and reverse("pairing:evidence_add", args=[locked_activity.pk]) not in html


def test_services_refuse_new_and_changed_records_in_the_locked_quarter(world, today, locked_activity, files):
    with pytest.raises(services.ValidationError, match="排名已发布"):
        services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
            "date": today, "kind": world.kind, "title": "补登"})
    with pytest.raises(services.ValidationError, match="排名已发布"):
        services.add_evidence(user=world.users.secretary, activity=locked_activity, files=[files.png()])
    with pytest.raises(services.ValidationError, match="排名已发布"):
        services.delete_evidence(user=world.users.secretary, evidence=locked_activity.evidence.get())
    with pytest.raises(services.ValidationError, match="排名已发布"):
        services.solve_problem(user=world.users.secretary, problem=world.problem, solution="已解决", solved_on=today)
    with pytest.raises(services.ValidationError, match="排名已发布"):
        services.record_meeting(user=world.users.secretary, owner=world.pair, data={"date": today, "topic": "会"})


def test_problem_page_shows_the_lock(client, world, locked_activity):
    client.force_login(world.users.secretary)
    response = client.get(reverse("pairing:problem_edit", args=[world.problem.pk]), follow=True)
    assert MESSAGE in response.content.decode()


def test_other_quarters_stay_open(world, today, lock_quarter):
    lock_quarter(Quarter.of(today).previous())
    activity = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "本季度"})
    services.update_activity(user=world.users.secretary, activity=activity, data={
        "date": today, "kind": world.kind, "title": "本季度（改）"})
    assert Activity.objects.get(pk=activity.pk).title == "本季度（改）"
