"""Year setup: pairs one-to-one and one-to-two, copying last year's with the skipped ones explained,
partnerships offered only where 5+ members work away, the filing deadline, and the organisation pages."""

import datetime

import pytest
from django.urls import reverse

from branches import services
from branches.models import Branch, Member, Role, Unit
from pairing.models import Pair, Partnership
from tests.factories import (
    ExternalOrganizationFactory,
    MemberFactory,
    PairFactory,
    grassroots_branch,
    office_branch,
)

pytestmark = pytest.mark.django_db


def test_one_to_two_pair_and_a_taken_branch_is_refused_in_chinese(world, client_for):
    client = client_for("org_admin")
    lead = office_branch(name="机关二支部")
    response = client.post(reverse("branches:pair_create", args=[2026]), {
        "lead_branch": lead.pk, "grassroots_branches": [world.grassroots.pk, world.grassroots_free.pk]})
    assert response.status_code == 400
    assert "已与其他机关党支部结对" in response.content.decode()
    extra = grassroots_branch(name="临邑管理区党支部")
    response = client.post(reverse("branches:pair_create", args=[2026]), {
        "lead_branch": lead.pk, "grassroots_branches": [world.grassroots_free.pk, extra.pk]})
    assert response.status_code == 302
    pair = Pair.objects.get(year=2026, lead_branch=lead)
    assert set(pair.grassroots_branches.all()) == {world.grassroots_free, extra}


def test_copy_from_last_year_reports_what_was_skipped_and_why(world, client_for):
    kept = PairFactory(year=2025, lead_branch=world.office, grassroots=[world.grassroots])
    retired = grassroots_branch(name="已撤销党支部")
    PairFactory(year=2025, lead_branch=office_branch(name="机关三支部"), grassroots=[retired])
    retired.is_active = False
    retired.save()
    clash_lead = office_branch(name="机关四支部")
    PairFactory(year=2025, lead_branch=clash_lead, grassroots=[world.grassroots_free])
    PairFactory(year=2027, lead_branch=office_branch(name="已结对机关支部"), grassroots=[world.grassroots_free])

    client = client_for("org_admin")
    response = client.post(reverse("branches:copy_pairs", args=[2027]), {"source_year": 2025}, follow=True)
    html = response.content.decode()
    assert "已复制 1 个共建对子，跳过 2 个" in html
    assert "党支部已撤销：已撤销党支部" in html
    assert "已与其他机关党支部结对" in html
    assert Pair.objects.filter(year=2027, lead_branch=kept.lead_branch).exists()


def test_copy_report_service_is_usable_without_pages(world):
    report = services.copy_pairs_with_report(source_year=2026, target_year=2027)
    assert [p.lead_branch for p in report.created] == [world.office]
    again = services.copy_pairs_with_report(source_year=2026, target_year=2027)
    assert again.created == [] and "已有共建对子" in again.skipped[0]["reasons"][0]


def test_partnerships_offer_only_outside_units_with_five_or_more_members_away(world, client_for):
    small = ExternalOrganizationFactory(name="大明项目党支部")
    for _i in range(4):
        MemberFactory(branch=world.hr, status=Member.Status.WORKING_AWAY, outside_org=small)
    page = client_for("org_admin").get(reverse("branches:year_setup", args=[2026]))
    choices = dict(page.context["partnership_form"].fields["candidate"].choices)
    assert list(choices) == [f"{world.hr.pk}:{world.spare_org.pk}"]
    assert "外闯党员 6 名" in choices[f"{world.hr.pk}:{world.spare_org.pk}"]
    html = page.content.decode()
    assert "不足 5 名，集中学习或线上学习" in html
    existing = next(p for p in page.context["partnerships"] if p.pk == world.partnership.pk)
    assert existing.current_count == 5
    refused = client_for("org_admin").post(reverse("branches:partnership_create", args=[2026]),
                                           {"candidate": f"{world.hr.pk}:{small.pk}"}, follow=True)
    assert "请选择一个外闯党员达到 5 名及以上的外部党组织" in refused.content.decode()
    assert not Partnership.objects.filter(external_org=small).exists()


def test_filing_board_sorts_missing_first_and_marks_late(world, client_for):
    from pairing.models import AnnualPlan

    AnnualPlan.objects.filter(pair=world.pair).update(filed_on=datetime.date(2026, 2, 20))
    board = client_for("org_admin").get(reverse("branches:filing") + "?year=2026").context
    statuses = [r.status for r in board["rows"]]
    assert statuses == sorted(statuses, key=["missing", "late", "on_time"].index)
    by_name = {r.name: r.status for r in board["rows"]}
    assert by_name[str(world.pair)] == "late"
    assert by_name[world.dept.name] == "late"  # filed 2026-02-15 after the default 01-31 deadline
    assert by_name[world.other_dept.name] == "missing"
    assert by_name[f"{world.hr.name} — {world.partnership.external_org.name}"] == "missing"
    services.save_year_settings(year=2026, plan_deadline=datetime.date(2026, 2, 28))
    board = client_for("org_admin").get(reverse("branches:filing") + "?year=2026&status=on_time").context
    assert {r.name for r in board["rows"]} == {str(world.pair), world.dept.name}


def test_year_deadline_must_be_in_its_year(world):
    with pytest.raises(Exception) as exc:
        services.save_year_settings(year=2026, plan_deadline=datetime.date(2025, 12, 1))
    assert "备案截止日必须在该年度内" in str(exc.value)


def test_member_rules_come_from_the_model(world, client_for):
    response = client_for("org_admin").post(reverse("branches:member_create"), {
        "employee_no": "Y1", "name": "钱七", "branch": world.office.pk, "status": "working_away", "place": "dongying",
        "is_active": "on"})
    assert response.status_code == 400
    assert "外闯党员必须填写外闯所在单位党组织" in response.content.decode()


def test_member_list_filters_and_paginates(world, client_for):
    for i in range(35):
        MemberFactory(branch=world.office, name=f"分页党员{i}")
    client = client_for("org_admin")
    page = client.get(reverse("branches:member_list") + f"?branch={world.office.pk}").context["page"]
    assert page.paginator.count == 35 and len(page.object_list) == 30
    away = client.get(reverse("branches:member_list") + f"?status=working_away&outside_org={world.spare_org.pk}")
    assert away.context["page"].paginator.count == 6
    found = client.get(reverse("branches:member_list") + "?q=分页党员12").context["page"]
    assert [m.name for m in found.object_list] == ["分页党员12"]


def test_people_get_a_login_and_a_scoped_role(world, client_for):
    client = client_for("org_admin")
    response = client.post(reverse("branches:person_create"), {
        "username": "dept_head2", "full_name": "孙八", "password": "Xy-9pass-word", "kind": "department",
        "branch": world.office.pk})
    assert response.status_code == 400
    assert "机关部门负责人必须指定一个机关部门" in response.content.decode()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="dept_head2").exists(), "no user without a valid role"
    response = client.post(reverse("branches:person_create"), {
        "username": "dept_head2", "full_name": "孙八", "password": "Xy-9pass-word", "kind": "department",
        "unit": world.other_dept.pk})
    assert response.status_code == 302
    role = Role.objects.get(user__username="dept_head2")
    assert (role.kind, role.unit) == ("department", world.other_dept)
    assert role.user.check_password("Xy-9pass-word") and role.user.first_name == "孙八"


def test_branch_kind_follows_its_unit(world, client_for):
    client_for("org_admin").post(reverse("branches:branch_create"), {
        "code": "HX", "name": "新HR支部", "unit": world.hr.unit_id, "is_active": "on"})
    assert Branch.objects.get(code="HX").kind == Branch.Kind.HR_CENTER
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.save_branch(code="CX", name="党委支部", unit=Unit.objects.get(kind="committee"))
    assert "党支部须属于机关部门" in exc.value.message_dict["unit"][0]
