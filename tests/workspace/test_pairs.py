"""Pair and partnership pages: plans, key projects with task claim lists, problems, meetings, exchanges."""

import datetime

import pytest
from django.urls import reverse

from pairing import services
from pairing.models import AnnualPlan, InformationExchange, JointMeeting, KeyProject, Problem, ProjectTask
from tests.factories import MemberFactory
from tests.workspace.pages import home_figures

pytestmark = pytest.mark.django_db


class TestAnnualPlan:
    def test_filing_sets_the_date_once_and_the_page_shows_it(self, client, world, today, files):
        client.force_login(world.users.secretary)
        url = reverse("pairing:plan_edit", args=["pair", world.pair.pk])
        response = client.post(url, {"goals": "共建示范岗", "measures": "每月联学", "document": files.pdf("方案.pdf")})
        assert response.status_code == 302
        plan = AnnualPlan.objects.get(pair=world.pair)
        assert (plan.filed_on, plan.filed_by, plan.version, plan.year) == (today, world.users.secretary, 1, world.pair.year)
        assert plan.document.name.endswith(".pdf") and "方案" not in plan.document.name
        html = client.get(reverse("pairing:pair_detail", args=[world.pair.pk])).content.decode()
        assert "共建示范岗" in html and f"备案日期 {today.isoformat()}" in html
        assert reverse("pairing:plan_document", args=[plan.pk]) in html
        assert client.get(reverse("pairing:plan_document", args=[plan.pk])).status_code == 200
        client.force_login(world.users.other_secretary)
        assert client.get(reverse("pairing:plan_document", args=[plan.pk])).status_code == 404

    def test_a_revision_keeps_the_filing_date_and_a_stale_one_is_refused(self, client, world, today):
        plan = services.file_annual_plan(user=world.users.secretary, owner=world.pair, data={"goals": "初稿"})
        AnnualPlan.objects.filter(pk=plan.pk).update(filed_on=datetime.date(world.pair.year, 1, 20))
        client.force_login(world.users.office_secretary)
        url = reverse("pairing:plan_edit", args=["pair", world.pair.pk])
        assert client.get(url).context["form"]["version"].value() == 1
        assert client.post(url, {"goals": "第二稿", "version": 1}).status_code == 302
        plan.refresh_from_db()
        assert (plan.goals, plan.version, plan.filed_on) == ("第二稿", 2, datetime.date(world.pair.year, 1, 20))
        stale = client.post(url, {"goals": "第三稿", "version": 1})
        assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
        assert AnnualPlan.objects.get(pk=plan.pk).goals == "第二稿"

    def test_an_empty_plan_and_a_bad_document_are_explained(self, client, world, files):
        client.force_login(world.users.secretary)
        response = client.post(reverse("pairing:plan_edit", args=["pair", world.pair.pk]),
                               {"goals": "目标", "document": files.exe("方案.docx")})
        assert "“方案.docx”不是允许的类型" in response.content.decode()
        response = client.post(reverse("pairing:plan_edit", args=["pair", world.pair.pk]), {"goals": ""})
        assert "form" in response.context and response.context["form"].errors["goals"]
        assert not AnnualPlan.objects.exists()


class TestTaskClaimList:
    def test_add_claim_progress_complete(self, client, world, today):
        client.force_login(world.users.secretary)
        response = client.post(reverse("pairing:task_create", args=[world.project.pk]),
                               {"title": "建立联合巡检队", "due_date": f"{world.pair.year}-12-31"})
        assert response.status_code == 302
        task = ProjectTask.objects.get(title="建立联合巡检队")
        claimant = world.o_members[0]
        response = client.post(reverse("pairing:task_claim", args=[task.pk]), {
            "claimant": claimant.pk, "commitment": "年底前完成", "claimed_on": today.isoformat()})
        assert response.status_code == 302
        task.refresh_from_db()
        assert (task.status, task.claimant, task.claimed_on) == ("claimed", claimant, today)
        client.post(reverse("pairing:task_progress", args=[task.pk]), {"progress_note": "已组建队伍"})
        task.refresh_from_db()
        assert (task.status, task.progress_note) == ("in_progress", "已组建队伍")
        client.post(reverse("pairing:task_complete", args=[task.pk]), {"completed_on": today.isoformat()})
        task.refresh_from_db()
        assert (task.status, task.completed_on) == ("done", today)

    def test_claim_needs_a_member_of_either_side_and_a_commitment(self, client, world, today):
        client.force_login(world.users.secretary)
        url = reverse("pairing:task_claim", args=[world.task.pk])
        response = client.post(url, {"claimant": world.x_member.pk, "commitment": "", "claimed_on": today.isoformat()})
        errors = response.context["form"].errors
        assert "claimant" in errors and "commitment" in errors
        with pytest.raises(services.ValidationError, match="承诺内容"):
            services.claim_task(user=world.users.secretary, task=world.task, claimant=world.g_members[0], commitment=" ")

    def test_progress_before_claiming_is_refused(self, world):
        with pytest.raises(services.ValidationError, match="请先由党员领办"):
            services.update_task_progress(user=world.users.secretary, task=world.task, progress_note="进展")

    def test_htmx_claim_returns_the_updated_project_card(self, client, world, today):
        client.force_login(world.users.secretary)
        url = reverse("pairing:task_claim", args=[world.task.pk])
        form = client.get(url, headers={"HX-Request": "true"})
        assert b"<html" not in form.content and b'hx-post="' in form.content
        response = client.post(url, {"claimant": world.g_members[0].pk, "commitment": "我来领办",
                                     "claimed_on": today.isoformat()}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert response.status_code == 200 and f'id="project-{world.project.pk}"' in html
        assert "我来领办" in html and world.g_members[0].name in html
        bad = client.post(url, {"claimant": "", "commitment": ""}, headers={"HX-Request": "true"})
        assert bad["HX-Retarget"] == f"#task-{world.task.pk}-form"

    def test_at_most_four_key_projects(self, client, world):
        client.force_login(world.users.secretary)
        for i in range(3):
            services.save_key_project(user=world.users.secretary, pair=world.pair, data={"title": f"项目{i}"})
        response = client.post(reverse("pairing:project_create", args=[world.pair.pk]), {
            "kind": "project", "title": "第五项", "status": "active"})
        assert "3-4 项重点共建项目" in response.content.decode()
        assert KeyProject.objects.filter(pair=world.pair).count() == 4


class TestProblems:
    def test_raise_and_solve(self, client, world, today):
        client.force_login(world.users.office_secretary)
        response = client.post(reverse("pairing:problem_create", args=[world.pair.pk]), {
            "raised_by": world.lead.pk, "title": "技术骨干缺乏", "raised_on": today.isoformat(), "status": "open"})
        assert response.status_code == 302
        problem = Problem.objects.get(title="技术骨干缺乏")
        response = client.post(reverse("pairing:problem_solve", args=[problem.pk]), {
            "solution": "机关派驻技术员", "solved_on": today.isoformat()})
        problem.refresh_from_db()
        assert (problem.status, problem.solution, problem.solved_on) == ("solved", "机关派驻技术员", today)
        html = client.get(reverse("pairing:pair_detail", args=[world.pair.pk])).content.decode()
        assert "机关派驻技术员" in html

    def test_the_raising_branch_must_be_in_the_pair(self, client, world, today):
        client.force_login(world.users.secretary)
        response = client.post(reverse("pairing:problem_create", args=[world.pair.pk]), {
            "raised_by": world.other.pk, "title": "x", "raised_on": today.isoformat(), "status": "open"})
        assert response.status_code == 200 and "raised_by" in response.context["form"].errors

    def test_edit_a_problem(self, client, world, today):
        client.force_login(world.users.secretary)
        response = client.post(reverse("pairing:problem_edit", args=[world.problem.pk]), {
            "raised_by": world.grassroots.pk, "title": "夜间巡检人手不足（已细化）", "raised_on": today.isoformat(),
            "status": "solving"})
        assert response.status_code == 302
        world.problem.refresh_from_db()
        assert world.problem.status == "solving"


class TestMeetings:
    def test_record_edit_delete(self, client, world, today, files):
        client.force_login(world.users.secretary)
        response = client.post(reverse("pairing:meeting_create", args=["pair", world.pair.pk]), {
            "date": today.isoformat(), "topic": "三季度联席会", "decisions": "联合攻关", "file": files.docx()})
        assert response.status_code == 302
        meeting = JointMeeting.objects.get(topic="三季度联席会")
        assert meeting.created_by == world.users.secretary and meeting.file
        assert client.get(reverse("pairing:meeting_file", args=[meeting.pk])).status_code == 200
        client.post(reverse("pairing:meeting_edit", args=[meeting.pk]), {"date": today.isoformat(), "topic": "改"})
        meeting.refresh_from_db()
        assert meeting.topic == "改"
        client.post(reverse("pairing:meeting_delete", args=[meeting.pk]))
        assert not JointMeeting.objects.filter(pk=meeting.pk).exists()

    def test_a_future_meeting_is_refused(self, client, world, today):
        client.force_login(world.users.secretary)
        response = client.post(reverse("pairing:meeting_create", args=["pair", world.pair.pk]), {
            "date": (today + datetime.timedelta(days=1)).isoformat(), "topic": "会"})
        assert "日期不能晚于今天" in response.content.decode()


class TestPartnership:
    def test_detail_groups_members_away_and_shows_the_exchange_grid(self, client, world, today):
        MemberFactory(branch=world.hr, status="working_away", outside_org=world.partnership.external_org,
                      name="外闯张三", place_detail="济南")
        client.force_login(world.users.hr_secretary)
        response = client.get(reverse("pairing:partnership_detail", args=[world.partnership.pk]))
        groups = response.context["members_away"]
        assert [g["unit"] for g in groups] == ["济北管理区"] and len(groups[0]["members"]) == 6
        assert "外闯张三" in response.content.decode()
        assert len(response.context["exchange_grid"]) == 4

    def test_record_exchanges_once_per_kind_and_month(self, client, world, today):
        client.force_login(world.users.hr_secretary)
        url = reverse("pairing:exchange_create", args=[world.partnership.pk])
        data = {"kind": "attendance", "period_month": today.month, "exchanged_on": today.isoformat(),
                "content": "出勤正常"}
        assert client.post(url, data).status_code == 302
        exchange = InformationExchange.objects.get()
        assert (exchange.period_year, exchange.created_by) == (world.partnership.year, world.users.hr_secretary)
        again = client.post(url, data)
        assert again.status_code == 200 and "已登记" in again.content.decode()
        edit = client.post(reverse("pairing:exchange_edit", args=[exchange.pk]), {**data, "content": "两人请假"})
        assert edit.status_code == 302
        exchange.refresh_from_db()
        assert exchange.content == "两人请假"

    def test_a_partnership_activity_counts_for_the_partnership(self, client, world, today):
        client.force_login(world.users.hr_secretary)
        form = client.get(reverse("pairing:activity_create") + f"?partnership={world.partnership.pk}").context["form"]
        assert form["joint"].value() == f"partnership:{world.partnership.pk}"
        response = client.post(reverse("pairing:activity_create"), {
            "date": today.isoformat(), "kind": world.kind.pk, "title": "3+1+X 主题党日",
            "joint": f"partnership:{world.partnership.pk}", "attendees": [world.away[0].pk], "guest_count": 3})
        assert response.status_code == 302
        assert home_figures(client)["pace"] == [1]


def test_pair_list_shows_the_branchs_pairs_with_pace(client, world):
    client.force_login(world.users.secretary)
    response = client.get(reverse("pairing:pair_list"))
    rows = response.context["pair_rows"]
    assert [r["obj"] for r in rows] == [world.pair]
    assert rows[0]["pace"]["minimum"] == 4
    client.force_login(world.users.org_admin)
    assert len(client.get(reverse("pairing:pair_list")).context["pair_rows"]) == 2
    assert client.get(reverse("pairing:pair_list") + "?year=2001").context["pair_rows"] == []


def test_a_plan_filed_meanwhile_is_not_overwritten_by_a_page_opened_before(db):
    """Two secretaries open the empty plan form; the second submit is told the plan was filed meanwhile."""
    from config.concurrency import StaleRecordError
    from pairing import services
    from pairing.models import AnnualPlan
    from tests.factories import PairFactory, user_with_role

    pair = PairFactory()
    lead_secretary = user_with_role("secretary", branch=pair.lead_branch)
    partner_secretary = user_with_role("secretary", branch=pair.grassroots_branches.get())
    services.file_annual_plan(user=lead_secretary, owner=pair, data={"goals": "先填写的目标"}, expected_version=None)
    with pytest.raises(StaleRecordError):
        services.file_annual_plan(user=partner_secretary, owner=pair, data={"goals": "后填写的目标"},
                                  expected_version=None)
    assert AnnualPlan.objects.get(pair=pair).goals == "先填写的目标"
