"""The contract selectors, the dashboard summary, and the demo data."""

import datetime
import io

import pytest
from django.utils import timezone

from branches.models import Role
from supervision import selectors, services
from supervision.models import Finding, Rectification, SupervisionRound, Visit
from tests.factories import grassroots_branch, hr_branch, office_branch, user_with_role

from .conftest import VISIT_DAY, shortcoming

S = Rectification.State
pytestmark = pytest.mark.django_db


def test_open_rectifications_excludes_closed_and_other_branches(world):
    a = shortcoming(world, title="甲")
    b = shortcoming(world, title="乙", deadline=datetime.date(2026, 9, 20))
    other = shortcoming(world, group=world.other_group, branch=world.other_branch, title="丙")
    services.transition_rectification(rectification=a, to_state=S.RECTIFYING, by=world.secretary)
    services.transition_rectification(rectification=a, to_state=S.SUBMITTED, by=world.secretary, response="完成")
    services.transition_rectification(rectification=a, to_state=S.CLOSED, by=world.inspector)
    found = list(selectors.open_rectifications(branch_ids=[world.branch.pk]))
    assert found == [b]
    assert set(selectors.open_rectifications(branch_ids=[world.branch.pk, world.other_branch.pk])) == {b, other}


def test_summary_counts_rounds_visits_findings_and_rectifications(world):
    today = datetime.date(2026, 11, 21)
    services.record_visit(group=world.group, branch=world.branch, date=VISIT_DAY, by=world.inspector, findings=[
        {"kind": Finding.Kind.SHORTCOMING, "title": "逾期", "deadline": datetime.date(2026, 10, 1)},
        {"kind": Finding.Kind.SHORTCOMING, "title": "未到期", "deadline": datetime.date(2026, 12, 31)},
        {"kind": Finding.Kind.STRENGTH, "title": "长板"},
        {"kind": Finding.Kind.TYPICAL_EXPERIENCE, "title": "经验"},
    ])
    closed = shortcoming(world, group=world.other_group, branch=world.other_branch, title="已销号",
                         deadline=datetime.date(2026, 9, 30))
    services.transition_rectification(rectification=closed, to_state=S.RECTIFYING, by=world.other_secretary)
    services.transition_rectification(rectification=closed, to_state=S.SUBMITTED, by=world.other_secretary,
                                      response="完成")
    services.transition_rectification(rectification=closed, to_state=S.CLOSED, by=world.other_inspector)
    services.create_round(year=2025, name="去年", by=world.admin)

    summary = selectors.supervision_summary(year=2026, today=today)
    assert summary["rounds"] == {"total": 1, "planned": 0, "in_progress": 1, "closed": 0}
    assert summary["visits"] == 2 and summary["branches_visited"] == 2
    assert summary["findings"] == {"shortcoming": 3, "strength": 1, "typical_experience": 1, "total": 5}
    assert summary["rectifications"] == {"total": 3, "open": 2, "overdue": 1, "closed": 1}
    assert selectors.supervision_summary(year=2025, today=today)["rounds"]["total"] == 1
    assert selectors.supervision_summary(year=2025, today=today)["visits"] == 0


def test_a_closed_round_refuses_new_visits(world):
    services.set_round_status(supervision_round=world.round, status=SupervisionRound.Status.CLOSED, by=world.admin)
    with pytest.raises(Exception, match="已结束"):
        shortcoming(world)


def test_visit_dates_must_be_in_the_round_year_and_not_in_the_future(world):
    from django.core.exceptions import ValidationError

    for day in (datetime.date(2025, 12, 1), timezone.localdate() + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as err:
            services.record_visit(group=world.group, branch=world.branch, date=day, by=world.inspector)
        assert "date" in err.value.message_dict
    assert Visit.objects.count() == 0


def _org_like_demo():
    admin = user_with_role(Role.Kind.ORG_ADMIN, username="orgadmin")
    g01 = grassroots_branch(code="G01", name="曲堤管理区党支部")
    o01 = office_branch(code="O01", name="综合管理部党支部")
    h01 = hr_branch(code="H01", name="人力资源服务中心党支部")
    for code, branch in (("secretary", g01), ("secretary_office", o01), ("secretary_hr", h01)):
        user_with_role(Role.Kind.SECRETARY, branch=branch, username=code)
    for i in range(2, 8):
        grassroots_branch(code=f"G0{i}")
    for i in range(2, 5):
        office_branch(code=f"O0{i}")
    return admin


def _snapshot():
    return sorted(
        (r.branch.code, r.title, r.state, r.deadline, r.transitions.count())
        for r in Rectification.objects.select_related("branch")
    )


def test_demo_seed_is_idempotent_and_tells_the_story():
    from supervision import demo

    _org_like_demo()
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "督导" in out.getvalue()
    before = (_snapshot(), Visit.objects.count(), Finding.objects.count())
    demo.seed(stdout=out)
    assert (_snapshot(), Visit.objects.count(), Finding.objects.count()) == before
    assert "未做改动" in out.getvalue()

    today = timezone.localdate()
    supervision_round = SupervisionRound.objects.get()
    assert supervision_round.status == SupervisionRound.Status.IN_PROGRESS
    assert 2 <= supervision_round.groups.count() <= 3
    inspector = Role.objects.get(kind=Role.Kind.INSPECTOR, user__username="inspector").user
    assert inspector.check_password("Demo@2026")
    covered = set(selectors.scope_branch_ids(inspector))
    assert any(c == "G01" for c in Rectification.objects.filter(branch_id__in=covered).values_list("branch__code", flat=True))
    overdue_g01 = selectors.overdue_rectifications(as_of=today).filter(branch__code="G01", state=S.OPEN)
    assert overdue_g01.exists()
    states = set(Rectification.objects.values_list("state", flat=True))
    assert {S.OPEN, S.RECTIFYING, S.SUBMITTED, S.CLOSED, S.RETURNED} <= states
    kinds = set(Finding.objects.values_list("kind", flat=True))
    assert kinds == set(Finding.Kind.values)
    assert Finding.objects.filter(title__contains="三代师徒").exists()
    assert Finding.objects.filter(title__contains="外闯队伍较多").exists()


def test_demo_is_deterministic_across_runs():
    """Two fresh runs over the same organisation give the same sample and the same records."""
    from django.db import transaction

    from supervision import demo

    results = []
    for _ in range(2):
        with transaction.atomic():
            _org_like_demo()
            demo.seed()
            results.append((
                sorted(SupervisionRound.objects.get().groups.values_list("name", "coverage__branch__code")),
                _snapshot(),
            ))
            transaction.set_rollback(True)
    assert results[0] == results[1]
