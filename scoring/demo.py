"""Demo data of the 党建提质杯: this year's rubric (100 points + bonuses), ranking groups, manual scores
with reasons, and compiled + published rankings of the year's past quarters (the current one is left for
the organisation department to compile from the page).

Idempotent (running twice changes nothing) and deterministic (random.Random with a fixed seed).
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from branches.models import Branch
from branches.periods import Quarter
from scoring import services
from scoring.models import ManualScore, RankingGroup, RankingSnapshot, Rubric, RubricItem, RubricSection

OFFICE, DIRECT, GRASSROOTS, HR = (Branch.Kind.OFFICE, Branch.Kind.DIRECT, Branch.Kind.GRASSROOTS,
                                  Branch.Kind.HR_CENTER)
PAIRED = [OFFICE, DIRECT, GRASSROOTS]
M = RubricItem.Mode

NA, ZERO = RubricItem.NoObligation.NOT_APPLICABLE, RubricItem.NoObligation.ZERO
FOUR_KINDS = ["organisation", "linked", "resources", "business"]

# (section, [(code, name, mode, kinds, max, method, source, target, deduction, bonus, rule, extra)]); `extra`
# holds the item's params and what it gives a branch without the obligation. Each rule says what the
# registry's sentence for the item says (scoring.engine.registry.says); tests/scoring/test_demo_rubric.py
# builds the records each rule describes and checks the points.
RUBRIC = [
    ("一、党建+业务", [
        ("A1", "部门年度重点工作方案备案", M.PARTY_BUSINESS, [OFFICE], 5, "on_time", "department_plan_filed", None, None,
         False, "部门年度重点工作方案在备案截止日前备案得满分，逾期备案得一半，未备案不得分。", {"no_obligation": NA}),
        ("A2", "党建+业务月度目标完成", M.PARTY_BUSINESS, [OFFICE], 15, "ratio", "duty_targets_met", None, None, False,
         "截至计分日已到月末的本季度月度目标中，当月按期完成的比例乘以 15 分；本季度尚无到期目标得满分。",
         {"no_obligation": NA}),
        ("A3", "党建与业务融合成效", M.PARTY_BUSINESS, [DIRECT, GRASSROOTS, HR], 20, "manual", "", None, None, False,
         "组织部门根据支部党建与中心工作融合情况评定，写明理由。", {}),
    ]),
    ("二、结对共建", [
        ("B1", "结对共建实施方案备案", M.PAIRING, PAIRED, 5, "on_time", "pair_plan_filed", None, None, False,
         "年初在备案截止日前备案实施方案得满分，逾期备案得一半，未备案不得分；结对双方连带计分；未结对的支部不得分。",
         {"no_obligation": ZERO}),
        ("B2", "结对共建活动", M.PAIRING, PAIRED, 12, "count_target", "pair_joint_activities", 1, None, False,
         "每季度至少开展 1 次共建活动（全年不少于 4 次），达到得满分；结对双方连带计分；未结对的支部不得分。",
         {"no_obligation": ZERO}),
        ("B3", "联席会", M.PAIRING, PAIRED, 5, "count_target", "joint_meetings", 1, None, False,
         "每季度召开联席会研究共建内容至少 1 次；未结对的支部不得分。", {"no_obligation": ZERO}),
        ("B4", "领办任务按期完成", M.PAIRING, PAIRED, 8, "ratio", "project_tasks_on_time", None, None, False,
         "截至计分日本季度已到期的领办任务中按期完成的比例乘以 8 分；本季度无到期任务得满分；未结对的支部不得分。",
         {"no_obligation": ZERO}),
        ("B5", "共建难题解决", M.PAIRING, PAIRED, 7, "count_target", "problems_solved", 2, None, False,
         "每季度解决共建难题 2 个，按完成比例计分；未结对的支部不得分。", {"no_obligation": ZERO}),
        ("B6", "共建活动四类覆盖", M.PAIRING, PAIRED, 3, "count_target", "pair_joint_activities", 4, None, False,
         "年初至今开展的共建活动覆盖组织共建、活动互联、资源共享、业务互促四类，每覆盖一类得 0.75 分；"
         "未结对的支部不得分。",
         {"no_obligation": ZERO, "params": {"unit": "categories", "categories": FOUR_KINDS, "window": "year"}}),
    ]),
    ("三、党建共建", [
        ("C1", "党建共建方案备案", M.PARTNERSHIP, [HR], 5, "on_time", "partnership_plan_filed", None, None, False,
         "每个共建对象年初备案共建方案，每份占本项分值的一份：按期备案得该份满分，逾期备案得一半，未备案不得分；"
         "没有共建对象时本项不适用，不计入满分。", {"no_obligation": NA, "params": {"share": True}}),
        ("C2", "党建共建活动", M.PARTNERSHIP, [HR], 20, "count_target", "partnership_joint_activities", 2, None, False,
         "每个共建对象每季度至少开展 2 次共建活动（全年不少于 8 次），每个对象最多计 2 次，按完成比例计分；"
         "没有共建对象时本项不适用。", {"no_obligation": NA}),
        ("C3", "信息互通", M.PARTNERSHIP, [HR], 10, "count_target", "information_exchanges", 3, None, False,
         "每个共建对象每月至少互通一次业务考核、思想动态或考勤信息：按本季度有互通的月份计，每个对象目标 3 个月，"
         "同月多次只计一次；没有共建对象时本项不适用。", {"no_obligation": NA, "params": {"unit": "months"}}),
        ("C4", "共建联席会", M.PARTNERSHIP, [HR], 5, "count_target", "joint_meetings", 1, None, False,
         "每个共建对象每季度召开联席会至少 1 次；没有共建对象时本项不适用。", {"no_obligation": NA}),
    ]),
    ("四、基础工作", [
        ("D1", "支部组织生活", M.BASE, [], 10, "count_target", "branch_activities", 3, None, False,
         "每季度开展“三会一课”、主题党日等组织生活不少于 3 次（只计组织生活类活动，业务指导、帮扶、文体等不计），"
         "按完成比例计分。", {"params": {"categories": ["org_life"]}}),
        ("D2", "组织生活质量", M.BASE, [], 15, "manual", "", None, None, False,
         "组织部门抽查会议记录、学习资料，评定组织生活质量。", {}),
        ("D3", "党员教育管理", M.BASE, [], 15, "manual", "", None, None, False,
         "党员学习教育、发展党员、党费收缴等工作情况。", {}),
    ]),
    ("五、常态化督导", [
        ("E1", "督导问题逾期未整改", M.SUPERVISION, [], 10, "deduction_per", "overdue_rectifications", None, 2, False,
         "截至计分日（季度末）仍未销号且已超过整改期限的督导问题，每项扣 2 分，最多扣 10 分。", {}),
    ]),
    ("六、加分项", [
        ("X1", "典型经验推广", M.BASE, [], 3, "manual", "", None, None, True,
         "经验做法被公司党委推广的，加 1-3 分。", {}),
        ("X2", "上级表彰", M.BASE, [], 2, "manual", "", None, None, True, "获上级党组织表彰的，加 1-2 分。", {}),
    ]),
]

GROUPS = [("机关直属党支部组", [OFFICE, DIRECT]), ("基层党支部组", [GRASSROOTS]), ("人力资源服务中心组", [HR])]

REASONS = {
    "A3": ["围绕生产经营设立党员先锋岗，攻关成效明显", "党建与安全生产同部署同检查", "融合举措较少，需加强"],
    "D2": ["三会一课记录完整，主题党日形式新颖", "会议记录规范，学习研讨深入", "个别会议记录不够详实"],
    "D3": ["党员学习教育覆盖率高，党费按时足额收缴", "发展党员程序规范", "外闯党员学习跟踪需加强"],
    "X1": ["“4+1”项目攻关经验被公司党委推广"],
    "X2": ["获评油田先进基层党组织"],
}


def seed_rubric(year: int) -> Rubric:
    rubric, created = Rubric.objects.get_or_create(
        year=year, version=1,
        defaults={"name": "党建提质杯评分细则", "valid_from": 1, "status": Rubric.Status.ACTIVE,
                  "notes": "基础分 100 分（三种模式与基础工作），常态化督导逾期未整改问题扣分，另设加分项。"})
    if not created:
        return rubric
    for n, (section_name, items) in enumerate(RUBRIC, start=1):
        section = RubricSection.objects.create(rubric=rubric, name=section_name, sort_order=n)
        for m, (code, name, mode, kinds, max_points, method, source, target, deduction, bonus, rule,
                extra) in enumerate(items):
            item = RubricItem(
                rubric=rubric, section=section, code=code, name=name, mode=mode, branch_kinds=[str(k) for k in kinds],
                max_points=Decimal(max_points), method=method, source=source,
                target=Decimal(target) if target is not None else None,
                deduction=Decimal(deduction) if deduction else None, is_bonus=bonus, rule=rule, sort_order=m,
                params=extra.get("params", {}), no_obligation=extra.get("no_obligation", ZERO))
            item.full_clean()
            item.save()
    return rubric


def seed_groups() -> None:
    for n, (name, kinds) in enumerate(GROUPS, start=1):
        RankingGroup.objects.get_or_create(name=name, defaults={"branch_kinds": [str(k) for k in kinds],
                                                                "sort_order": n})


def seed_manual_scores(rubric: Rubric, quarter: Quarter, user) -> int:
    rng = random.Random(f"2026:scoring:{quarter}")
    manual = list(rubric.items.filter(method=RubricItem.Method.MANUAL).order_by("code"))
    created = 0
    for branch in Branch.objects.filter(is_active=True).order_by("code"):
        for item in manual:
            if not item.applies_to(branch.kind):
                continue
            if item.is_bonus:
                if rng.random() > 0.12:
                    continue
                points = Decimal(rng.randint(1, int(item.max_points)))
            else:
                share = Decimal(rng.randint(14, 20)) / 20  # 70%-100% of the item, in steps of 5%
                points = (item.max_points * share * 2).quantize(Decimal("1")) / 2
            reasons = REASONS[item.code]
            reason = reasons[-1] if points < item.max_points * Decimal("0.8") and len(reasons) > 1 else rng.choice(
                reasons[:-1] or reasons)
            if ManualScore.objects.filter(year=quarter.year, number=quarter.number, branch=branch, item=item).exists():
                continue
            services.save_manual_score(quarter=quarter, branch=branch, item=item, points=points, reason=reason,
                                       user=user)
            created += 1
    return created


@transaction.atomic
def seed(*, stdout=None) -> None:
    write = (lambda text: stdout.write(text + "\n")) if stdout is not None else (lambda text: None)
    current = Quarter.current()
    rubric = seed_rubric(current.year)
    seed_groups()
    user = get_user_model().objects.filter(username="orgadmin").first()
    past = [Quarter(current.year, n) for n in range(1, current.number)]
    for quarter in past:
        scored = seed_manual_scores(rubric, quarter, user)
        if RankingSnapshot.objects.filter(year=quarter.year, number=quarter.number).exists():
            continue
        snapshot = services.compile_quarter(quarter=quarter, user=user, publish=True)
        write(f"  scoring: {quarter} v{snapshot.version} published ({snapshot.entries.count()} branches, "
              f"{scored} manual scores)")
    write(f"  scoring: rubric {rubric}; {current} left to compile from the rankings page")
