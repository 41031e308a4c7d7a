"""A small organisation with one person of each role, shared by the console tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest

from branches.models import AssessmentContent, DutyEvidence, ExternalOrganization, Member, Role, Unit
from tests.factories import (
    ActivityFactory,
    ActivityKindFactory,
    AnnualPlanFactory,
    BranchFactory,
    DutyFactory,
    ExternalOrganizationFactory,
    KeyProjectFactory,
    KeyWorkPlanFactory,
    KeyWorkTaskFactory,
    MemberFactory,
    MonthlyTargetFactory,
    PairFactory,
    PartnershipFactory,
    ProblemFactory,
    ProjectTaskFactory,
    UnitFactory,
    hr_branch,
    user_with_role,
)

TODAY = datetime.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _today_is_fixed(monkeypatch):
    """Pages measure pace against today; the console tests run on the demo's day, 2026-11-21."""
    from django.utils import timezone

    original = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else original(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


ROLES = ["org_admin", "secretary", "department", "viewer", "inspector", "anonymous"]


@dataclass
class World:
    year: int
    dept: Unit
    other_dept: Unit
    office: object
    grassroots: object
    grassroots_free: object
    hr: object
    pair: object
    partnership: object
    spare_org: ExternalOrganization
    plan: object
    task: object
    target: object
    other_target: object
    duty: object
    evidence: DutyEvidence
    other_evidence: DutyEvidence
    content: AssessmentContent | None = None
    users: dict = field(default_factory=dict)


def build_world(year: int = 2026) -> World:
    dept = UnitFactory(kind=Unit.Kind.DEPARTMENT, code="D01", name="综合管理部")
    other_dept = UnitFactory(kind=Unit.Kind.DEPARTMENT, code="D02", name="财务资产部")
    office = BranchFactory(unit=dept, code="O01", name="综合管理部党支部")
    BranchFactory(unit=other_dept, code="O02", name="财务资产部党支部")
    grassroots = BranchFactory(unit_kind=Unit.Kind.GRASSROOTS, code="G01", name="曲堤管理区党支部")
    grassroots_free = BranchFactory(unit_kind=Unit.Kind.GRASSROOTS, code="G02", name="济北管理区党支部")
    hr = hr_branch(code="H01", name="人力资源服务中心党支部")
    pair = PairFactory(year=year, lead_branch=office, grassroots=[grassroots])
    partnership = PartnershipFactory(year=year, branch=hr)
    spare_org = ExternalOrganizationFactory(name="商河管理区党支部")
    for _i in range(6):
        MemberFactory(branch=hr, status=Member.Status.WORKING_AWAY, outside_org=spare_org)
    kind = ActivityKindFactory(code="theme_day", name="主题党日")
    ActivityFactory(date=datetime.date(year, 2, 10), pair=pair, owner_branch=office, kind=kind)
    AnnualPlanFactory(pair=pair, year=year, filed_on=datetime.date(year, 1, 20))
    project = KeyProjectFactory(pair=pair)
    ProjectTaskFactory(project=project, due_date=datetime.date(year, 3, 31))
    ProblemFactory(pair=pair, raised_on=datetime.date(year, 2, 1))
    duty = DutyFactory(code="political", name="政治建设")
    plan = KeyWorkPlanFactory(unit=dept, year=year, filed_on=datetime.date(year, 2, 15))
    task = KeyWorkTaskFactory(plan=plan, number=1, title="推进党建与业务融合")
    target = MonthlyTargetFactory(task=task, month=3, target="完成三月目标")
    other_plan = KeyWorkPlanFactory(unit=other_dept, year=year)
    other_target = MonthlyTargetFactory(task=KeyWorkTaskFactory(plan=other_plan, number=1), month=3)
    evidence = DutyEvidence.objects.create(unit=dept, year=year, duty=duty, stage="researched",
                                           date=datetime.date(year, 1, 8), description="党委会同研究")
    other_evidence = DutyEvidence.objects.create(unit=other_dept, year=year, duty=duty, stage="researched",
                                                 date=datetime.date(year, 1, 8), description="其他部门")
    content = AssessmentContent.objects.create(unit=dept, year=year, duty=duty, title="落实全面从严治党主体责任")
    users = {
        "org_admin": user_with_role(Role.Kind.ORG_ADMIN, username="t_orgadmin"),
        "secretary": user_with_role(Role.Kind.SECRETARY, branch=grassroots, username="t_secretary"),
        "department": user_with_role(Role.Kind.DEPARTMENT, unit=dept, username="t_department"),
        "viewer": user_with_role(Role.Kind.VIEWER, username="t_viewer"),
        "inspector": user_with_role(Role.Kind.INSPECTOR, username="t_inspector"),
        "anonymous": None,
    }
    return World(year=year, dept=dept, other_dept=other_dept, office=office, grassroots=grassroots,
                 grassroots_free=grassroots_free, hr=hr, pair=pair, partnership=partnership, spare_org=spare_org,
                 plan=plan, task=task, target=target, other_target=other_target, duty=duty, evidence=evidence,
                 other_evidence=other_evidence, content=content, users=users)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_for(client, world):
    def make(role: str):
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        return client

    return make


def scaled_org(*, scale: int, year: int = 2026) -> None:
    """An organisation with `scale` pairs, partnerships and departments, each with records."""
    kind = ActivityKindFactory(code="scaled_kind", name="共建活动")
    hr = hr_branch()
    for i in range(scale):
        dept = UnitFactory(kind=Unit.Kind.DEPARTMENT)
        office = BranchFactory(unit=dept)
        grassroots = [BranchFactory(unit_kind=Unit.Kind.GRASSROOTS) for _g in range(1 + i % 2)]
        pair = PairFactory(year=year, lead_branch=office, grassroots=grassroots)
        for month in (2, 5):
            ActivityFactory(date=datetime.date(year, month, 3), pair=pair, owner_branch=office, kind=kind)
        AnnualPlanFactory(pair=pair, year=year)
        project = KeyProjectFactory(pair=pair)
        ProjectTaskFactory(project=project)
        ProblemFactory(pair=pair)
        partnership = PartnershipFactory(year=year, branch=hr)
        ActivityFactory(date=datetime.date(year, 4, 3), partnership=partnership, owner_branch=hr, kind=kind)
        plan = KeyWorkPlanFactory(unit=dept, year=year)
        task = KeyWorkTaskFactory(plan=plan)
        for month in (1, 2, 3):
            MonthlyTargetFactory(task=task, month=month)
