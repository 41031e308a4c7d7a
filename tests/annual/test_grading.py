"""Grades by quota with ties, worked by hand; and the pages by role."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from annual import engine, grading, services
from annual.models import AnnualItem, AnnualRubric, AnnualSnapshot
from branches.models import Role
from tests.annual.conftest import make_annual_rubric
from tests.factories import PairFactory, grassroots_branch, office_branch, user_with_role
from tests.scoring.conftest import groups  # noqa: F401 - fixture

RULES = [("五星", D(20)), ("四星", D(30)), ("三星", D(30)), ("二星", None)]


def test_a_tie_at_the_edge_of_a_quota_shares_the_better_grade_and_the_next_grade_has_fewer_places():
    # 5 branches: 五星 floor(5×20%)=1 place, but B ties A at 90 → both 五星; 四星 up to floor(5×50%)=2 places,
    # both taken → nobody; 三星 up to floor(5×80%)=4 → C and D; 二星 the rest → E.
    grades = grading.assign([(D(90), False), (D(90), False), (D(80), False), (D(70), False), (D(60), False)],
                            RULES, "不定等次")
    assert [g.name for g in grades] == ["五星", "五星", "三星", "三星", "二星"]
    assert "并列评为五星" in grades[1].explanation and "并列" not in grades[0].explanation
    assert "5 × 20% = 1，取整 1 个名额" in grades[0].explanation


def test_vetoed_branches_take_the_veto_grade_and_no_place():
    grades = grading.assign([(D(90), False), (D(80), False), (D(99), True)], RULES, "不定等次")
    assert [g.name for g in grades] == ["四星", "三星", "不定等次"]  # 五星: floor(0.6)=0 places


@pytest.mark.django_db
def test_pages_by_role(client, groups, django_capture_on_commit_callbacks):  # noqa: F811
    office, g1, g2 = office_branch(code="O01"), grassroots_branch(code="G01"), grassroots_branch(code="G02")
    PairFactory(year=2026, lead_branch=office, grassroots=[g1])
    rubric = make_annual_rubric(2026, [{"code": "B1", "kind": AnnualItem.Kind.BONUS, "method": "manual",
                                        "max_points": D(5)}],
                                joint=[("one_to_one", 50, 50)], grades=RULES)
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    services.save_manual_score(year=2026, branch=g1, item=rubric.items.get(), points=4, reason="经验推广")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("annual:compile"), {"year": 2026})
    assert response.status_code == 302
    snapshot = services.current_published(2026) or rubric.snapshots.get()
    page = client.get(reverse("annual:home"), {"year": 2026}).content.decode()
    assert "连带奖扣" in page and "2.00" in page  # O01 takes 50% of G01's bonus 4
    detail = client.get(reverse("annual:branch", args=[snapshot.pk, office.pk])).content.decode()
    assert "50%" in detail and reverse("annual:branch", args=[snapshot.pk, g1.pk]) in detail
    assert client.get(reverse("annual:export", args=[snapshot.pk])).status_code == 200

    secretary = user_with_role(Role.Kind.SECRETARY, branch=g2)
    client.force_login(secretary)
    assert client.post(reverse("annual:compile"), {"year": 2026}).status_code == 403
    # A draft is the organisation department's: others see nothing of it, not even their own branch.
    assert client.get(reverse("annual:branch", args=[snapshot.pk, g2.pk])).status_code == 404
    assert "该年度的年度考核尚未发布" in client.get(reverse("annual:home"), {"year": 2026}).content.decode()
    assert client.get(reverse("annual:export", args=[snapshot.pk])).status_code == 404


@pytest.mark.django_db
def test_manual_scores_page_refuses_bad_input_keeping_what_was_typed(client, groups):  # noqa: F811
    g1 = grassroots_branch(code="G01")
    rubric = make_annual_rubric(2026, [{"code": "D1", "kind": AnnualItem.Kind.DEDUCTION, "method": "manual",
                                        "max_points": D(5)}])
    item = rubric.items.get()
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    url = reverse("annual:manual_save", args=[g1.pk, item.pk])
    response = client.post(url, {"year": 2026, "points": "7", "reason": "党费收缴被通报"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "分值应在 0 到 5 之间" in html and 'value="7"' in html and 'value="党费收缴被通报"' in html
    assert not item.manual_scores.exists()
    assert client.post(url, {"year": 2026, "points": "2", "reason": "党费收缴被通报"}).status_code == 302
    assert item.manual_scores.get().points == D("2.00")
    assert client.post(reverse("annual:veto_save", args=[g1.pk]), {"year": 2026, "reason": ""}).status_code == 302
    assert "一票否决须填写理由" in client.get(reverse("annual:manual"), {"year": 2026}).content.decode()
    client.force_login(user_with_role(Role.Kind.SECRETARY, branch=g1))
    assert client.get(reverse("annual:manual"), {"year": 2026}).status_code == 403
    assert client.post(url, {"year": 2026, "points": "0", "reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_a_rubric_is_copied_to_a_new_version_and_activated_in_place_of_the_old(client):
    v1 = make_annual_rubric(2026, [{"code": "B1", "kind": AnnualItem.Kind.BONUS, "method": "manual",
                                    "max_points": D(5)}], joint=[("one_to_two", 30, 20)], grades=RULES)
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    page = client.get(reverse("annual:rubric"), {"year": 2026}).content.decode()
    assert "一对二" in page and "五星" in page and "B1" in page
    assert client.post(reverse("annual:rubric_copy", args=[v1.pk]), {"year": 2026}).status_code == 302
    v2 = AnnualRubric.objects.get(year=2026, version=2)
    assert v2.status == AnnualRubric.Status.DRAFT and v2.items.count() == 1
    assert list(v2.joint_rules.values_list("pair_kind", "bonus_share")) == [("one_to_two", D("30.00"))]
    assert [g.name for g in v2.grade_rules.order_by("sort_order")] == ["五星", "四星", "三星", "二星"]
    client.post(reverse("annual:rubric_activate", args=[v2.pk]))
    v1.refresh_from_db()
    assert v1.status == AnnualRubric.Status.RETIRED
    assert services.current_published(2026) is None and engine.rubric_for(2026).pk == v2.pk
    client.force_login(user_with_role(Role.Kind.VIEWER))
    assert client.get(reverse("annual:rubric"), {"year": 2026}).status_code == 200
    assert client.post(reverse("annual:rubric_activate", args=[v1.pk])).status_code == 403


@pytest.mark.django_db
def test_a_rubric_that_scored_a_published_year_is_read_only_in_the_admin(admin_client):
    rubric = make_annual_rubric(2025, [{"code": "B1", "kind": AnnualItem.Kind.BONUS, "method": "manual",
                                        "max_points": D(5)}])
    url = reverse("admin:annual_annualrubric_change", args=[rubric.pk])
    assert 'name="name"' in admin_client.get(url).content.decode()
    AnnualSnapshot.objects.create(year=2025, version=1, rubric=rubric, rubric_label=str(rubric),
                                  status=AnnualSnapshot.Status.PUBLISHED)
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()
    assert admin_client.post(url, {"name": "改过的"}).status_code == 403
    rubric.refresh_from_db()
    assert rubric.name == "测试年度细则"
