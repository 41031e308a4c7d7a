"""Logging, editing and deleting activities from the branch workspace."""

import datetime
import os

import pytest
from django.urls import reverse

from pairing import selectors, services
from pairing.models import Activity
from tests.workspace.pages import home_figures

pytestmark = pytest.mark.django_db


def _data(world, today, **extra):
    return {"date": today.isoformat(), "kind": world.kind.pk, "title": "联合开展主题党日", "guest_count": 2,
            "location": "曲堤管理区会议室", "summary": "学习贯彻会议精神", **extra}


def test_home_count_moves_after_logging_an_activity(client, world, today, files):
    client.force_login(world.users.secretary)
    before = home_figures(client)
    response = client.post(reverse("pairing:activity_create"), _data(
        world, today, joint=f"pair:{world.pair.pk}", branches=[world.lead.pk],
        attendees=[world.g_members[0].pk, world.o_members[0].pk], files=[files.png(), files.png("b.png")]))
    activity = Activity.objects.get(title="联合开展主题党日")
    assert response.status_code == 302 and response["Location"] == reverse("pairing:activity_detail", args=[activity.pk])
    after = home_figures(client)  # the page cached before the activity was logged is not shown again
    assert after["quarter"] == before["quarter"] + 1
    assert after["pace"][0] == before["pace"][0] + 1
    assert set(activity.branches.all()) == {world.grassroots, world.lead}
    assert activity.evidence.count() == 2 and activity.created_by == world.users.secretary


def test_opened_from_the_pair_page_the_pair_and_partner_are_preselected(client, world):
    client.force_login(world.users.secretary)
    response = client.get(reverse("pairing:activity_create") + f"?pair={world.pair.pk}")
    form = response.context["form"]
    assert form["joint"].value() == f"pair:{world.pair.pk}"
    assert [int(v) for v in form["branches"].value()] == [world.lead.pk]
    html = response.content.decode()
    assert 'accept="image/*,.pdf,.doc,.docx,.xls,.xlsx"' in html and 'capture="environment"' in html
    # The roster of both branches is offered as checkboxes.
    assert world.g_members[0].name in html and world.o_members[0].name in html
    assert world.x_member.name not in html


def test_opening_with_someone_elses_pair_answers_404(client, world):
    client.force_login(world.users.secretary)
    assert client.get(reverse("pairing:activity_create") + f"?pair={world.other_pair.pk}").status_code == 404


def test_ticking_the_partner_branch_makes_it_the_pairs_joint_activity(world, today):
    activity = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "联学", "branches": [world.lead]})
    assert activity.pair == world.pair


def test_a_rejected_form_keeps_what_was_typed(client, world, today):
    client.force_login(world.users.secretary)
    future = today + datetime.timedelta(days=3)
    response = client.post(reverse("pairing:activity_create"), _data(
        world, today, date=future.isoformat(), attendees=[world.g_members[1].pk]))
    assert response.status_code == 200
    assert "日期不能晚于今天" in str(response.context["form"].errors["date"])
    html = response.content.decode()
    assert 'value="联合开展主题党日"' in html and "学习贯彻会议精神" in html
    assert f'value="{world.g_members[1].pk}" id="att_{world.g_members[1].pk}" checked' in html


def test_members_outside_the_branches_taking_part_are_refused(world, today):
    with pytest.raises(services.ValidationError) as caught:
        services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
            "date": today, "kind": world.kind, "title": "联学", "attendees": [world.o_members[0]]})
    assert "参加党员须是参加支部的在册党员" in str(caught.value.message_dict["attendees"])


def test_an_unrelated_branch_cannot_be_ticked(world, today):
    with pytest.raises(services.ValidationError) as caught:
        services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
            "date": today, "kind": world.kind, "title": "联学", "branches": [world.other]})
    assert "其他管理区党支部" in str(caught.value.message_dict["branches"])


def test_a_pair_activity_must_be_dated_in_the_pairs_year(world, today):
    last_year = today.replace(year=today.year - 1, month=6, day=1)
    with pytest.raises(services.ValidationError) as caught:
        services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
            "date": last_year, "kind": world.kind, "title": "联学", "pair": world.pair, "branches": [world.lead]})
    assert "年度内" in str(caught.value.message_dict["date"])


def test_edit_changes_the_activity_and_keeps_the_own_branch(client, world, today):
    activity = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "旧标题"})
    client.force_login(world.users.committee)
    url = reverse("pairing:activity_edit", args=[activity.pk])
    assert client.get(url).context["form"]["title"].value() == "旧标题"
    response = client.post(url, _data(world, today, title="新标题"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "新标题" and list(activity.branches.all()) == [world.grassroots]


def test_the_partner_secretary_may_edit_the_pairs_joint_activity(client, world, today):
    activity = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "联学", "branches": [world.lead]})
    client.force_login(world.users.office_secretary)
    assert client.get(reverse("pairing:activity_edit", args=[activity.pk])).status_code == 200


def test_delete_asks_then_removes_the_activity_and_its_files(client, world, today, files,
                                                            django_capture_on_commit_callbacks):
    activity = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "将删除"}, files=[files.png()])
    path = activity.evidence.get().file.path
    client.force_login(world.users.secretary)
    url = reverse("pairing:activity_delete", args=[activity.pk])
    assert "确定删除" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not os.path.exists(path)


def test_detail_shows_thumbnails_through_the_scoped_view(client, world, today, files):
    activity = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "带照片"}, files=[files.png(), files.pdf()])
    png, pdf = activity.evidence.order_by("id")
    client.force_login(world.users.secretary)
    html = client.get(reverse("pairing:activity_detail", args=[activity.pk])).content.decode()
    assert reverse("pairing:evidence_thumbnail", args=[png.pk]) in html
    assert "/media/" not in html
    thumb = client.get(reverse("pairing:evidence_thumbnail", args=[png.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    served = client.get(reverse("pairing:evidence_file", args=[pdf.pk]))
    assert served["Content-Type"] == "application/pdf" and served["X-Content-Type-Options"] == "nosniff"
    # Another branch's secretary cannot fetch the file by id.
    client.force_login(world.users.other_secretary)
    assert client.get(reverse("pairing:evidence_file", args=[png.pk])).status_code == 404
    assert client.get(reverse("pairing:evidence_thumbnail", args=[png.pk])).status_code == 404


def test_evidence_can_be_deleted_from_the_detail_page(client, world, today, files):
    activity = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "带照片"}, files=[files.png()])
    client.force_login(world.users.secretary)
    evidence = activity.evidence.get()
    assert client.post(reverse("pairing:evidence_delete", args=[evidence.pk])).status_code == 302
    assert not activity.evidence.exists()


class TestActivityList:
    @pytest.fixture
    def logged(self, world, today):
        made = []
        for i in range(25):
            made.append(services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
                "date": today - datetime.timedelta(days=i), "kind": world.kind, "title": f"活动{i:02d}",
                "summary": "安全生产" if i == 3 else ""}))
        return made

    def test_pages_twenty_at_a_time(self, client, world, logged):
        client.force_login(world.users.secretary)
        first = client.get(reverse("pairing:activity_list"))
        assert len(first.context["page"].object_list) == 20 and first.context["page"].paginator.count == 25
        second = client.get(reverse("pairing:activity_list") + "?page=2")
        assert len(second.context["page"].object_list) == 5
        assert "别家的活动" not in first.content.decode()

    def test_searches_and_filters(self, client, world, logged, today, kind):
        client.force_login(world.users.secretary)
        url = reverse("pairing:activity_list")
        assert [a.title for a in client.get(url + "?q=安全生产").context["page"]] == ["活动03"]
        quarter = selectors.Quarter.of(today)
        in_quarter = [a for a in logged if quarter.contains(a.date)]
        assert client.get(url + f"?period={quarter}").context["page"].paginator.count == len(in_quarter)
        assert client.get(url + f"?period={today.year}").context["page"].paginator.count == sum(
            1 for a in logged if a.date.year == today.year)
        assert client.get(url + f"?kind={kind.pk}").context["page"].paginator.count == 25
        assert client.get(url + f"?joint=pair:{world.pair.pk}").context["page"].paginator.count == 0

    def test_a_bad_period_is_explained(self, client, world, logged):
        client.force_login(world.users.secretary)
        response = client.get(reverse("pairing:activity_list") + "?period=2026Q9")
        assert "季度格式应为" in response.content.decode()

    def test_empty_state(self, client, world):
        client.force_login(world.users.secretary)
        html = client.get(reverse("pairing:activity_list") + "?q=没有这个").content.decode()
        assert "empty-state" in html and "没有符合条件的活动" in html
