"""The organisation department edits a version of the annual rubric on its pages: settings, items,
连带奖扣 rules and grade quotas; a version that scored a published year stays as it was."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from annual.models import AnnualItem, AnnualRubric, AnnualSnapshot, GradeRule, JointRule
from branches.models import Role
from tests.annual.conftest import make_annual_rubric
from tests.factories import BranchFactory, user_with_role

pytestmark = pytest.mark.django_db

MANUAL_ITEM = {"code": "B1", "name": "基础工作", "kind": AnnualItem.Kind.BASE, "method": "manual",
               "max_points": D(10)}


def _rubric():
    return make_annual_rubric(2025, [MANUAL_ITEM], joint=[(JointRule.PairKind.ONE_TO_ONE, D(50), D(50))],
                              grades=[("五星", D(20)), ("其余", None)])


def _page(client, rubric) -> str:
    return client.get(reverse("annual:rubric"), {"year": rubric.year, "rubric": rubric.pk}).content.decode()


@pytest.fixture
def org(client):
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    return client


def test_org_department_edits_settings_and_every_part_and_sees_them_on_the_rubric_page(org):
    rubric = _rubric()
    assert reverse("annual:rubric_settings", args=[rubric.pk]) in _page(org, rubric)
    answer = org.post(reverse("annual:rubric_settings", args=[rubric.pk]), {
        "name": "二〇二五年细则", "rollup": "weighted", "quarter_weights": "[0.1, 0.2, 0.3, 0.4]",
        "quarter_share": "60", "veto_grade": "不定等次", "notes": "按新规执行"})
    assert answer.status_code == 302
    rubric.refresh_from_db()
    assert rubric.name == "二〇二五年细则" and rubric.rollup == "weighted" and rubric.quarter_share == D(60)
    assert rubric.veto_from_quarters is False and rubric.quarter_weights == [0.1, 0.2, 0.3, 0.4]

    org.post(reverse("annual:rubric_item_create", args=[rubric.pk]), {
        "code": "X9", "name": "特色品牌", "kind": "bonus", "branch_kinds": "[]", "max_points": "3",
        "method": "manual", "rule": "创建品牌加分", "sort_order": "5"})
    item = rubric.items.get(code="X9")
    org.post(reverse("annual:rubric_item_edit", args=[rubric.pk, item.pk]), {
        "code": "X9", "name": "特色党建品牌", "kind": "bonus", "branch_kinds": "[]", "max_points": "4",
        "method": "manual", "rule": "创建品牌加分", "sort_order": "5"})
    item.refresh_from_db()
    assert item.name == "特色党建品牌" and item.max_points == D(4)

    org.post(reverse("annual:rubric_joint_create", args=[rubric.pk]),
             {"pair_kind": "one_to_two", "bonus_share": "30", "deduction_share": "20"})
    joint = rubric.joint_rules.get(pair_kind="one_to_two")
    org.post(reverse("annual:rubric_joint_edit", args=[rubric.pk, joint.pk]),
             {"pair_kind": "one_to_two", "bonus_share": "35", "deduction_share": "25"})
    org.post(reverse("annual:rubric_grade_create", args=[rubric.pk]),
             {"name": "四星", "quota_percent": "30", "sort_order": "1"})
    grade = rubric.grade_rules.get(name="四星")
    org.post(reverse("annual:rubric_grade_edit", args=[rubric.pk, grade.pk]),
             {"name": "四星级", "quota_percent": "40", "sort_order": "1"})

    page = _page(org, rubric)
    assert "二〇二五年细则" in page and "特色党建品牌" in page and "按新规执行" in page
    assert "35.00%" in page and "25.00%" in page and "四星级" in page and "前 40.00%" in page

    for name, part in (("item", item), ("joint", joint), ("grade", grade)):
        assert org.post(reverse(f"annual:rubric_{name}_delete", args=[rubric.pk, part.pk])).status_code == 302
    assert not AnnualItem.objects.filter(pk=item.pk).exists()
    assert not JointRule.objects.filter(pk=joint.pk).exists()
    assert not GradeRule.objects.filter(pk=grade.pk).exists()
    page = _page(org, rubric)
    assert "特色党建品牌" not in page and "四星级" not in page and "基础工作" in page


def test_a_bad_value_is_refused_in_chinese_keeping_what_was_typed_and_writing_nothing(org):
    rubric = _rubric()
    answer = org.post(reverse("annual:rubric_grade_create", args=[rubric.pk]),
                      {"name": "超额", "quota_percent": "150", "sort_order": "1"})
    page = answer.content.decode()
    assert answer.status_code == 200 and "确保该值小于或等于100" in page
    assert 'value="150"' in page and 'value="超额"' in page
    assert not rubric.grade_rules.filter(name="超额").exists()

    answer = org.post(reverse("annual:rubric_item_create", args=[rubric.pk]), {
        "code": "N1", "name": "负分项", "kind": "base", "branch_kinds": "[]", "max_points": "-2",
        "method": "manual", "sort_order": "0"})
    page = answer.content.decode()
    assert answer.status_code == 200 and "确保该值大于或等于0" in page and 'value="-2"' in page
    assert not rubric.items.filter(code="N1").exists()

    answer = org.post(reverse("annual:rubric_settings", args=[rubric.pk]), {
        "name": "改名", "rollup": "weighted", "quarter_weights": "[0.5, 0.5]", "quarter_share": "100",
        "veto_grade": "不定等次"})
    page = answer.content.decode()
    assert answer.status_code == 200 and "按权重加权须填写四个不小于 0 的季度权重。" in page and 'value="改名"' in page
    rubric.refresh_from_db()
    assert rubric.name == "测试年度细则" and rubric.rollup == "average"


def test_a_version_that_scored_a_published_year_refuses_every_change(org):
    rubric = _rubric()
    AnnualSnapshot.objects.create(year=2025, version=1, rubric=rubric, rubric_label=str(rubric),
                                  status=AnnualSnapshot.Status.PUBLISHED)
    item, joint, grade = rubric.items.get(), rubric.joint_rules.get(), rubric.grade_rules.first()
    page = _page(org, rubric)
    assert "该版本已用于发布的年度考核结果，不能修改" in page
    assert reverse("annual:rubric_settings", args=[rubric.pk]) not in page
    assert reverse("annual:rubric_item_create", args=[rubric.pk]) not in page
    answer = org.post(reverse("annual:rubric_settings", args=[rubric.pk]),
                      {"name": "改过的", "rollup": "sum", "quarter_share": "100", "veto_grade": "不定等次"},
                      follow=True)
    assert "该版本已用于发布的年度考核结果，不能修改" in answer.content.decode()
    org.post(reverse("annual:rubric_item_create", args=[rubric.pk]), {
        "code": "X9", "name": "新项", "kind": "base", "branch_kinds": "[]", "max_points": "3", "method": "manual",
        "sort_order": "0"})
    org.post(reverse("annual:rubric_item_edit", args=[rubric.pk, item.pk]), {
        "code": "B1", "name": "改过的", "kind": "base", "branch_kinds": "[]", "max_points": "3", "method": "manual",
        "sort_order": "0"})
    org.post(reverse("annual:rubric_joint_delete", args=[rubric.pk, joint.pk]))
    answer = org.post(reverse("annual:rubric_grade_delete", args=[rubric.pk, grade.pk]), follow=True)
    assert "该版本已用于发布的年度考核结果，不能修改" in answer.content.decode()
    rubric.refresh_from_db()
    item.refresh_from_db()
    assert rubric.name == "测试年度细则" and rubric.rollup == "average" and item.name == "基础工作"
    assert list(rubric.items.values_list("code", flat=True)) == ["B1"]
    assert rubric.joint_rules.count() == 1 and rubric.grade_rules.count() == 2


@pytest.mark.parametrize("kind", [Role.Kind.SECRETARY, Role.Kind.VIEWER])
def test_secretary_and_viewer_cannot_open_or_post_the_edit_pages(client, kind):
    rubric = _rubric()
    item, joint, grade = rubric.items.get(), rubric.joint_rules.get(), rubric.grade_rules.first()
    client.force_login(user_with_role(kind, branch=BranchFactory() if kind == Role.Kind.SECRETARY else None))
    page = _page(client, rubric)
    assert reverse("annual:rubric_settings", args=[rubric.pk]) not in page
    urls = [reverse("annual:rubric_settings", args=[rubric.pk]),
            reverse("annual:rubric_item_create", args=[rubric.pk]),
            reverse("annual:rubric_item_edit", args=[rubric.pk, item.pk]),
            reverse("annual:rubric_joint_create", args=[rubric.pk]),
            reverse("annual:rubric_grade_edit", args=[rubric.pk, grade.pk])]
    for url in urls:
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"name": "改过的", "code": "Z", "max_points": "1"}).status_code in (403, 404)
    for name, part in (("item", item), ("joint", joint), ("grade", grade)):
        assert client.post(reverse(f"annual:rubric_{name}_delete", args=[rubric.pk, part.pk])).status_code == 403
    rubric.refresh_from_db()
    item.refresh_from_db()
    assert rubric.name == "测试年度细则" and item.name == "基础工作"
    assert AnnualRubric.objects.count() == 1 and rubric.joint_rules.count() == 1 and rubric.grade_rules.count() == 2
