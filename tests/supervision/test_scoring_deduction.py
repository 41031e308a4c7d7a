"""An overdue rectification reaches the branch's cup score through the rubric's deduction_per item."""

import datetime
from decimal import Decimal

import pytest

from branches.models import Branch
from branches.periods import Quarter
from supervision import services
from supervision.models import Rectification

from .conftest import shortcoming

scoring_services = pytest.importorskip("scoring.services")
scoring_models = pytest.importorskip("scoring.models")

S = Rectification.State
Q3 = Quarter(2026, 3)
pytestmark = pytest.mark.django_db


@pytest.fixture
def rubric(world):
    from tests.scoring.conftest import make_rubric

    scoring_models.RankingGroup.objects.create(name="全部党支部", branch_kinds=list(Branch.Kind.values))
    return make_rubric([{"code": "DD1", "name": "逾期未整改问题", "method": "deduction_per",
                         "source": "overdue_rectifications", "max_points": 5, "deduction": 2,
                         "mode": "supervision"}])


def item(snapshot, branch):
    return snapshot.entries.get(branch=branch).item_scores.get(item_code="DD1")


def test_an_open_rectification_past_its_deadline_costs_the_branch_points(world, rubric):
    overdue = shortcoming(world, title="外闯党员组织生活不规范", day=datetime.date(2026, 7, 10),
                          deadline=datetime.date(2026, 8, 9))
    shortcoming(world, title="期限在季度末之后", day=datetime.date(2026, 9, 1), deadline=datetime.date(2026, 10, 1))
    snapshot = scoring_services.compile_quarter(quarter=Q3)
    scored = item(snapshot, world.branch)
    assert Decimal(scored.points) == Decimal("-2")  # one overdue rectification x 2 points
    assert Decimal(item(snapshot, world.other_branch).points) == Decimal("0")
    assert snapshot.entries.get(branch=world.branch).total < snapshot.entries.get(branch=world.other_branch).total
    assert "外闯党员组织生活不规范" in str(scored.evidence)

    # Fixed and closed before the quarter's end: no deduction in a recompiled ranking.
    for to, by, extra in ((S.RECTIFYING, world.secretary, {}), (S.SUBMITTED, world.secretary, {"response": "完成"}),
                          (S.CLOSED, world.inspector, {})):
        services.transition_rectification(rectification=overdue, to_state=to, by=by,
                                          at=datetime.datetime(2026, 9, 20, 10, tzinfo=datetime.UTC), **extra)
    snapshot = scoring_services.compile_quarter(quarter=Q3)
    assert Decimal(item(snapshot, world.branch).points) == Decimal("0")
