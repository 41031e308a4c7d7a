"""A full rubric and the usual ranking groups, used when scoring.demo offers no rubric maker.

Every record source of the engine appears once, with the branch kinds it applies to, plus a manual
item, the way the organisation department's rubric reads (结对共建, 党建共建, 党建+业务, 基础工作, 督导).
"""

from __future__ import annotations

from decimal import Decimal

OF, D, G, H = "office", "direct", "grassroots", "hr_center"

SECTIONS = [
    ("结对共建", [
        ("P1", "结对共建活动", "pairing", [OF, D, G], 20, "count_target", "pair_joint_activities", 1, None),
        ("P2", "实施方案按时备案", "pairing", [OF, D, G], 5, "on_time", "pair_plan_filed", None, None),
        ("P3", "领办任务按期完成", "pairing", [OF, D, G], 10, "ratio", "project_tasks_on_time", None, None),
        ("P4", "共建难题解决", "pairing", [OF, D, G], 10, "count_target", "problems_solved", 1, None),
        ("P5", "联席会", "pairing", [OF, D, G, H], 5, "count_target", "joint_meetings", 1, None),
    ]),
    ("党建共建", [
        ("S1", "党建共建活动", "partnership", [H], 20, "count_target", "partnership_joint_activities", 2, None),
        ("S2", "共建方案按时备案", "partnership", [H], 5, "on_time", "partnership_plan_filed", None, None),
        ("S3", "信息互通", "partnership", [H], 10, "count_target", "information_exchanges", 9, None),
    ]),
    ("党建+业务", [
        ("B1", "年度重点工作方案备案", "party_business", [OF], 5, "on_time", "department_plan_filed", None, None),
        ("B2", "月度目标完成", "party_business", [OF], 15, "ratio", "duty_targets_met", None, None),
    ]),
    ("基础工作", [
        ("J1", "支部活动", "base", [], 20, "count_target", "branch_activities", 6, None),
        ("J2", "支部工作质量", "base", [], 10, "manual", "", None, None),
    ]),
    ("常态化督导", [
        ("X1", "逾期未整改问题", "supervision", [], 10, "deduction_per", "overdue_rectifications", None, 2),
    ]),
]


def create_groups() -> None:
    from scoring.models import RankingGroup

    if not RankingGroup.objects.filter(is_active=True).exists():
        RankingGroup.objects.create(name="机关直属党支部组", branch_kinds=[OF, D], sort_order=1)
        RankingGroup.objects.create(name="基层党支部组", branch_kinds=[G], sort_order=2)
        RankingGroup.objects.create(name="人力资源服务中心组", branch_kinds=[H], sort_order=3)


def create_full_rubric(*, year: int) -> dict:
    from scoring.models import Rubric, RubricItem, RubricSection

    create_groups()
    existing = Rubric.objects.filter(year=year, status=Rubric.Status.ACTIVE).first()
    if existing is not None:
        return {"created": True, "via": "existing", "rubric": str(existing)}
    version = (Rubric.objects.filter(year=year).order_by("-version").values_list("version", flat=True).first() or 0) + 1
    rubric = Rubric.objects.create(year=year, version=version, valid_from=1, name="党建提质杯评分细则（基准）",
                                   status=Rubric.Status.ACTIVE)
    n = 0
    for s_order, (section_name, items) in enumerate(SECTIONS):
        section = RubricSection.objects.create(rubric=rubric, name=section_name, sort_order=s_order)
        for code, name, mode, kinds, points, method, source, target, deduction in items:
            item = RubricItem(rubric=rubric, section=section, code=code, name=name, mode=mode, branch_kinds=kinds,
                              max_points=Decimal(points), method=method, source=source,
                              target=Decimal(target) if target else None,
                              deduction=Decimal(deduction) if deduction else None, sort_order=n)
            item.full_clean()
            item.save()
            n += 1
    return {"created": True, "via": "bench.rubric", "rubric": str(rubric), "items": n}
