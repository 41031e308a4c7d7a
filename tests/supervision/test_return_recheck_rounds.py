"""退回 (a submission sent back with a reason) is not 回头看 (a later re-check reopening a closed one); a re-check
date; a round's summary in Excel; a group's leader may open the round for their group."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from supervision import services
from supervision.models import Rectification, SupervisionRound

from .conftest import shortcoming

S = Rectification.State
pytestmark = pytest.mark.django_db


def submitted(world, **kwargs):
    r = shortcoming(world, **kwargs)
    services.transition_rectification(rectification=r, to_state=S.RECTIFYING, by=world.secretary)
    return services.transition_rectification(rectification=r, to_state=S.SUBMITTED, by=world.secretary,
                                             response="已整改")


def test_returning_a_submission_is_its_own_step_with_a_reason(world, client):
    r = submitted(world)
    client.force_login(world.inspector)
    page = client.get(reverse("supervision:rectification_detail", args=[r.pk])).content.decode()
    assert "退回重新整改" in page and "回头看：重新整改" not in page
    client.post(reverse("supervision:rectification_transition", args=[r.pk]),
                {"to_state": S.RETURNED, "note": "佐证材料不全"})
    r.refresh_from_db()
    assert r.state == S.RETURNED and r.get_state_display() == "已退回"
    assert r.transitions.last().note == "佐证材料不全"
    with pytest.raises(ValidationError):  # a submission is never "re-checked"
        services.transition_rectification(rectification=r, to_state=S.REOPENED, by=world.inspector, note="x")
    services.transition_rectification(rectification=r, to_state=S.SUBMITTED, by=world.secretary, response="已补齐")
    r = services.transition_rectification(rectification=r, to_state=S.CLOSED, by=world.inspector)
    client.force_login(world.inspector)
    page = client.get(reverse("supervision:rectification_detail", args=[r.pk])).content.decode()
    assert "回头看：重新整改" in page and "退回重新整改" not in page


def test_a_recheck_date_set_on_closing_or_later_and_cleared_by_the_recheck(world, client, settings):
    r = submitted(world)
    with pytest.raises(ValidationError):
        services.transition_rectification(rectification=r, to_state=S.CLOSED, by=world.inspector,
                                          recheck_on=datetime.date(2000, 1, 1))
    later = datetime.date.today() + datetime.timedelta(days=30)
    client.force_login(world.inspector)
    client.post(reverse("supervision:rectification_transition", args=[r.pk]),
                {"to_state": S.CLOSED, "recheck_on": later.isoformat()})
    r.refresh_from_db()
    assert r.state == S.CLOSED and r.recheck_on == later
    sooner = later - datetime.timedelta(days=10)
    client.post(reverse("supervision:rectification_recheck", args=[r.pk]), {"recheck_on": sooner.isoformat()})
    r.refresh_from_db()
    assert r.recheck_on == sooner
    client.force_login(world.secretary)
    assert client.post(reverse("supervision:rectification_recheck", args=[r.pk]),
                       {"recheck_on": later.isoformat()}).status_code in (302, 403)
    r.refresh_from_db()
    assert r.recheck_on == sooner, "the branch cannot move its own re-check"
    services.transition_rectification(rectification=r, to_state=S.REOPENED, by=world.inspector, note="问题反弹")
    r.refresh_from_db()
    assert r.recheck_on is None


def test_round_summary_excel_for_the_org_department_and_an_inspector(world, client):
    submitted(world)
    shortcoming(world, title="另一组的短板", group=world.other_group, branch=world.other_branch)
    client.force_login(world.admin)
    response = client.get(reverse("supervision:round_export", args=[world.round.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    groups = [[c.value for c in row] for row in book["督导组"].iter_rows(min_row=2)]
    assert [g[0] for g in groups] == ["第一督导组", "第二督导组"]
    header = [c.value for c in book["督导组"][1]]
    assert groups[0][header.index("短板")] == 1 and groups[0][header.index("整改事项")] == 1
    items = [[c.value for c in row] for row in book["整改事项"].iter_rows(min_row=2)]
    assert {i[2] for i in items} == {"外闯队伍较多", "另一组的短板"}
    assert next(i for i in items if i[2] == "外闯队伍较多")[4] == "已提交待审核"
    client.force_login(world.inspector)
    mine = openpyxl.load_workbook(io.BytesIO(client.get(reverse("supervision:round_export",
                                                                args=[world.round.pk])).content))
    assert [row[0].value for row in mine["督导组"].iter_rows(min_row=2)] == ["第一督导组"]
    assert [row[2].value for row in mine["整改事项"].iter_rows(min_row=2)] == ["外闯队伍较多"]
    client.force_login(world.secretary)
    assert client.get(reverse("supervision:round_export", args=[world.round.pk])).status_code == 404


def test_a_group_leader_opens_the_round_but_does_not_close_it(world, client):
    planned = services.create_round(year=2026, name="第二轮督导", by=world.admin)
    group = services.create_group(supervision_round=planned, name="二轮一组", leader=world.inspector,
                                  members=[world.inspector], by=world.admin)
    assert group.leader == world.inspector
    client.force_login(world.inspector)
    page = client.get(reverse("supervision:round_detail", args=[planned.pk])).content.decode()
    assert "启动督导" in page
    client.post(reverse("supervision:round_status", args=[planned.pk]), {"status": "in_progress"})
    planned.refresh_from_db()
    assert planned.status == SupervisionRound.Status.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        services.set_round_status(supervision_round=planned, status=SupervisionRound.Status.CLOSED, by=world.inspector)
    client.force_login(world.other_inspector)  # leads no group of this round: cannot even see it
    assert client.post(reverse("supervision:round_status", args=[planned.pk]), {"status": "closed"}).status_code == 404
