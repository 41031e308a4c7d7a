"""A published quarter never moves: whatever happens afterwards (new records, new branches, other ranking
groups, new rubric versions, renamed records, attempts through the Django admin), every field of its
snapshot read through the API is byte-identical to what it was at publishing."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from branches.models import Role
from branches.periods import Quarter
from pairing.models import Activity, InformationExchange
from scoring import services
from scoring.models import RankingGroup, Rubric, RubricItem, SnapshotEvidence
from supervision.models import Rectification
from tests.factories import (
    ActivityFactory,
    ActivityKindFactory,
    AnnualPlanFactory,
    KeyWorkPlanFactory,
    PairFactory,
    PartnershipFactory,
    ProblemFactory,
    grassroots_branch,
    user_with_role,
)
from tests.scoring.conftest import make_rubric

Q3 = Quarter(2026, 3)
pytestmark = pytest.mark.django_db

RUBRIC = [
    {"code": "P1", "method": "count_target", "source": "pair_joint_activities", "target": 2, "name": "结对共建活动"},
    {"code": "P2", "method": "on_time", "source": "pair_plan_filed", "max_points": 5, "name": "结对方案备案"},
    {"code": "P4", "method": "count_target", "source": "problems_solved", "target": 1, "name": "解决难题"},
    {"code": "H3", "method": "count_target", "source": "information_exchanges", "target": 3,
     "mode": "partnership", "name": "信息互通"},
    {"code": "B2", "method": "count_target", "source": "branch_activities", "target": 2, "max_points": 15,
     "name": "支部活动"},
    {"code": "D1", "method": "on_time", "source": "department_plan_filed", "name": "部门方案备案"},
    {"code": "S1", "method": "deduction_per", "source": "overdue_rectifications", "max_points": 3, "deduction": 1,
     "mode": "supervision", "name": "逾期整改"},
    {"code": "M1", "method": "manual", "max_points": 10, "name": "组织生活质量"},
]


@pytest.fixture
def world(groups):
    make_rubric(RUBRIC)
    joint = ActivityKindFactory(counts_as_joint=True)
    g01 = grassroots_branch(code="G01", name="曲堤管理区党支部")
    pair = PairFactory(grassroots=[g01], name="曲堤结对")
    ActivityFactory(pair=pair, owner_branch=g01, kind=joint, date=datetime.date(2026, 8, 6), title="联合主题党日")
    AnnualPlanFactory(pair=pair, filed_on=datetime.date(2026, 1, 10))
    ProblemFactory(pair=pair, title="集输管线腐蚀", status="solved", solved_on=datetime.date(2026, 9, 3))
    late_pair = PairFactory(name="未备案结对")  # files its plan only in December
    partnership = PartnershipFactory()
    InformationExchange.objects.create(partnership=partnership, kind="attendance", period_year=2026, period_month=7,
                                       exchanged_on=datetime.date(2026, 7, 28), content="考勤")
    KeyWorkPlanFactory(unit=pair.lead_branch.unit, title="综合管理部重点工作", filed_on=datetime.date(2026, 1, 15))
    Rectification.objects.create(branch=g01, title="台账不全", deadline=datetime.date(2026, 8, 1))
    services.save_manual_score(quarter=Q3, branch=g01, item=RubricItem.objects.get(code="M1"), points="7",
                               reason="组织生活规范")
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    snapshot = services.compile_quarter(quarter=Q3, publish=True, user=admin)
    return {"g01": g01, "pair": pair, "late_pair": late_pair, "partnership": partnership, "joint": joint,
            "snapshot": snapshot, "admin": admin,
            "secretary": user_with_role(Role.Kind.SECRETARY, branch=g01)}


def api_bytes(user, snapshot) -> dict[str, bytes]:
    api = APIClient()
    api.force_authenticate(user)
    out = {}
    for url in (f"/api/ranking-entries/?snapshot={snapshot.pk}&page_size=500",
                f"/api/ranking-entries/?snapshot={snapshot.pk}&branch={snapshot.entries.first().branch_id}"):
        response = api.get(url)
        assert response.status_code == 200, url
        out[url] = response.content
    return out


def test_every_field_read_through_the_api_stays_byte_identical(client, world):
    snapshot, g01, admin, secretary = world["snapshot"], world["g01"], world["admin"], world["secretary"]
    before = {"admin": api_bytes(admin, snapshot), "secretary": api_bytes(secretary, snapshot)}
    entry = snapshot.entries.get(branch=g01)
    evidence = {s.item_code: s.evidence for s in entry.item_scores.all()}
    assert [r["label"] for r in evidence["P1"]] == ["2026-08-06 联合主题党日"]
    assert [r["label"] for r in evidence["S1"]] == ["2026-08-01 台账不全"]
    assert evidence["P2"][0]["label"] == "2026-01-10 曲堤结对"

    # new records: a December plan of the pair that had none, a Q4 activity, a renamed rectification
    AnnualPlanFactory(pair=world["late_pair"], filed_on=datetime.date(2026, 12, 1))
    ActivityFactory(pair=world["pair"], owner_branch=g01, kind=world["joint"], date=datetime.date(2026, 11, 2))
    Rectification.objects.filter(branch=g01).update(title="已改名的整改")
    # renamed branch, unit and pair; a new branch
    g01.name = "曲堤管理区第一党支部"
    g01.save()
    g01.unit.name = "改名的单位"
    g01.unit.save()
    world["pair"].name = "改名的结对"
    world["pair"].save()
    grassroots_branch(code="G99", name="十二月新建党支部")
    # ranking groups changed: renamed, another explicit group taking G01
    RankingGroup.objects.filter(name="基层党支部组").update(name="基层组（新）", sort_order=9)
    RankingGroup.objects.create(name="示范党支部组", sort_order=0).branches.add(g01)
    # rubric versions for other periods
    copy = services.copy_rubric(rubric=snapshot.rubric, year=2026, valid_from=4)
    services.activate_rubric(rubric=copy)
    services.save_rubric_item(item=copy.items.get(code="B2"), max_points=16)
    make_rubric([{"code": "Z1", "method": "manual"}], year=2027)
    # admin attempts: the published rubric's item, the snapshot, a locked activity
    client.force_login(admin)
    item = snapshot.rubric.items.get(code="B2")
    url = reverse("admin:scoring_rubricitem_change", args=[item.pk])
    assert client.post(url, {"code": "B2", "name": "支部活动", "max_points": "16"}).status_code == 403
    activity = Activity.objects.get(title="联合主题党日")
    assert client.post(reverse("admin:pairing_activity_change", args=[activity.pk]),
                       {"title": "改过的标题"}).status_code == 403
    assert client.post(reverse("admin:scoring_rankingsnapshot_delete", args=[snapshot.pk]),
                       {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:scoring_rubricitem_change", args=[item.pk])).status_code == 200  # read-only
    assert SnapshotEvidence.objects.filter(snapshot=snapshot).exists()

    after = {"admin": api_bytes(admin, snapshot), "secretary": api_bytes(secretary, snapshot)}
    assert after == before
    item.refresh_from_db()
    activity.refresh_from_db()
    assert item.max_points == 15 and activity.title == "联合主题党日"
    # the branch's score page shows what was published, in names and records
    client.force_login(secretary)
    page = client.get(reverse("scoring:branch_score", args=[snapshot.pk, g01.pk])).content.decode()
    assert "曲堤管理区党支部" in page and "2026-08-01 台账不全" in page and "已改名的整改" not in page
    assert "2026-01-10 曲堤结对" in page


def test_the_snapshot_keeps_each_items_rule_parameters_and_the_unit(world):
    snapshot = world["snapshot"]
    api = APIClient()
    api.force_authenticate(world["admin"])
    rows = api.get(f"/api/ranking-entries/?snapshot={snapshot.pk}&branch={world['g01'].pk}").json()["results"]
    entry = rows[0]
    assert entry["unit_name"] == world["g01"].unit.name
    scores = {s["item_code"]: s for s in entry["item_scores"]}
    assert scores["P1"]["source"] == "pair_joint_activities" and scores["P1"]["rule_target"] == "2.00"
    assert scores["S1"]["deduction"] == "1.00" and scores["S1"]["method"] == "deduction_per"
    assert scores["M1"]["source"] == "" and scores["M1"]["max_points"] == "10.00"
    # a rubric version for the same year, deleted items: the snapshot still reads the same
    Rubric.objects.filter(pk=snapshot.rubric_id).update(name="改名")
    again = api.get(f"/api/ranking-entries/?snapshot={snapshot.pk}&branch={world['g01'].pk}").json()["results"]
    assert again == rows


def test_evidence_of_a_plan_filed_after_the_quarter_is_not_shown(world):
    """The December plan of a pair that had none in Q3 does not appear in the published Q3."""
    AnnualPlanFactory(pair=world["late_pair"], filed_on=datetime.date(2026, 12, 1))
    entry = world["snapshot"].entries.get(branch=world["late_pair"].lead_branch)
    plan = entry.item_scores.get(item_code="P2")
    assert [r["model"] for r in plan.evidence] == ["pairing.pair"]
    assert plan.points == 0
