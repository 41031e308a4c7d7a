"""Choosing a pair for an activity means its partner branches took part; a refused form asks for the files again."""

import datetime

import pytest
from django.urls import reverse

from branches.models import Role
from pairing import services
from pairing.models import Activity
from tests.factories import MemberFactory, PairFactory, grassroots_branch, office_branch, user_with_role

pytestmark = pytest.mark.django_db


def _data(world, today, **extra):
    return {"date": today.isoformat(), "kind": world.kind.pk, "title": "联合开展主题党日", "guest_count": 0,
            "location": "曲堤管理区会议室", "summary": "学习贯彻会议精神", **extra}


def test_choosing_the_pair_without_ticking_the_partner_logs_the_joint_activity(client, world, today, files):
    client.force_login(world.users.secretary)
    response = client.post(reverse("pairing:activity_create"), _data(
        world, today, joint=f"pair:{world.pair.pk}", attendees=[world.g_members[0].pk, world.o_members[0].pk],
        files=[files.png()]))
    activity = Activity.objects.get(title="联合开展主题党日")
    assert response.status_code == 302, response.context["form"].errors
    assert activity.pair == world.pair
    assert set(activity.branches.all()) == {world.grassroots, world.lead}
    # The partner's members count as attendees, as the partner took part.
    assert set(activity.attendees.all()) == {world.g_members[0], world.o_members[0]}
    assert activity.evidence.count() == 1  # the photos were not lost to a refusal


def test_a_ticked_partner_is_kept_and_the_others_are_not_added(world, today):
    office, first, second = office_branch(code="O21"), grassroots_branch(code="G21"), grassroots_branch(code="G22")
    pair = PairFactory(year=today.year, lead_branch=office, grassroots=[first, second])
    secretary = user_with_role(Role.Kind.SECRETARY, branch=office, username="sec_o21")
    activity = services.log_activity(user=secretary, branch=office, data={
        "date": today, "kind": world.kind, "title": "联学", "pair": pair, "branches": [first]})
    assert activity.pair == pair and set(activity.branches.all()) == {office, first}
    activity = services.log_activity(user=secretary, branch=office, data={
        "date": today, "kind": world.kind, "title": "联学二", "pair": pair, "branches": []})
    assert set(activity.branches.all()) == {office, first, second}


def test_someone_elses_pair_is_still_refused_and_adds_nothing(world, today):
    with pytest.raises(services.ValidationError) as caught:
        services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
            "date": today, "kind": world.kind, "title": "联学", "pair": world.other_pair})
    errors = caught.value.message_dict
    assert "本支部不在所选的共建对子中" in str(errors["pair"]) and "branches" not in errors


def test_a_partnership_needs_no_partner_branch(world, today):
    activity = services.log_activity(user=world.users.hr_secretary, branch=world.hr, data={
        "date": today, "kind": world.kind, "title": "联建", "partnership": world.partnership})
    assert activity.partnership == world.partnership and list(activity.branches.all()) == [world.hr]


def test_the_pair_option_names_its_partner_branches(client, world):
    second = grassroots_branch(code="G02", name="滨南管理区党支部")
    MemberFactory(branch=second)
    client.force_login(world.users.office_secretary)
    world.pair.grassroots_links.create(branch=second, year=world.pair.year)
    html = client.get(reverse("pairing:activity_create")).content.decode()
    ids = sorted([world.grassroots.pk, second.pk])
    assert f'<option value="pair:{world.pair.pk}" data-branches="{ids[0]} {ids[1]}">' in html
    assert 'id="id_branches_0"' in html and "data-branches" not in html.split('id="id_joint"')[0]


def test_a_form_refused_for_another_reason_asks_for_the_files_again(client, world, today, files):
    client.force_login(world.users.secretary)
    future = today + datetime.timedelta(days=3)
    response = client.post(reverse("pairing:activity_create"), _data(
        world, today, date=future.isoformat(), joint=f"pair:{world.pair.pk}", files=[files.png(), files.pdf()]))
    assert response.status_code == 200 and not Activity.objects.filter(title="联合开展主题党日").exists()
    errors = response.context["form"].errors
    assert set(errors) == {"date"}  # not the partner branches: choosing the pair was enough
    html = response.content.decode()
    alert = html.split('role="alert"')[1].split("</div></div>")[0]
    assert "已选择的文件没有上传" in alert and "重新选择" in alert
    assert "出于安全原因，被退回的表单需要重新选择文件。" in html


def test_a_refused_form_without_files_does_not_ask_for_files(client, world, today):
    client.force_login(world.users.secretary)
    future = today + datetime.timedelta(days=3)
    response = client.post(reverse("pairing:activity_create"), _data(world, today, date=future.isoformat()))
    assert response.status_code == 200
    assert "已选择的文件没有上传" not in response.content.decode()
