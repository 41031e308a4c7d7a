"""The records behind a branch's scores link to workspace pages the reader can open, never the admin."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from branches.models import MonthlyTarget, Role
from branches.periods import Quarter
from pairing.models import InformationExchange, JointMeeting, Problem, ProjectTask
from scoring import services
from scoring.models import ManualScore, RubricItem
from tests.factories import (
    ActivityFactory,
    ActivityKindFactory,
    AnnualPlanFactory,
    KeyProjectFactory,
    KeyWorkPlanFactory,
    KeyWorkTaskFactory,
    MemberFactory,
    MonthlyTargetFactory,
    PairFactory,
    PartnershipFactory,
    ProblemFactory,
    ProjectTaskFactory,
    UserFactory,
    grassroots_branch,
    hr_branch,
    office_branch,
    user_with_role,
)
from tests.scoring.conftest import make_rubric

Q2 = Quarter(2026, 2)
pytestmark = pytest.mark.django_db
LINK = re.compile(r'<li><a href="([^"]+)">([^<]*)</a></li>')
UNLINKED = re.compile(r"<li>([^<]*)</li>")


@pytest.fixture
def world(groups):
    make_rubric([
        {"code": "P1", "method": "count_target", "source": "pair_joint_activities", "target": 1, "name": "结对活动"},
        {"code": "P2", "method": "on_time", "source": "pair_plan_filed", "name": "结对方案"},
        {"code": "T1", "method": "ratio", "source": "project_tasks_on_time", "name": "领办任务"},
        {"code": "T2", "method": "count_target", "source": "problems_solved", "target": 1, "name": "共建难题"},
        {"code": "J1", "method": "count_target", "source": "joint_meetings", "target": 1, "name": "联席会"},
        {"code": "H2", "method": "on_time", "source": "partnership_plan_filed", "name": "共建方案"},
        {"code": "H3", "method": "count_target", "source": "information_exchanges", "target": 1, "name": "信息互通"},
        {"code": "D1", "method": "on_time", "source": "department_plan_filed", "name": "重点工作方案",
         "branch_kinds": ["office"]},
        {"code": "D2", "method": "ratio", "source": "duty_targets_met", "name": "月度目标", "branch_kinds": ["office"]},
        {"code": "S1", "method": "deduction_per", "source": "overdue_rectifications", "deduction": 1,
         "name": "逾期整改", "mode": "supervision"},
        {"code": "M1", "method": "manual", "name": "组织生活质量"},
    ])
    from supervision.models import Rectification

    own = grassroots_branch(code="G01", name="曲堤管理区党支部")
    office = office_branch(code="O01", name="机关第一党支部")
    pair = PairFactory(lead_branch=office, grassroots=[own])
    kind = ActivityKindFactory(code="joint", counts_as_joint=True)
    activity = ActivityFactory(pair=pair, owner_branch=own, kind=kind, date=datetime.date(2026, 5, 6),
                               title="联合主题党日")
    AnnualPlanFactory(pair=pair, filed_on=datetime.date(2026, 1, 20))
    member = MemberFactory(branch=own)
    ProjectTaskFactory(project=KeyProjectFactory(pair=pair), claimant=member, commitment="按期完成",
                       status=ProjectTask.Status.DONE, due_date=datetime.date(2026, 6, 30),
                       completed_on=datetime.date(2026, 6, 1), title="抽油机节能改造")
    ProblemFactory(pair=pair, status=Problem.Status.SOLVED, solution="协调解决", solved_on=datetime.date(2026, 5, 3),
                   title="注水管线漏失")
    JointMeeting.objects.create(pair=pair, date=datetime.date(2026, 4, 9), topic="二季度联席会")
    rectification = Rectification.objects.create(branch=own, title="台账不全", deadline=datetime.date(2026, 5, 1))

    hr = hr_branch(code="H01", name="人力资源服务中心党支部")
    partnership = PartnershipFactory(branch=hr)
    AnnualPlanFactory(partnership=partnership, pair=None, filed_on=datetime.date(2026, 1, 20))
    InformationExchange.objects.create(partnership=partnership, kind="attendance", period_year=2026, period_month=4,
                                       exchanged_on=datetime.date(2026, 4, 28), content="考勤")
    JointMeeting.objects.create(partnership=partnership, date=datetime.date(2026, 5, 9), topic="外派联席会")

    plan = KeyWorkPlanFactory(unit=office.unit, filed_on=datetime.date(2026, 1, 10), title="机关重点工作方案")
    task = KeyWorkTaskFactory(plan=plan)
    MonthlyTargetFactory(task=task, month=4, status=MonthlyTarget.Status.DONE, target="完成四月目标")
    MonthlyTargetFactory(task=task, month=5, status=MonthlyTarget.Status.BEHIND, target="完成五月目标")

    admin = UserFactory(is_staff=True)
    Role.objects.create(user=admin, kind=Role.Kind.ORG_ADMIN)
    ManualScore.objects.create(year=2026, number=2, branch=own, item=RubricItem.objects.get(code="M1"),
                               points=8, reason="材料完整")
    snapshot = services.compile_quarter(quarter=Q2, publish=True)
    return {
        "snapshot": snapshot, "own": own, "office": office, "hr": hr, "pair": pair, "partnership": partnership,
        "activity": activity, "rectification": rectification,
        "secretary": user_with_role(Role.Kind.SECRETARY, branch=own),
        "office_secretary": user_with_role(Role.Kind.SECRETARY, branch=office),
        "hr_secretary": user_with_role(Role.Kind.SECRETARY, branch=hr),
        "department": user_with_role(Role.Kind.DEPARTMENT, unit=office.unit),
        "admin": admin,
    }


def score_page(client, world, user, branch) -> str:
    client.force_login(user)
    response = client.get(reverse("scoring:branch_score", args=[world["snapshot"].pk, branch.pk]))
    assert response.status_code == 200
    return response.content.decode()


def links(page: str) -> dict[str, str]:
    """{label: url} of the linked evidence records on a score page."""
    return {html.unescape(label): html.unescape(url) for url, label in LINK.findall(page)}


def follow_all(client, found: dict[str, str]) -> None:
    for label, url in found.items():
        assert "/admin/" not in url, (label, url)
        response = client.get(url)
        assert response.status_code == 200, (label, url, response.status_code)


def test_grassroots_secretary_follows_every_link_from_her_score_page(client, world):
    page = score_page(client, world, world["secretary"], world["own"])
    found = links(page)
    follow_all(client, found)
    by_title = {label.rsplit(" ", 1)[-1]: url for label, url in found.items()}
    pair_page = reverse("pairing:pair_detail", args=[world["pair"].pk])
    assert by_title["联合主题党日"] == reverse("pairing:activity_detail", args=[world["activity"].pk])
    assert by_title["台账不全"] == reverse("supervision:rectification_detail", args=[world["rectification"].pk])
    # the annual plan, the key-project task, the problem and the meeting open on the pair's page, at their card
    assert by_title["抽油机节能改造"].startswith(pair_page + "#task-")
    assert by_title["注水管线漏失"] == pair_page + "#problems"
    assert by_title["二季度联席会"] == pair_page + "#meetings"
    assert any(url == pair_page + "#plan" for url in found.values())
    # each linked page shows the record
    for title in ("抽油机节能改造", "注水管线漏失", "二季度联席会", "台账不全", "联合主题党日"):
        assert title in client.get(by_title[title]).content.decode(), title
    # the manual score has no page for her: its reason is listed without a link
    assert "材料完整" in UNLINKED.findall(page)


def test_hr_secretary_follows_partnership_links(client, world):
    found = links(score_page(client, world, world["hr_secretary"], world["hr"]))
    follow_all(client, found)
    urls = set(found.values())
    partnership = reverse("pairing:partnership_detail", args=[world["partnership"].pk])
    assert {partnership + "#plan", partnership + "#exchanges", partnership + "#meetings"} <= urls


def test_key_work_links_only_for_those_who_may_open_the_department_page(client, world):
    # the office branch's secretary has no department page: the plan and targets are listed, unlinked
    page = score_page(client, world, world["office_secretary"], world["office"])
    found = links(page)
    follow_all(client, found)
    assert not any("/department/" in url for url in found.values())
    unlinked = UNLINKED.findall(page)
    assert "机关重点工作方案" in unlinked
    assert any("完成四月目标" in label for label in unlinked)

    # the department's own people get links to their page, at the plan and at the target's month
    found = links(score_page(client, world, world["department"], world["office"]))
    follow_all(client, found)
    unit = world["office"].unit_id
    assert found["机关重点工作方案"] == reverse("branches:department_home") + f"?unit={unit}&year=2026#plan"
    april = next(url for label, url in found.items() if "完成四月目标" in label)
    assert april == reverse("branches:department_home") + f"?unit={unit}&year=2026&month=4#month"
    assert "完成四月目标" in client.get(april).content.decode()


def test_staff_of_the_organisation_department_get_workspace_pages_first_admin_last(client, world):
    found = links(score_page(client, world, world["admin"], world["own"]))
    plan_links = [url for url in found.values() if url.endswith("#plan")]
    assert plan_links and all(url.startswith("/") and "/admin/" not in url for url in plan_links)
    # a manual score has no workspace page: staff get its admin page
    assert any("/admin/scoring/manualscore/" in url for url in found.values())
