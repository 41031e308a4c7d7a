"""A small organisation for the API tests: two pairs (A and B), a partnership, a department's duty
work, a supervision visit with a rectification, a rubric with a manual score and a draft ranking."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from knox.models import AuthToken
from PIL import Image
from rest_framework.test import APIClient

from branches.models import DutyEvidence, Role, YearSettings
from pairing.models import ActivityCategory, Evidence, InformationExchange, JointMeeting
from scoring.models import (
    CompileJob,
    ManualScore,
    RankingGroup,
    RankingSnapshot,
    Rubric,
    RubricItem,
    RubricSection,
    SnapshotEntry,
    SnapshotItemScore,
    Veto,
)
from supervision.models import Finding, GroupBranch, Rectification, SupervisionGroup, SupervisionRound, Visit
from tests.factories import (
    ActivityFactory,
    ActivityKindFactory,
    AnnualPlanFactory,
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
    grassroots_branch,
    hr_branch,
    office_branch,
    user_with_role,
)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG_BYTES = png_bytes()

ROLES = ["org_admin", "secretary_a", "secretary_b", "department", "inspector", "viewer", "anonymous"]


@dataclass
class World:
    users: dict
    objects: dict
    keys: dict = field(default_factory=dict)

    def client(self, role: str) -> APIClient:
        client = APIClient()
        user = self.users.get(role)
        if user is not None:
            key = self.keys.get(role)
            if key is None:
                _token, key = AuthToken.objects.create(user=user)
                self.keys[role] = key
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client


@pytest.fixture
def world(db) -> World:
    lead_a, grass_a = office_branch(name="机关A党支部"), grassroots_branch(name="基层A党支部")
    lead_b, grass_b = office_branch(name="机关B党支部"), grassroots_branch(name="基层B党支部")
    hr = hr_branch(name="人力资源服务中心党支部")
    pair_a = PairFactory(lead_branch=lead_a, grassroots=[grass_a], name="A对子")
    pair_b = PairFactory(lead_branch=lead_b, grassroots=[grass_b], name="B对子")
    external = ExternalOrganizationFactory(name="济北管理区党支部")
    partnership = PartnershipFactory(branch=hr, external_org=external)
    kind = ActivityKindFactory(code="theme_day", name="主题党日", counts_as_joint=True)
    member_a = MemberFactory(branch=grass_a, name="张三")
    member_lead_a = MemberFactory(branch=lead_a, name="李四")
    activity_a = ActivityFactory(pair=pair_a, owner_branch=grass_a, kind=kind, date=datetime.date(2026, 5, 12),
                                 title="A的主题党日")
    activity_b = ActivityFactory(pair=pair_b, owner_branch=grass_b, kind=kind, date=datetime.date(2026, 8, 3),
                                 title="B的主题党日")
    plan_a = AnnualPlanFactory(pair=pair_a)
    project_a = KeyProjectFactory(pair=pair_a)
    task_a = ProjectTaskFactory(project=project_a)
    problem_a = ProblemFactory(pair=pair_a, raised_by=grass_a)
    meeting_a = JointMeeting.objects.create(pair=pair_a, date=datetime.date(2026, 4, 2), topic="联席会")
    exchange = InformationExchange.objects.create(
        partnership=partnership, kind=InformationExchange.Kind.ATTENDANCE, period_year=2026, period_month=7,
        exchanged_on=datetime.date(2026, 8, 1), content="七月考勤")

    department_unit = lead_a.unit
    duty = DutyFactory(code="political", name="政治建设")
    evidence = DutyEvidence.objects.create(unit=department_unit, year=2026, duty=duty, stage="researched",
                                           date=datetime.date(2026, 3, 3), description="党委会同研究")
    work_plan = KeyWorkPlanFactory(unit=department_unit)
    work_task = KeyWorkTaskFactory(plan=work_plan, duty=duty)
    target = MonthlyTargetFactory(task=work_task, month=7)

    users = {
        "org_admin": user_with_role(Role.Kind.ORG_ADMIN, username="t_orgadmin"),
        "secretary_a": user_with_role(Role.Kind.SECRETARY, branch=grass_a, username="t_sec_a"),
        "secretary_b": user_with_role(Role.Kind.SECRETARY, branch=grass_b, username="t_sec_b"),
        "department": user_with_role(Role.Kind.DEPARTMENT, unit=department_unit, username="t_dept"),
        "inspector": user_with_role(Role.Kind.INSPECTOR, username="t_inspector"),
        "viewer": user_with_role(Role.Kind.VIEWER, username="t_viewer"),
        "anonymous": None,
    }

    supervision_round = SupervisionRound.objects.create(year=2026, name="2026年常态化督导",
                                                        status=SupervisionRound.Status.IN_PROGRESS)
    group = SupervisionGroup.objects.create(round=supervision_round, name="第一督导组", leader=users["inspector"])
    group.members.add(users["inspector"])
    GroupBranch.objects.create(round=supervision_round, group=group, branch=grass_a)
    visit = Visit.objects.create(group=group, branch=grass_a, date=datetime.date(2026, 9, 10))
    finding = Finding.objects.create(visit=visit, kind=Finding.Kind.SHORTCOMING, title="台账不全")
    rectification = Rectification.objects.create(finding=finding, branch=grass_a, title="台账不全",
                                                 deadline=datetime.date(2026, 10, 10))

    rubric = Rubric.objects.create(year=2026, name="2026年党建提质杯评分细则", status=Rubric.Status.ACTIVE)
    section = RubricSection.objects.create(rubric=rubric, name="基础工作")
    manual_item = RubricItem.objects.create(rubric=rubric, section=section, code="M1", name="工作质效",
                                            mode=RubricItem.Mode.BASE, max_points=Decimal("10"),
                                            method=RubricItem.Method.MANUAL)
    manual_score = ManualScore.objects.create(year=2026, number=3, branch=grass_a, item=manual_item,
                                              points=Decimal("8"), reason="材料完整")
    ranking_group = RankingGroup.objects.create(name="基层党支部", branch_kinds=["grassroots"])
    snapshot = RankingSnapshot.objects.create(year=2026, number=3, version=1, rubric=rubric,
                                              rubric_label=str(rubric))
    entry = SnapshotEntry.objects.create(snapshot=snapshot, group=ranking_group, group_name="基层党支部",
                                         branch=grass_a, branch_code=grass_a.code, branch_name=grass_a.name,
                                         base_total=Decimal("8"), bonus_total=Decimal("0"), total=Decimal("8"),
                                         rank=1, position=1)
    SnapshotItemScore.objects.create(entry=entry, item=manual_item, item_code="M1", item_name="工作质效",
                                     section_name="基础工作", mode=RubricItem.Mode.BASE,
                                     method=RubricItem.Method.MANUAL, max_points=Decimal("10"), points=Decimal("8"),
                                     explanation="人工评分：材料完整")
    entry_b = SnapshotEntry.objects.create(snapshot=snapshot, group=ranking_group, group_name="基层党支部",
                                           branch=grass_b, branch_code=grass_b.code, branch_name=grass_b.name,
                                           base_total=Decimal("5"), bonus_total=Decimal("0"), total=Decimal("5"),
                                           rank=2, position=2)

    evidence_file = Evidence(activity=activity_a, original_name="签到表.png", content_type="image/png",
                             size=len(PNG_BYTES))
    evidence_file.file.save("sign-in.png", ContentFile(PNG_BYTES), save=False)
    evidence_file.save()
    job = CompileJob.objects.create(year=2026, number=3, state=CompileJob.State.DONE, progress=100,
                                    snapshot=snapshot)

    veto = Veto.objects.create(year=2026, number=3, branch=grass_a, reason="发生违纪")
    year_settings = YearSettings.objects.create(year=2026, plan_deadline=datetime.date(2026, 2, 15))
    category = ActivityCategory.objects.get_or_create(code="org_life", defaults={"name": "组织生活"})[0]
    kind.categories.add(category)

    objects = dict(
        lead_a=lead_a, grass_a=grass_a, lead_b=lead_b, grass_b=grass_b, hr=hr, pair_a=pair_a, pair_b=pair_b,
        external=external, partnership=partnership, kind=kind, member_a=member_a, member_lead_a=member_lead_a,
        activity_a=activity_a, activity_b=activity_b, plan_a=plan_a, project_a=project_a, task_a=task_a,
        problem_a=problem_a, meeting_a=meeting_a, exchange=exchange, department_unit=department_unit, duty=duty,
        duty_evidence=evidence, work_plan=work_plan, work_task=work_task, target=target,
        round=supervision_round, group=group, visit=visit, finding=finding, rectification=rectification,
        rubric=rubric, manual_item=manual_item, manual_score=manual_score, snapshot=snapshot, entry=entry,
        entry_b=entry_b, evidence=evidence_file, job=job, ranking_group=ranking_group, veto=veto,
        year_settings=year_settings, category=category,
    )
    return World(users=users, objects=objects)
