"""Two people editing the same record: the second save is told the record changed meanwhile, the first
person's work stays, and the second person's input comes back to them instead of being dropped."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import Branch, Role
from branches.periods import Quarter
from config.concurrency import StaleRecordError, save_versioned
from pairing.models import AnnualPlan
from pairing.services import file_annual_plan
from scoring.models import ManualScore, RubricItem
from scoring.services import save_manual_score
from tests.factories import PairFactory, grassroots_branch, office_branch, user_with_role

from .helpers import cup_ready

pytestmark = pytest.mark.django_db
STALE = "该记录已被他人修改"


@pytest.fixture
def pair_and_secretaries():
    office, grassroots = office_branch(), grassroots_branch()
    pair = PairFactory(lead_branch=office, grassroots=[grassroots])
    first = user_with_role(Role.Kind.SECRETARY, branch=office)
    second = user_with_role(Role.Kind.SECRETARY, branch=grassroots)
    return pair, first, second


def test_the_second_plan_save_is_refused_and_the_first_is_kept(pair_and_secretaries):
    pair, first, second = pair_and_secretaries
    plan = file_annual_plan(user=first, owner=pair, data={"goals": "初稿"})
    read_by_both = plan.version
    file_annual_plan(user=first, owner=pair, data={"goals": "第一位书记的修改", "measures": "每月联学"},
                     expected_version=read_by_both)
    with pytest.raises(ValidationError) as caught:
        file_annual_plan(user=second, owner=pair, data={"goals": "第二位书记的修改"}, expected_version=read_by_both)
    assert STALE in " ".join(caught.value.messages)
    stored = AnnualPlan.objects.get(pair=pair)
    assert (stored.goals, stored.measures, stored.version) == ("第一位书记的修改", "每月联学", read_by_both + 1)
    # Told what changed, the second person saves again from the current version and nothing is lost.
    file_annual_plan(user=second, owner=pair, data={"goals": "第二位书记的修改", "measures": stored.measures},
                     expected_version=stored.version)
    stored.refresh_from_db()
    assert (stored.goals, stored.measures) == ("第二位书记的修改", "每月联学")


def test_the_second_person_gets_their_text_back_on_the_plan_page(client, pair_and_secretaries):
    pair, first, second = pair_and_secretaries
    plan = file_annual_plan(user=first, owner=pair, data={"goals": "初稿"})
    url = reverse("pairing:plan_edit", kwargs={"kind": "pair", "pk": pair.pk})
    client.force_login(second)
    page = client.get(url)
    assert page.status_code == 200
    version_seen = page.context["form"].initial["version"]
    file_annual_plan(user=first, owner=pair, data={"goals": "第一位书记抢先保存"}, expected_version=plan.version)

    response = client.post(url, {"goals": "第二位书记写了很久的目标", "measures": "", "timeline": "",
                                 "lead_responsibilities": "", "partner_responsibilities": "",
                                 "version": version_seen})
    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    assert STALE in html
    assert "第二位书记写了很久的目标" in html  # their input is still in the form
    assert AnnualPlan.objects.get(pair=pair).goals == "第一位书记抢先保存"


def test_save_versioned_refuses_a_stale_version_without_writing(pair_and_secretaries):
    pair, first, _second = pair_and_secretaries
    plan = file_annual_plan(user=first, owner=pair, data={"goals": "初稿"})
    history_before = plan.history.count()
    other = AnnualPlan.objects.get(pk=plan.pk)
    other.goals = "另一人的保存"
    save_versioned(other, expected_version=plan.version)
    plan.goals = "过期页面的保存"
    with pytest.raises(StaleRecordError):
        save_versioned(plan, expected_version=plan.version)
    assert AnnualPlan.objects.get(pk=plan.pk).goals == "另一人的保存"
    assert plan.history.count() == history_before + 1


def test_the_second_manual_score_save_is_refused_and_the_first_is_kept():
    rubric = cup_ready(branches=0)
    item = RubricItem.objects.get(rubric=rubric, method=RubricItem.Method.MANUAL)
    branch = grassroots_branch()
    assert branch.kind == Branch.Kind.GRASSROOTS
    first, second = user_with_role(Role.Kind.ORG_ADMIN), user_with_role(Role.Kind.ORG_ADMIN)
    quarter = Quarter(2026, 3)
    score = save_manual_score(quarter=quarter, branch=branch, item=item, points="6", reason="初评", user=first)
    read_by_both = score.version
    save_manual_score(quarter=quarter, branch=branch, item=item, points="8", reason="复核后加分", user=first,
                      expected_version=read_by_both)
    with pytest.raises(ValidationError) as caught:
        save_manual_score(quarter=quarter, branch=branch, item=item, points="3", reason="另一人的评分", user=second,
                          expected_version=read_by_both)
    assert STALE in " ".join(caught.value.messages)
    stored = ManualScore.objects.get(branch=branch, item=item)
    assert (stored.points, stored.reason, stored.updated_by) == (Decimal("8.00"), "复核后加分", first)
    # The history keeps every accepted change with its reason.
    assert [h.reason for h in stored.history.order_by("history_date")] == ["初评", "复核后加分"]


def test_a_manual_score_first_entered_meanwhile_is_not_overwritten():
    rubric = cup_ready(branches=0)
    item = RubricItem.objects.get(rubric=rubric, method=RubricItem.Method.MANUAL)
    branch = grassroots_branch()
    quarter = Quarter(2026, 3)
    save_manual_score(quarter=quarter, branch=branch, item=item, points="5", reason="甲先评", expected_version=0)
    with pytest.raises(ValidationError):
        save_manual_score(quarter=quarter, branch=branch, item=item, points="9", reason="乙后评", expected_version=0)
    assert ManualScore.objects.get(branch=branch, item=item).reason == "甲先评"
