"""Every item of the demo rubric, read as its text reads: the records the text describes give the points a
secretary reading it would expect (including the cases an independent recomputation found the engine
reading differently)."""

import datetime
from decimal import Decimal as D

import pytest

from branches.models import MonthlyTarget, YearSettings
from branches.periods import Quarter
from pairing.models import ActivityCategory, InformationExchange, JointMeeting, Problem, ProjectTask
from scoring import demo, services
from scoring.engine import registry
from scoring.engine.compile import compute
from scoring.models import RubricItem
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
    grassroots_branch,
    hr_branch,
    office_branch,
)

Q2 = Quarter(2026, 2)
Q4 = Quarter(2026, 4)
pytestmark = pytest.mark.django_db


@pytest.fixture
def rubric(groups):
    YearSettings.objects.create(year=2026, plan_deadline=datetime.date(2026, 1, 31))
    return demo.seed_rubric(2026)


def kind(code: str, *categories: str, joint: bool = True):
    k = ActivityKindFactory(code=code, counts_as_joint=joint)
    k.categories.set(ActivityCategory.objects.filter(code__in=categories))
    return k


def scores(quarter=Q2, as_of=None) -> dict:
    """{(branch id, item code): ItemResult} as the compile computes them."""
    _rubric, results = compute(quarter, as_of=as_of or quarter.end)
    return {(r.branch["id"], ir.item.code): ir for r in results for ir in r.items}


def points(result) -> D:
    return result.outcome.points


def test_every_record_item_of_the_demo_says_what_it_counts(rubric):
    for item in rubric.items.all():
        sentence = registry.says(item)
        assert sentence, item.code
    d1 = rubric.items.get(code="D1").says
    assert "组织生活" in d1 and "3" in d1
    assert "月份" in rubric.items.get(code="C3").says
    assert "不适用" in rubric.items.get(code="C1").says and "每份" in rubric.items.get(code="C1").says


def test_a1_department_plan_on_time_late_missing(rubric):
    on_time, late, missing = office_branch(code="O01"), office_branch(code="O02"), office_branch(code="O03")
    KeyWorkPlanFactory(unit=on_time.unit, filed_on=datetime.date(2026, 1, 10))
    KeyWorkPlanFactory(unit=late.unit, filed_on=datetime.date(2026, 2, 10))
    s = scores()
    assert points(s[on_time.pk, "A1"]) == D("5.00")
    assert points(s[late.pk, "A1"]) == D("2.50")
    assert points(s[missing.pk, "A1"]) == D("0")


def test_a2_targets_done_within_their_month(rubric):
    office = office_branch(code="O01")
    task = KeyWorkTaskFactory(plan=KeyWorkPlanFactory(unit=office.unit, filed_on=datetime.date(2026, 1, 10)))
    done = MonthlyTarget.Status.DONE
    MonthlyTargetFactory(task=task, month=4, status=done, completed_on=datetime.date(2026, 4, 20))
    MonthlyTargetFactory(task=task, month=5, status=done, completed_on=datetime.date(2026, 6, 5))  # done, late
    MonthlyTargetFactory(task=task, month=6, status=MonthlyTarget.Status.BEHIND, note="设备未到")
    assert points(scores()[office.pk, "A2"]) == D("5.00")  # 1 of 3 按期 × 15


def test_a2_running_quarter_counts_only_months_ended(rubric):
    office = office_branch(code="O01")
    task = KeyWorkTaskFactory(plan=KeyWorkPlanFactory(unit=office.unit, filed_on=datetime.date(2026, 1, 10)))
    MonthlyTargetFactory(task=task, month=10, status=MonthlyTarget.Status.DONE,
                         completed_on=datetime.date(2026, 10, 30))
    MonthlyTargetFactory(task=task, month=11)  # due at November's end, not done
    MonthlyTargetFactory(task=task, month=12)  # not due by 12-02
    a2 = scores(Q4, as_of=datetime.date(2026, 12, 2))[office.pk, "A2"]
    assert points(a2) == D("7.50")  # 1 of 2 due
    assert a2.outcome.explanation.startswith("截至 12 月 2 日：")


def test_marking_a_target_done_records_the_day():
    from branches import services as branch_services

    target = MonthlyTargetFactory(month=4)
    branch_services.update_target_status(target=target, status=MonthlyTarget.Status.DONE)
    target.refresh_from_db()
    assert target.completed_on is not None


def test_a3_d2_d3_and_bonuses_are_scored_by_hand(rubric):
    branch = grassroots_branch(code="G01")
    items = {i.code: i for i in rubric.items.all()}
    for code, value in (("A3", "16"), ("D2", "12.5"), ("D3", "15"), ("X1", "2")):
        services.save_manual_score(quarter=Q2, branch=branch, item=items[code], points=value, reason="评定")
    s = scores()
    assert [points(s[branch.pk, c]) for c in ("A3", "D2", "D3", "X1", "X2")] == [
        D("16.00"), D("12.50"), D("15.00"), D("2.00"), D("0")]


def test_b_items_for_a_pair_and_for_a_branch_without_one(rubric):
    lead, g1 = office_branch(code="O01"), grassroots_branch(code="G01")
    unpaired = grassroots_branch(code="G09")
    pair = PairFactory(lead_branch=lead, grassroots=[g1])
    AnnualPlanFactory(pair=pair, filed_on=datetime.date(2026, 1, 20))
    ActivityFactory(pair=pair, owner_branch=g1, kind=kind("theme_day", "linked", "org_life"),
                    date=datetime.date(2026, 5, 1))
    JointMeeting.objects.create(pair=pair, date=datetime.date(2026, 4, 9), topic="联席会")
    project = KeyProjectFactory(pair=pair)
    member = MemberFactory(branch=lead)
    ProjectTaskFactory(project=project, claimant=member, commitment="按期完成", status=ProjectTask.Status.DONE,
                       due_date=datetime.date(2026, 6, 30), completed_on=datetime.date(2026, 6, 1))
    ProjectTaskFactory(project=project, claimant=member, commitment="按期完成", status=ProjectTask.Status.DONE,
                       due_date=datetime.date(2026, 5, 30), completed_on=datetime.date(2026, 6, 1))  # late
    ProblemFactory(pair=pair, status=Problem.Status.SOLVED, solution="协调解决", solved_on=datetime.date(2026, 5, 3))
    s = scores()
    for branch in (lead, g1):  # 连带
        assert [points(s[branch.pk, c]) for c in ("B1", "B2", "B3", "B4", "B5")] == [
            D("5.00"), D("12.00"), D("5.00"), D("4.00"), D("3.50")]
    # no pair: every B item gives 0, as their texts say (B4 no longer gives full points)
    assert [points(s[unpaired.pk, c]) for c in ("B1", "B2", "B3", "B4", "B5", "B6")] == [D("0")] * 6
    assert "共建关系" in s[unpaired.pk, "B4"].outcome.explanation


def test_b4_full_when_the_pair_has_nothing_due_and_tasks_due_later_are_not_missed(rubric):
    pair = PairFactory()
    ProjectTaskFactory(project=KeyProjectFactory(pair=pair), due_date=datetime.date(2026, 12, 20))
    running = scores(Q4, as_of=datetime.date(2026, 12, 2))
    assert points(running[pair.lead_branch.pk, "B4"]) == D("8.00")
    ended = scores(Q4)
    assert points(ended[pair.lead_branch.pk, "B4"]) == D("0.00")


def test_b6_four_co_building_kinds_covered_in_the_year(rubric):
    pair = PairFactory()
    branch = pair.lead_branch
    ActivityFactory(pair=pair, owner_branch=branch, kind=kind("joint_study", "organisation", "org_life"),
                    date=datetime.date(2026, 2, 1))  # an earlier quarter of the year counts
    ActivityFactory(pair=pair, owner_branch=branch, kind=kind("theme_day", "linked", "org_life"),
                    date=datetime.date(2026, 5, 1))
    ActivityFactory(pair=pair, owner_branch=branch, kind=kind("volunteer", "linked"),
                    date=datetime.date(2026, 5, 2))  # same kind of co-building again
    ActivityFactory(pair=pair, owner_branch=branch, kind=kind("future", "business"),
                    date=datetime.date(2026, 8, 2))  # after Q2
    assert points(scores()[branch.pk, "B6"]) == D("1.50")  # 2 of 4 kinds × 3


def test_c1_each_partner_plan_is_a_share_late_half(rubric):
    hr = hr_branch(code="H01")
    partners = [PartnershipFactory(branch=hr) for _ in range(5)]
    for p in partners[:4]:
        AnnualPlanFactory(partnership=p, pair=None, filed_on=datetime.date(2026, 1, 20))
    assert points(scores()[hr.pk, "C1"]) == D("4.00")  # one missing of five: 4 of 5, not 0
    AnnualPlanFactory(partnership=partners[4], pair=None, filed_on=datetime.date(2026, 2, 20))
    assert points(scores()[hr.pk, "C1"]) == D("4.50")  # the late one earns half its share


def test_c2_c4_per_partner_with_a_cap(rubric):
    hr = hr_branch(code="H01")
    p1, p2 = PartnershipFactory(branch=hr), PartnershipFactory(branch=hr)
    joint = kind("heart_talk", "care")
    for day in (1, 2, 3):
        ActivityFactory(partnership=p1, owner_branch=hr, kind=joint, date=datetime.date(2026, 4, day))
    ActivityFactory(partnership=p2, owner_branch=hr, kind=joint, date=datetime.date(2026, 6, 1))
    JointMeeting.objects.create(partnership=p1, date=datetime.date(2026, 4, 9), topic="联席会")
    s = scores()
    assert points(s[hr.pk, "C2"]) == D("15.00")  # (min(3,2) + 1) of 4 × 20
    assert points(s[hr.pk, "C4"]) == D("2.50")


def test_c3_counts_months_covered_not_records(rubric):
    hr = hr_branch(code="H01")
    partner = PartnershipFactory(branch=hr)
    for kind_value in ("assessment", "thinking", "attendance"):  # three exchanges, all in April
        InformationExchange.objects.create(partnership=partner, kind=kind_value, period_year=2026, period_month=4,
                                           exchanged_on=datetime.date(2026, 4, 28), content="互通")
    assert points(scores()[hr.pk, "C3"]) == D("3.33")  # 1 month of 3, not 10
    InformationExchange.objects.create(partnership=partner, kind="attendance", period_year=2026, period_month=5,
                                       exchanged_on=datetime.date(2026, 5, 28), content="考勤")
    InformationExchange.objects.create(partnership=partner, kind="attendance", period_year=2026, period_month=6,
                                       exchanged_on=datetime.date(2026, 6, 28), content="考勤")
    assert points(scores()[hr.pk, "C3"]) == D("10.00")


def test_c_items_do_not_apply_to_an_hr_branch_without_partners(rubric):
    hr = hr_branch(code="H01")
    _rubric, results = compute(Q2, as_of=Q2.end)
    result = next(r for r in results if r.branch["id"] == hr.pk)
    c_items = [ir for ir in result.items if ir.item.code.startswith("C")]
    assert [(ir.outcome.points, ir.max_points, ir.outcome.applicable) for ir in c_items] == [
        (D("0"), D("0"), False)] * 4
    assert "不计入满分" in c_items[0].outcome.explanation
    # left out of the branch's maximum: 100 less the 40 points of mode 3
    assert result.base_max == D("60")


def test_d1_counts_organisation_life_only(rubric):
    branch = grassroots_branch(code="G01")
    life = kind("theme_day", "linked", "org_life")
    for code in ("business_guidance", "onsite_help", "online_qa", "culture_sports"):  # not organisation life
        ActivityFactory(owner_branch=branch, kind=kind(code, "business"), date=datetime.date(2026, 4, 10))
    ActivityFactory(owner_branch=branch, kind=life, date=datetime.date(2026, 4, 12))
    ActivityFactory(owner_branch=branch, kind=kind("three_meetings", "org_life", joint=False),
                    date=datetime.date(2026, 5, 12))
    assert points(scores()[branch.pk, "D1"]) == D("6.67")  # 2 of 3, the four others not counted


def test_e1_overdue_rectifications_to_date(rubric):
    from supervision.models import Rectification

    branch = grassroots_branch(code="G01")
    Rectification.objects.create(branch=branch, title="台账不全", deadline=datetime.date(2026, 11, 20))
    Rectification.objects.create(branch=branch, title="未到期", deadline=datetime.date(2026, 12, 20))
    running = scores(Q4, as_of=datetime.date(2026, 12, 2))[branch.pk, "E1"]
    assert points(running) == D("-2.00")  # the one due later in the quarter is not yet missed
    assert points(scores(Q4)[branch.pk, "E1"]) == D("-4.00")


def test_a_target_of_zero_gives_full_points(groups):
    from tests.scoring.conftest import make_rubric

    make_rubric([{"code": "Z1", "method": "count_target", "source": "branch_activities", "target": 0,
                  "max_points": 4}])
    branch = grassroots_branch()
    assert points(scores()[branch.pk, "Z1"]) == D("4.00")


def test_parameters_are_checked_against_the_method_and_source(groups):
    from django.core.exceptions import ValidationError

    from tests.scoring.conftest import make_rubric

    with pytest.raises(ValidationError, match="计数方式"):
        make_rubric([{"code": "Q1", "method": "count_target", "source": "information_exchanges", "target": 1,
                      "params": {"unit": "kinds"}}])
    with pytest.raises(ValidationError, match="不使用参数"):
        make_rubric([{"code": "Q2", "method": "ratio", "source": "project_tasks_on_time", "params": {"share": True}}])
    with pytest.raises(ValidationError, match="没有这些编码"):
        make_rubric([{"code": "Q3", "method": "count_target", "source": "branch_activities", "target": 1,
                      "params": {"categories": ["nope"]}}])
    assert not RubricItem.objects.filter(code__in=["Q1", "Q2", "Q3"]).exists()


def test_a_column_shows_the_items_maximum_when_some_branches_have_it_left_out(rubric):
    from scoring import selectors

    without, with_partner = hr_branch(code="H01"), hr_branch(code="H02")
    PartnershipFactory(branch=with_partner)
    snapshot = services.compile_quarter(quarter=Q2)
    hr_group = next(g for g in selectors.snapshot_table(snapshot=snapshot) if g["name"] == "人力资源服务中心组")
    columns = {c["code"]: c["max"] for c in hr_group["columns"]}
    assert columns["C1"] == D("5.00") and columns["C2"] == D("20.00")
    assert snapshot.entries.get(branch=without).item_scores.get(item_code="C1").max_points == D("0")
