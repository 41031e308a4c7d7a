"""The branch home's to-do list is the engine's score of the running quarter to date: for every branch of
the demo it shows the points the compile of the same day gives, item by item."""

import io
import re
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from branches.models import Branch, Role
from branches.periods import Quarter
from scoring import services
from scoring.models import SnapshotItemScore
from tests.factories import ActivityFactory, ActivityKindFactory, PairFactory, user_with_role
from tests.scoring.conftest import make_rubric

ITEM = re.compile(r'data-item="([^"]+)" data-points="([^"]+)"')


def home_items(client, branch) -> dict[str, D]:
    response = client.get(reverse("pairing:home"), {"branch": branch.pk})
    assert response.status_code == 200
    return {code: D(points) for code, points in ITEM.findall(response.content.decode())}


@pytest.mark.django_db
def test_home_shows_what_is_still_due_and_the_points_at_stake(client, groups):
    make_rubric([{"code": "P1", "method": "count_target", "source": "pair_joint_activities", "max_points": 10,
                  "target": 3, "mode": "pairing", "name": "结对共建活动"}])
    pair = PairFactory()
    branch = pair.lead_branch
    today = timezone.localdate()
    ActivityFactory(pair=pair, owner_branch=branch, kind=ActivityKindFactory(counts_as_joint=True),
                    date=Quarter.of(today).start)
    client.force_login(user_with_role(Role.Kind.SECRETARY, branch=branch))
    html = client.get(reverse("pairing:home")).content.decode()
    assert "党建提质杯（截至" in html and f"截至 {today.month} 月 {today.day} 日" in html
    assert 'data-item="P1" data-points="3.33"' in html
    assert "还需 2" in html and "待争取 6.67 分" in html
    assert f"{Quarter.of(today).end:%m-%d} 前" in html


@pytest.mark.django_db
def test_home_and_compile_agree_for_every_branch_of_the_demo(client):
    call_command("seed_demo", stdout=io.StringIO())
    quarter = Quarter.of(timezone.localdate())
    snapshot = services.compile_quarter(quarter=quarter)
    compiled: dict[int, dict[str, D]] = {}
    for score in SnapshotItemScore.objects.filter(entry__snapshot=snapshot).values(
            "entry__branch_id", "item_code", "points"):
        compiled.setdefault(score["entry__branch_id"], {})[score["item_code"]] = score["points"]
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    branches = list(Branch.objects.filter(is_active=True, pk__in=compiled))
    assert len(branches) > 15
    for branch in branches:
        assert home_items(client, branch) == compiled[branch.pk], branch.code
