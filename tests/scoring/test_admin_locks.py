"""The Django admin obeys the locks of the pages and the API: in a published quarter its records, the
rubric version that scored it and the snapshot itself are read-only there too."""

import datetime

import pytest
from django.urls import reverse

from branches.models import Role
from branches.periods import Quarter
from scoring import services
from scoring.models import ManualScore, RankingSnapshot, RubricItem
from supervision.models import Finding, SupervisionGroup, SupervisionRound, Visit
from tests.factories import (
    ActivityFactory,
    PairFactory,
    ProblemFactory,
    grassroots_branch,
    user_with_role,
)
from tests.scoring.conftest import make_rubric

pytestmark = pytest.mark.django_db


Q3 = Quarter(2026, 3)


@pytest.fixture
def locked(groups, client):
    rubric = make_rubric([{"code": "M1", "method": "manual"}])
    branch = grassroots_branch()
    pair = PairFactory(grassroots=[branch])
    records = {
        "pairing_activity": ActivityFactory(pair=pair, owner_branch=branch, date=datetime.date(2026, 8, 1)),
        "pairing_problem": ProblemFactory(pair=pair, raised_on=datetime.date(2026, 8, 2)),
    }
    round_ = SupervisionRound.objects.create(name="三季度督导", year=2026)
    group = SupervisionGroup.objects.create(round=round_, name="第一组")
    visit = Visit.objects.create(group=group, branch=branch, date=datetime.date(2026, 8, 3))
    records["supervision_visit"] = visit
    records["supervision_finding"] = Finding.objects.create(visit=visit, kind="shortcoming", title="台账不全")
    records["scoring_manualscore"] = services.save_manual_score(
        quarter=Q3, branch=branch, item=RubricItem.objects.get(code="M1"), points="5", reason="规范")
    snapshot = services.compile_quarter(quarter=Q3, publish=True)
    records["scoring_rubric"] = rubric
    records["scoring_rubricitem"] = rubric.items.get()
    records["scoring_rankingsnapshot"] = snapshot
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return records


@pytest.mark.parametrize("name", ["pairing_activity", "pairing_problem", "supervision_visit", "supervision_finding",
                                  "scoring_manualscore", "scoring_rubric", "scoring_rubricitem",
                                  "scoring_rankingsnapshot"])
def test_locked_records_are_read_only_in_the_admin(client, locked, name):
    obj = locked[name]
    change = reverse(f"admin:{name}_change", args=[obj.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # shown without a save button
    assert client.post(change, {}).status_code == 403
    assert client.post(reverse(f"admin:{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_bulk_delete_refuses_published_snapshots_and_locked_activities(client, locked):
    for name, model in (("scoring_rankingsnapshot", RankingSnapshot), ("pairing_activity", type(locked["pairing_activity"]))):
        obj = locked[name]
        client.post(reverse(f"admin:{name}_changelist"),
                    {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
        assert model.objects.filter(pk=obj.pk).exists()


def test_manual_scores_follow_one_rule_for_page_api_and_admin(client, locked):
    """The page and the service: a published quarter's manual score may be reviewed, and counts only in a
    new version; the admin does not write manual scores at all (no second rule there)."""
    score = locked["scoring_manualscore"]
    snapshot = locked["scoring_rankingsnapshot"]
    response = client.post(reverse("scoring:manual_save", args=[score.branch_id, score.item_id]),
                           {"quarter": "2026Q3", "points": "6", "reason": "复核", "version": score.version})
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.points == 6
    assert snapshot.entries.get(branch=score.branch).total == 5  # the published version does not move
    assert client.get(reverse("admin:scoring_manualscore_add")).status_code == 403
    assert ManualScore.objects.count() == 1
