"""Small builders shared by the fault tests."""

from __future__ import annotations

from decimal import Decimal

from branches.models import Branch, Role
from scoring.models import RankingGroup, Rubric, RubricItem, RubricSection
from tests.factories import ActivityKindFactory, PairFactory, grassroots_branch, office_branch, user_with_role


def cup_ready(*, year: int = 2026, branches: int = 2) -> Rubric:
    """An active rubric with one manual item and a ranking group holding `branches` grassroots branches."""
    rubric = Rubric.objects.create(year=year, version=1, valid_from=1, name="故障测试细则", status=Rubric.Status.ACTIVE)
    section = RubricSection.objects.create(rubric=rubric, name="基础工作")
    RubricItem.objects.create(rubric=rubric, section=section, code="M1", name="组织生活质量", mode=RubricItem.Mode.BASE,
                              max_points=Decimal("10"), method=RubricItem.Method.MANUAL)
    RankingGroup.objects.get_or_create(name="基层党支部组", defaults={"branch_kinds": [Branch.Kind.GRASSROOTS]})
    for _ in range(branches):
        grassroots_branch()
    return rubric


def secretary_with_pair():
    """A grassroots branch's secretary, the branch paired with an office branch this year, and a joint kind."""
    from django.utils import timezone

    office, grassroots = office_branch(), grassroots_branch()
    pair = PairFactory(year=timezone.localdate().year, lead_branch=office, grassroots=[grassroots])
    secretary = user_with_role(Role.Kind.SECRETARY, branch=grassroots)
    kind = ActivityKindFactory(counts_as_joint=True)
    return secretary, grassroots, office, pair, kind
