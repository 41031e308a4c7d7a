"""Demo data of the annual assessment: the demo year's annual rubric (quarters averaged, annual items,
连带奖扣 per pair kind, star grades by quota), a few hand scores with reasons, and a draft compiled from the
published quarters (the year is not over, so it stays a draft).

Idempotent and deterministic.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from annual import services
from annual.models import AnnualItem, AnnualManualScore, AnnualRubric, AnnualSnapshot, GradeRule, JointRule
from branches.models import Branch

OFFICE, DIRECT, GRASSROOTS, HR = (Branch.Kind.OFFICE, Branch.Kind.DIRECT, Branch.Kind.GRASSROOTS,
                                  Branch.Kind.HR_CENTER)
PAIRED = [OFFICE, DIRECT, GRASSROOTS]
K, M = AnnualItem.Kind, AnnualItem.Method

# (code, name, mode, kind, kinds, max, method, source, target, deduction, rule)
ITEMS = [
    ("Y1", "全年结对共建活动", "pairing", K.BASE, PAIRED, 5, M.COUNT_TARGET, "pair_joint_activities", 4, None,
     "每个共建对子全年开展共建活动不少于 4 次，按完成比例计分。"),
    ("Y2", "全年党建共建活动", "partnership", K.BASE, [HR], 5, M.COUNT_TARGET, "partnership_joint_activities", 8,
     None, "每个共建对象全年开展共建活动不少于 8 次，按完成比例计分。"),
    ("Y3", "全年共建难题解决", "pairing", K.BASE, PAIRED, 5, M.COUNT_TARGET, "problems_solved", 6, None,
     "每个共建对子全年解决共建难题不少于 6 个。"),
    ("Y4", "党建+业务月度目标全年完成", "party_business", K.BASE, [OFFICE], 5, M.RATIO, "duty_targets_met", None, None,
     "按全年月度目标完成比例计分。"),
    ("Y5", "年末督导问题逾期未整改", "supervision", K.DEDUCTION, [], 6, M.DEDUCTION_PER, "overdue_rectifications", None,
     2, "年末仍逾期未整改的督导问题每项扣 2 分，最多扣 6 分；结对双方连带扣分。"),
    ("Y6", "年度创新与表彰加分", "base", K.BONUS, [], 5, M.MANUAL, "", None, None,
     "经验被推广、获上级表彰等，组织部门评定加 1-5 分；结对双方连带加分。"),
    ("Y7", "年度问题扣分", "base", K.DEDUCTION, [], 5, M.MANUAL, "", None, None,
     "发生违规违纪、重大问题被通报的，组织部门评定扣 1-5 分；结对双方连带扣分。"),
]
JOINT = [(JointRule.PairKind.ONE_TO_ONE, 50, 50), (JointRule.PairKind.ONE_TO_TWO, 30, 30)]
GRADES = [("五星", 20), ("四星", 30), ("三星", 30), ("二星", None)]
HAND = [("G01", "Y6", 4, "“4+1”项目攻关经验被公司党委推广"), ("G03", "Y7", 2, "年度党费收缴工作被通报"),
        ("H01", "Y6", 3, "外闯党员管理经验获油田表彰")]


def seed_rubric(year: int) -> AnnualRubric:
    rubric, created = AnnualRubric.objects.get_or_create(
        year=year, version=1, defaults={
            "name": "年度党支部党建工作考核细则", "status": AnnualRubric.Status.ACTIVE,
            "rollup": AnnualRubric.Rollup.AVERAGE, "notes": "四个季度党建提质杯得分平均，加年度考核项、连带奖扣。"})
    if not created:
        return rubric
    for n, (code, name, mode, kind, kinds, max_points, method, source, target, deduction, rule) in enumerate(ITEMS):
        item = AnnualItem(rubric=rubric, code=code, name=name, mode=mode, kind=kind,
                          branch_kinds=[str(k) for k in kinds], max_points=Decimal(max_points), method=method,
                          source=source, target=Decimal(target) if target else None,
                          deduction=Decimal(deduction) if deduction else None, rule=rule, sort_order=n)
        item.full_clean()
        item.save()
    for kind, bonus, deduction in JOINT:
        JointRule.objects.create(rubric=rubric, pair_kind=kind, bonus_share=bonus, deduction_share=deduction)
    for n, (name, percent) in enumerate(GRADES):
        GradeRule.objects.create(rubric=rubric, name=name, quota_percent=percent, sort_order=n)
    return rubric


@transaction.atomic
def seed(*, stdout=None) -> None:
    year = timezone.localdate().year
    rubric = seed_rubric(year)
    user = get_user_model().objects.filter(username="orgadmin").first()
    items = {i.code: i for i in rubric.items.all()}
    for code, item_code, points, reason in HAND:
        branch = Branch.objects.filter(code=code).first()
        if branch is not None and not AnnualManualScore.objects.filter(year=year, branch=branch,
                                                                        item=items[item_code]).exists():
            services.save_manual_score(year=year, branch=branch, item=items[item_code], points=points,
                                       reason=reason, user=user)
    if not AnnualSnapshot.objects.filter(year=year).exists():
        snapshot = services.compile_year(year=year, user=user)
        if stdout is not None:
            stdout.write(f"  annual: {year} v{snapshot.version} draft ({snapshot.entries.count()} branches)\n")
