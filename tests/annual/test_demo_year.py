"""The demo year's annual assessment, compiled and published, against figures worked out by hand."""

import datetime
from collections import Counter
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from annual import services
from annual.models import AnnualItem, AnnualSnapshot, JointRule, PublishedAnnualError
from branches.models import Branch
from branches.periods import Quarter
from scoring import services as cup
from scoring.engine.methods import q2
from scoring.models import RankingSnapshot
from tests.annual.conftest import make_annual_rubric

pytestmark = pytest.mark.django_db

ITEMS = [
    {"code": "Y1", "method": "count_target", "source": "pair_joint_activities", "target": D(4), "max_points": D(5),
     "branch_kinds": ["office", "direct", "grassroots"]},
    {"code": "B1", "kind": "bonus", "method": "manual", "max_points": D(5)},
    {"code": "D1", "kind": "deduction", "method": "manual", "max_points": D(5)},
]
JOINT = [(JointRule.PairKind.ONE_TO_ONE, 50, 50), (JointRule.PairKind.ONE_TO_TWO, 30, 20)]
GRADES = [("五星", D(20)), ("四星", D(30)), ("三星", D(30)), ("二星", None)]
# (branch, item, points, reason): O01-G01 is a one-to-one pair; O02 leads G03 and G04 (one-to-two).
HAND = [("G01", "B1", 4, "经验被公司党委推广"), ("O01", "D1", 2, "党费收缴被通报"), ("G03", "B1", 5, "获油田表彰"),
        ("G04", "D1", 3, "组织生活记录缺失"), ("O02", "B1", 2, "攻关项目获奖")]
# 连带奖扣 worked by hand from HAND and JOINT:
#   O01 takes 50% of G01's bonus 4 = +2.00;  G01 takes 50% of O01's deduction -2 = -1.00
#   O02 takes 30% of G03's bonus 5 + 20% of G04's deduction -3 = 1.50 - 0.60 = +0.90
#   G03 and G04 each take 30% of O02's bonus 2 = +0.60
EXPECTED_JOINT = {"O01": D("2.00"), "G01": D("-1.00"), "O02": D("0.90"), "G03": D("0.60"), "G04": D("0.60")}
# Grades by quota, worked by hand (places rounded down, cumulative):
#   grassroots group, 9 branches, G07 vetoed: 五星 floor(1.8)=1, 四星 floor(4.5)-1=3, 三星 floor(7.2)-4=3,
#   二星 the one ranked branch left; G07 不定等次.
#   office and direct group, 7 branches: 五星 floor(1.4)=1, 四星 floor(3.5)-1=2, 三星 floor(5.6)-3=2, 二星 2.
#   HR service center group, 1 branch: every quota rounds down to 0 places, so it takes the last grade 二星.
EXPECTED_GRADES = {
    "基层党支部组": {"五星": 1, "四星": 3, "三星": 3, "二星": 1, "不定等次": 1},
    "机关直属党支部组": {"五星": 1, "四星": 2, "三星": 2, "二星": 2},
    "人力资源服务中心组": {"二星": 1},
}


def _prepare(year, orgadmin):
    # The year is over: the organisation department compiles and publishes the fourth quarter first.
    cup.compile_quarter(quarter=Quarter(year, 4), user=orgadmin, publish=True)
    rubric = make_annual_rubric(year, ITEMS, joint=JOINT, grades=GRADES, rollup="weighted",
                                quarter_weights=[0.2, 0.2, 0.3, 0.3])
    items = {i.code: i for i in rubric.items.all()}
    for code, item, points, reason in HAND:
        services.save_manual_score(year=year, branch=Branch.objects.get(code=code), item=items[item], points=points,
                                   reason=reason, user=orgadmin)
    services.set_veto(year=year, branch=Branch.objects.get(code="G07"), reason="发生违规违纪问题", user=orgadmin)
    return rubric


def test_annual_assessment_of_the_demo_year_matches_the_hand_worked_figures(demo, after_year_end,
                                                                           django_user_model,
                                                                           django_capture_on_commit_callbacks):
    year = demo
    orgadmin = django_user_model.objects.get(username="orgadmin")
    _prepare(year, orgadmin)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_compile(year=year, user=orgadmin)
    job.refresh_from_db()
    assert job.state == "done" and job.progress == 100
    snapshot = job.snapshot
    assert snapshot.status == AnnualSnapshot.Status.DRAFT
    services.publish(snapshot=snapshot, user=orgadmin)
    snapshot.refresh_from_db()
    assert snapshot.status == AnnualSnapshot.Status.PUBLISHED
    entries = {e.branch_code: e for e in snapshot.entries.all()}
    assert len(entries) == 17

    for code, e in entries.items():
        assert e.joint_points == EXPECTED_JOINT.get(code, D("0.00")), code
    assert entries["O01"].deduction_points == D("-2.00") and entries["G01"].bonus_points == D("4.00")
    assert entries["G04"].deduction_points == D("-3.00")

    # The quarters roll up with the weights 0.2/0.2/0.3/0.3 from the published quarterly rankings.
    totals = {}
    for q in RankingSnapshot.objects.filter(year=year, status="published"):
        for e in q.entries.all():
            totals.setdefault(e.branch_code, {})[q.number] = e.total
    weights = {1: D("0.2"), 2: D("0.2"), 3: D("0.3"), 4: D("0.3")}
    for code, e in entries.items():
        expected = sum((q2(totals[code][n] * w) for n, w in weights.items()), D(0))
        assert e.quarter_points == expected, code
        assert e.total == e.quarter_points + e.item_points + e.bonus_points + e.deduction_points + e.joint_points

    got = {}
    for e in entries.values():
        got.setdefault(e.group_name, Counter())[e.grade] += 1
    assert {g: dict(c) for g, c in got.items()} == EXPECTED_GRADES
    assert entries["G07"].vetoed and entries["G07"].grade == "不定等次"
    for group in EXPECTED_GRADES:
        ranked = sorted((e for e in entries.values() if e.group_name == group and not e.vetoed),
                        key=lambda e: e.position)
        assert ranked[0].grade == "五星" or group == "人力资源服务中心组"
        assert all(a.total >= b.total for a, b in zip(ranked, ranked[1:], strict=False))

    # Every point is explained, and the 连带 line names the partner and the share.
    o01 = entries["O01"]
    joint = o01.lines.get(kind="joint")
    assert "曲堤管理区党支部" in joint.explanation and "50%" in joint.explanation and joint.points == D("2.00")
    assert sum(line.points for line in o01.lines.all()) == o01.total
    star = next(e for e in entries.values() if e.grade == "五星" and e.group_name == "基层党支部组")
    assert star.rank == 1 and "9 × 20% = 1.8，取整 1 个名额" in star.grade_explanation

    # Published means fixed: no edit, no delete; a correction is a new version with its reason.
    o01.total = D(1)
    with pytest.raises(PublishedAnnualError):
        o01.save()
    with pytest.raises(PublishedAnnualError):
        snapshot.delete()
    b1 = AnnualItem.objects.get(rubric=snapshot.rubric, code="B1")
    services.save_manual_score(year=year, branch=Branch.objects.get(code="G01"), item=b1, points=5,
                               reason="另获上级表彰", user=orgadmin)
    correction = services.compile_year(year=year, user=orgadmin)
    with pytest.raises(ValidationError, match="更正原因"):
        services.publish(snapshot=correction, user=orgadmin)
    services.publish(snapshot=correction, user=orgadmin, correction_reason="G01 另获上级表彰，补记加分")
    assert services.current_published(year).pk == correction.pk
    assert correction.entries.get(branch_code="O01").joint_points == D("2.50")
    assert snapshot.entries.get(branch_code="O01").joint_points == D("2.00")  # the first version never moved
    with pytest.raises(ValidationError, match="正在生效"):
        services.lock(snapshot=snapshot, user=orgadmin)  # the first version is no longer the one in force
    services.lock(snapshot=correction, user=orgadmin)
    with pytest.raises(ValidationError, match="已锁定"):
        services.compile_year(year=year)
    with pytest.raises(ValidationError, match="已锁定"):
        services.save_manual_score(year=year, branch=Branch.objects.get(code="G01"), item=b1, points=1,
                                   reason="x", user=orgadmin)


def test_publishing_waits_for_the_end_of_the_year_and_its_four_quarters(demo, django_user_model, monkeypatch):
    year = demo
    orgadmin = django_user_model.objects.get(username="orgadmin")
    draft = services.compile_year(year=year, user=orgadmin)  # during the year: a draft from Q1-Q3
    assert [q["quarter"] for q in draft.quarters_used] == [f"{year}Q1", f"{year}Q2", f"{year}Q3"]
    line = draft.entries.get(branch_code="G01").lines.get(code=f"{year}Q4")
    assert line.points == 0 and "尚无已发布的排名" in line.explanation
    with pytest.raises(ValidationError, match="尚未结束"):
        services.publish(snapshot=draft, user=orgadmin)
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(year + 1, 1, 6))
    with pytest.raises(ValidationError, match=f"{year}Q4 的季度排名尚未发布"):
        services.publish(snapshot=draft, user=orgadmin)
    assert AnnualSnapshot.objects.get(pk=draft.pk).status == AnnualSnapshot.Status.DRAFT
