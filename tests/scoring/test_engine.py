"""Compiling a quarter from records: every source, 连带, bonus, veto, ranks and versions."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from branches.models import Branch, MonthlyTarget, YearSettings
from branches.periods import Quarter
from pairing.models import InformationExchange, JointMeeting, Problem, ProjectTask
from scoring import services
from scoring.models import ManualScore, RankingSnapshot, RubricItem, SnapshotEntry
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
)
from tests.scoring.conftest import make_rubric

Q2 = Quarter(2026, 2)
pytestmark = pytest.mark.django_db


def entry(snapshot, branch) -> SnapshotEntry:
    return snapshot.entries.get(branch=branch)


def item_score(snapshot, branch, code):
    return entry(snapshot, branch).item_scores.get(item_code=code)


def test_pair_items_count_for_every_branch_of_the_pair(groups):
    make_rubric([{"code": "P1", "method": "count_target", "source": "pair_joint_activities", "max_points": 10,
                  "target": 2, "mode": "pairing"}])
    g1, g2 = grassroots_branch(code="G01"), grassroots_branch(code="G02")
    pair = PairFactory(lead_branch=office_branch(code="O01"), grassroots=[g1, g2])
    joint = ActivityKindFactory(code="joint", counts_as_joint=True)
    own = ActivityKindFactory(code="own", counts_as_joint=False)
    counted = ActivityFactory(pair=pair, owner_branch=g1, kind=joint, date=datetime.date(2026, 5, 1))
    ActivityFactory(pair=pair, owner_branch=g1, kind=own, date=datetime.date(2026, 5, 2))  # not joint
    ActivityFactory(pair=pair, owner_branch=g1, kind=joint, date=datetime.date(2026, 3, 31))  # Q1

    snapshot = services.compile_quarter(quarter=Q2)

    for branch in (pair.lead_branch, g1, g2):
        s = item_score(snapshot, branch, "P1")
        assert (s.count, s.target, s.points) == (D(1), D(2), D("5.00"))
        assert s.evidence == [{"model": "pairing.activity", "id": counted.pk, "label": f"2026-05-01 {counted.title}"}]


def test_partnership_activities_plans_exchanges_and_meetings(groups):
    YearSettings.objects.create(year=2026, plan_deadline=datetime.date(2026, 2, 15))
    make_rubric([
        {"code": "H1", "method": "count_target", "source": "partnership_joint_activities", "max_points": 10,
         "target": 2, "mode": "partnership"},
        {"code": "H2", "method": "on_time", "source": "partnership_plan_filed", "max_points": 6,
         "mode": "partnership"},
        {"code": "H3", "method": "count_target", "source": "information_exchanges", "max_points": 9, "target": 3,
         "mode": "partnership"},
        {"code": "H4", "method": "count_target", "source": "joint_meetings", "max_points": 4, "target": 1},
    ])
    hr = hr_branch(code="H01")
    p1 = PartnershipFactory(branch=hr)
    p2 = PartnershipFactory(branch=hr)
    AnnualPlanFactory(partnership=p1, pair=None, filed_on=datetime.date(2026, 2, 10))
    AnnualPlanFactory(partnership=p2, pair=None, filed_on=datetime.date(2026, 2, 20))  # late
    kind = ActivityKindFactory(code="joint", counts_as_joint=True)
    for day in (1, 2, 3):
        ActivityFactory(partnership=p1, owner_branch=hr, kind=kind, date=datetime.date(2026, 4, day))
    ActivityFactory(partnership=p2, owner_branch=hr, kind=kind, date=datetime.date(2026, 6, 1))
    for month in (4, 5):
        InformationExchange.objects.create(partnership=p1, kind="attendance", period_year=2026, period_month=month,
                                           exchanged_on=datetime.date(2026, month, 28), content="考勤")
    JointMeeting.objects.create(partnership=p1, date=datetime.date(2026, 4, 9), topic="联席会")

    snapshot = services.compile_quarter(quarter=Q2)

    h1 = item_score(snapshot, hr, "H1")  # (min(3,2) + min(1,2)) / 4 × 10 = 7.5
    assert (h1.count, h1.target, h1.points) == (D(4), D(4), D("7.50"))
    assert item_score(snapshot, hr, "H2").points == D("3.00")  # one of two filed late -> half
    assert item_score(snapshot, hr, "H3").points == D("3.00")  # 2 of 3 + 0 of 3 -> 2/6 × 9
    assert item_score(snapshot, hr, "H4").points == D("2.00")  # 1 of 1 + 0 of 1


def test_on_time_plan_filed_after_the_quarter_counts_as_missing_for_that_quarter(groups):
    make_rubric([{"code": "P2", "method": "on_time", "source": "pair_plan_filed", "max_points": 5}])
    pair = PairFactory()
    AnnualPlanFactory(pair=pair, filed_on=datetime.date(2026, 4, 20))
    q1 = services.compile_quarter(quarter=Quarter(2026, 1))
    q2 = services.compile_quarter(quarter=Q2)
    assert item_score(q1, pair.lead_branch, "P2").points == D("0")
    assert item_score(q2, pair.lead_branch, "P2").points == D("2.50")


def test_department_plan_and_duty_targets_ratio(groups):
    make_rubric([
        {"code": "D1", "method": "on_time", "source": "department_plan_filed", "max_points": 4,
         "branch_kinds": [Branch.Kind.OFFICE]},
        {"code": "D2", "method": "ratio", "source": "duty_targets_met", "max_points": 10,
         "branch_kinds": [Branch.Kind.OFFICE]},
    ])
    office = office_branch(code="O01")
    idle_office = office_branch(code="O02")
    plan = KeyWorkPlanFactory(unit=office.unit, filed_on=datetime.date(2026, 1, 10))
    task = KeyWorkTaskFactory(plan=plan)
    MonthlyTargetFactory(task=task, month=4, status=MonthlyTarget.Status.DONE)
    MonthlyTargetFactory(task=task, month=5, status=MonthlyTarget.Status.DONE)
    MonthlyTargetFactory(task=task, month=6, status=MonthlyTarget.Status.BEHIND, note="设备未到")
    MonthlyTargetFactory(task=task, month=7, status=MonthlyTarget.Status.PENDING)  # Q3
    grassroots = grassroots_branch()

    snapshot = services.compile_quarter(quarter=Q2)

    assert item_score(snapshot, office, "D1").points == D("4.00")
    d2 = item_score(snapshot, office, "D2")
    assert (d2.count, d2.target, d2.points) == (D(2), D(3), D("6.67"))
    assert item_score(snapshot, idle_office, "D1").points == D("0")  # no plan filed
    assert item_score(snapshot, idle_office, "D2").points == D("10.00")  # nothing due
    assert not entry(snapshot, grassroots).item_scores.exists()  # items for office branches only


def test_project_tasks_on_time_and_problems_solved_are_shared_by_the_pair(groups):
    make_rubric([
        {"code": "T1", "method": "ratio", "source": "project_tasks_on_time", "max_points": 6},
        {"code": "T2", "method": "count_target", "source": "problems_solved", "max_points": 4, "target": 2},
    ])
    pair = PairFactory()
    project = KeyProjectFactory(pair=pair)
    member = MemberFactory(branch=pair.lead_branch)
    ProjectTaskFactory(project=project, claimant=member, commitment="按期完成", status=ProjectTask.Status.DONE,
                       due_date=datetime.date(2026, 6, 30), completed_on=datetime.date(2026, 6, 1))
    ProjectTaskFactory(project=project, claimant=member, commitment="按期完成", status=ProjectTask.Status.DONE,
                       due_date=datetime.date(2026, 5, 30), completed_on=datetime.date(2026, 6, 1))  # late
    ProjectTaskFactory(project=project, due_date=datetime.date(2026, 4, 30))  # never claimed
    ProblemFactory(pair=pair, status=Problem.Status.SOLVED, solution="协调解决", solved_on=datetime.date(2026, 5, 3))

    snapshot = services.compile_quarter(quarter=Q2)

    grassroots = pair.grassroots_branches.get()
    for branch in (pair.lead_branch, grassroots):
        assert item_score(snapshot, branch, "T1").points == D("2.00")  # 1 of 3 on time
        assert item_score(snapshot, branch, "T2").points == D("2.00")  # 1 of 2


def test_branch_activities_manual_bonus_and_veto(groups):
    make_rubric([
        {"code": "B1", "method": "count_target", "source": "branch_activities", "max_points": 10, "target": 3},
        {"code": "M1", "method": "manual", "max_points": 20},
        {"code": "X1", "method": "manual", "max_points": 5, "is_bonus": True},
    ])
    a, b, c = grassroots_branch(code="G01"), grassroots_branch(code="G02"), grassroots_branch(code="G03")
    for day in (1, 2, 3):
        ActivityFactory(owner_branch=a, date=datetime.date(2026, 4, day))
    ActivityFactory(owner_branch=b, date=datetime.date(2026, 4, 9))
    rubric_items = {i.code: i for i in RubricItem.objects.all()}
    admin = UserFactory()
    services.save_manual_score(quarter=Q2, branch=a, item=rubric_items["M1"], points="15", reason="支部建设扎实", user=admin)
    services.save_manual_score(quarter=Q2, branch=b, item=rubric_items["M1"], points="18.5", reason="材料完整", user=admin)
    services.save_manual_score(quarter=Q2, branch=b, item=rubric_items["X1"], points="5", reason="获评先进", user=admin)
    services.save_manual_score(quarter=Q2, branch=c, item=rubric_items["M1"], points="20", reason="优秀", user=admin)
    services.set_veto(quarter=Q2, branch=c, reason="发生违纪事件", user=admin)

    snapshot = services.compile_quarter(quarter=Q2)

    ea, eb, ec = entry(snapshot, a), entry(snapshot, b), entry(snapshot, c)
    assert (ea.base_total, ea.bonus_total, ea.total) == (D("25.00"), D("0.00"), D("25.00"))
    # b: 1/3 × 10 = 3.33 + 18.5 = 21.83, plus bonus 5 = 26.83 -> first
    assert (eb.base_total, eb.bonus_total, eb.total) == (D("21.83"), D("5.00"), D("26.83"))
    assert (eb.rank, ea.rank) == (1, 2)
    assert ec.vetoed and ec.rank == 3 and ec.position == 3 and ec.veto_reason == "发生违纪事件"
    assert "支部建设扎实" in ea.item_scores.get(item_code="M1").explanation


def test_tied_branches_share_a_rank_and_are_listed_by_code(groups):
    make_rubric([{"code": "M1", "method": "manual", "max_points": 10}])
    branches = [grassroots_branch(code=code) for code in ("G03", "G01", "G02")]
    item = RubricItem.objects.get()
    for branch, points in zip(branches, ("9", "9", "7"), strict=True):
        services.save_manual_score(quarter=Q2, branch=branch, item=item, points=points, reason="评分")
    snapshot = services.compile_quarter(quarter=Q2)
    rows = list(snapshot.entries.order_by("position").values_list("branch_code", "rank"))
    assert rows == [("G01", 1), ("G03", 1), ("G02", 3)]


def test_branches_rank_within_their_groups_and_explicit_members_win(groups):
    make_rubric([{"code": "M1", "method": "manual", "max_points": 10}])
    office, grassroots, hr = office_branch(), grassroots_branch(), hr_branch()
    groups["office"].branches.add(hr)  # the HR center branch ranked with the office branches this year
    snapshot = services.compile_quarter(quarter=Q2)
    assert entry(snapshot, office).group_name == "机关直属党支部组"
    assert entry(snapshot, hr).group_name == "机关直属党支部组"
    assert entry(snapshot, grassroots).group_name == "基层党支部组"


def test_overdue_rectifications_deduct_as_of_quarter_end(groups):
    from supervision.models import Rectification

    make_rubric([{"code": "S1", "method": "deduction_per", "source": "overdue_rectifications", "max_points": 5,
                  "deduction": 2, "mode": "supervision"}])
    branch = grassroots_branch()
    Rectification.objects.create(branch=branch, title="台账不全", deadline=datetime.date(2026, 5, 1))
    Rectification.objects.create(branch=branch, title="会议记录缺失", deadline=datetime.date(2026, 6, 1),
                                 state=Rectification.State.RECTIFYING)
    Rectification.objects.create(branch=branch, title="学习不足", deadline=datetime.date(2026, 6, 1),
                                 state=Rectification.State.CLOSED,
                                 closed_at=datetime.datetime(2026, 6, 20, tzinfo=datetime.UTC))
    Rectification.objects.create(branch=branch, title="后来销号", deadline=datetime.date(2026, 6, 1),
                                 state=Rectification.State.CLOSED,
                                 closed_at=datetime.datetime(2026, 7, 20, tzinfo=datetime.UTC))  # open at Q2 end
    Rectification.objects.create(branch=branch, title="未到期", deadline=datetime.date(2026, 7, 15))
    snapshot = services.compile_quarter(quarter=Q2)
    s1 = item_score(snapshot, branch, "S1")
    assert s1.count == D(3) and s1.points == D("-5.00")  # 3 × 2 = 6, capped at the item's 5
    assert {e["label"][11:] for e in s1.evidence} == {"台账不全", "会议记录缺失", "后来销号"}


def test_recompiling_makes_a_new_version_and_published_stays_unchanged(groups):
    make_rubric([{"code": "M1", "method": "manual", "max_points": 10}])
    branch = grassroots_branch()
    item = RubricItem.objects.get()
    score = services.save_manual_score(quarter=Q2, branch=branch, item=item, points="6", reason="初评")
    first = services.compile_quarter(quarter=Q2)
    services.publish_snapshot(snapshot=first, user=None, confirm_unscored=True)
    services.save_manual_score(quarter=Q2, branch=branch, item=item, points="9", reason="复核后调整",
                               expected_version=score.version)
    second = services.compile_quarter(quarter=Q2)
    assert (first.version, second.version) == (1, 2)
    assert second.status == RankingSnapshot.Status.DRAFT
    assert entry(first, branch).total == D("6.00")
    assert entry(second, branch).total == D("9.00")


def test_changing_a_later_rubric_never_moves_a_published_score(groups):
    make_rubric([{"code": "M1", "method": "manual", "max_points": 10, "name": "支部建设"}], year=2026)
    branch = grassroots_branch()
    item = RubricItem.objects.get()
    services.save_manual_score(quarter=Q2, branch=branch, item=item, points="8", reason="好")
    published = services.compile_quarter(quarter=Q2, publish=True)
    # next year's rubric is a copy, then edited
    next_year = services.copy_rubric(rubric=item.rubric, year=2027)
    services.save_rubric_item(item=next_year.items.get(code="M1"), name="支部建设（新）", max_points=D(5))
    services.activate_rubric(rubric=next_year)
    # a mid-year version from Q3 of 2026 does not move Q2 either
    q3_version = services.copy_rubric(rubric=item.rubric, year=2026, valid_from=3)
    services.activate_rubric(rubric=q3_version)
    again = services.compile_quarter(quarter=Q2)
    published.refresh_from_db()
    s = item_score(published, branch, "M1")
    assert (s.item_name, s.max_points, s.points) == ("支部建设", D("10.00"), D("8.00"))
    assert again.rubric_id == item.rubric_id
    assert services.compile_quarter(quarter=Quarter(2026, 3)).rubric_id == q3_version.pk


def test_a_rubric_used_by_a_published_ranking_cannot_be_edited(groups):
    rubric = make_rubric([{"code": "M1", "method": "manual", "max_points": 10}])
    grassroots_branch()
    services.compile_quarter(quarter=Q2, publish=True)
    with pytest.raises(ValidationError):
        services.save_rubric_item(item=rubric.items.get(), max_points=D(20))


def test_no_rubric_in_force_is_a_clear_error(groups):
    with pytest.raises(ValidationError, match="没有生效的评分细则"):
        services.compile_quarter(quarter=Q2)


def test_manual_score_rules(groups):
    make_rubric([{"code": "M1", "method": "manual", "max_points": 10},
                 {"code": "C1", "method": "count_target", "source": "branch_activities", "target": 1}])
    branch = grassroots_branch()
    manual, computed = RubricItem.objects.get(code="M1"), RubricItem.objects.get(code="C1")
    with pytest.raises(ValidationError) as exc:
        services.save_manual_score(quarter=Q2, branch=branch, item=manual, points="11", reason="")
    assert set(exc.value.message_dict) == {"points", "reason"}
    with pytest.raises(ValidationError, match="自动计分"):
        services.save_manual_score(quarter=Q2, branch=branch, item=computed, points="1", reason="x")
    score = services.save_manual_score(quarter=Q2, branch=branch, item=manual, points="7", reason="初评")
    services.save_manual_score(quarter=Q2, branch=branch, item=manual, points="8", reason="复核",
                               expected_version=score.version)
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.save_manual_score(quarter=Q2, branch=branch, item=manual, points="9", reason="旧页面",
                                   expected_version=score.version)
    assert ManualScore.objects.get().points == D("8.00")
    assert ManualScore.history.count() == 2
