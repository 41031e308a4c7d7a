"""A small supervision world: an org admin, a round with two groups, branches of every kind, secretaries."""

import datetime
from dataclasses import dataclass

import pytest

from branches.models import Role
from supervision import services
from supervision.models import Finding, SupervisionGroup, SupervisionRound
from tests.factories import grassroots_branch, hr_branch, office_branch, user_with_role

VISIT_DAY = datetime.date(2026, 9, 10)


@dataclass
class World:
    admin: object
    inspector: object
    other_inspector: object
    round: SupervisionRound
    group: SupervisionGroup
    other_group: SupervisionGroup
    branch: object
    other_branch: object
    secretary: object
    other_secretary: object


@pytest.fixture
def world(db) -> World:
    admin = user_with_role(Role.Kind.ORG_ADMIN, username="admin1")
    inspector = user_with_role(Role.Kind.INSPECTOR, username="insp1")
    other_inspector = user_with_role(Role.Kind.INSPECTOR, username="insp2")
    branch = grassroots_branch(code="G01", name="曲堤管理区党支部")
    other_branch = office_branch(code="O01", name="综合管理部党支部")
    hr_branch(code="H01", name="人力资源服务中心党支部")
    secretary = user_with_role(Role.Kind.SECRETARY, branch=branch, username="sec1")
    other_secretary = user_with_role(Role.Kind.SECRETARY, branch=other_branch, username="sec2")
    supervision_round = services.create_round(year=2026, name="2026年党建常态化督导", by=admin)
    services.set_round_status(supervision_round=supervision_round, status=SupervisionRound.Status.IN_PROGRESS, by=admin)
    group = services.create_group(supervision_round=supervision_round, name="第一督导组", leader=inspector,
                                  members=[inspector], by=admin)
    other_group = services.create_group(supervision_round=supervision_round, name="第二督导组",
                                        leader=other_inspector, by=admin)
    services.add_branch_to_group(group=group, branch=branch, by=admin)
    services.add_branch_to_group(group=other_group, branch=other_branch, by=admin)
    return World(admin, inspector, other_inspector, supervision_round, group, other_group, branch, other_branch,
                 secretary, other_secretary)


def shortcoming(world: World, *, title="外闯队伍较多", day=VISIT_DAY, deadline=None, group=None, branch=None,
                by=None):
    """Record a visit with one shortcoming; return its rectification."""
    group = group or world.group
    visit = services.record_visit(
        group=group, branch=branch or world.branch, date=day, by=by or group.leader,
        findings=[{"kind": Finding.Kind.SHORTCOMING, "title": title, "text": "少数党员组织生活不规范",
                   "deadline": deadline}],
    )
    return visit.findings.get().rectification
