"""The organisation and three-mode rules, with the Chinese messages a user reads."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from branches.access import person_for
from branches.models import DutyEvidence, Member, MonthlyTarget, Role, Unit
from branches.periods import Quarter, expected_by_quarter
from config.concurrency import StaleRecordError, save_versioned
from pairing.models import Activity, AnnualPlan, JointMeeting, Pair, Partnership, Problem
from pairing.services import save_pair, save_partnership
from tests.factories import (
    ActivityFactory,
    AnnualPlanFactory,
    DutyFactory,
    ExternalOrganizationFactory,
    MemberFactory,
    MonthlyTargetFactory,
    PairFactory,
    PartnershipFactory,
    UnitFactory,
    UserFactory,
    direct_branch,
    grassroots_branch,
    hr_branch,
    office_branch,
)

pytestmark = pytest.mark.django_db


def messages(exc: ValidationError, field: str | None = None) -> str:
    if field is None:
        return " ".join(exc.messages)
    return " ".join(exc.message_dict.get(field, []))


# ---------------------------------------------------------------------------------------------- pairs
class TestPairRules:
    def test_office_and_direct_branches_lead_pairs(self):
        office = save_pair(year=2026, lead_branch=office_branch(), grassroots_branches=[grassroots_branch()])
        direct = save_pair(year=2026, lead_branch=direct_branch(), grassroots_branches=[grassroots_branch()])
        assert office.pk and direct.pk
        assert len(office.branches) == 2

    @pytest.mark.parametrize("make_lead", [grassroots_branch, hr_branch])
    def test_other_branches_cannot_lead_a_pair(self, make_lead):
        with pytest.raises(ValidationError) as caught:
            save_pair(year=2026, lead_branch=make_lead(), grassroots_branches=[grassroots_branch()])
        assert "共建对子的一方必须是机关党支部或直属党支部" in messages(caught.value, "lead_branch")
        assert not Pair.objects.exists()

    def test_model_clean_also_rejects_a_grassroots_lead(self):
        pair = Pair(year=2026, lead_branch=grassroots_branch())
        with pytest.raises(ValidationError) as caught:
            pair.full_clean()
        assert "机关党支部或直属党支部" in messages(caught.value, "lead_branch")

    def test_one_to_two_is_allowed(self):
        pair = save_pair(year=2026, lead_branch=office_branch(),
                         grassroots_branches=[grassroots_branch(), grassroots_branch()])
        assert pair.grassroots_branches.count() == 2
        assert "、" in pair.name

    @pytest.mark.parametrize("how_many", [0, 3])
    def test_one_or_two_grassroots_branches(self, how_many):
        with pytest.raises(ValidationError) as caught:
            save_pair(year=2026, lead_branch=office_branch(),
                      grassroots_branches=[grassroots_branch() for _ in range(how_many)])
        assert "一至两个基层党支部" in messages(caught.value, "grassroots_branches")

    def test_the_other_side_must_be_grassroots(self):
        with pytest.raises(ValidationError) as caught:
            save_pair(year=2026, lead_branch=office_branch(), grassroots_branches=[office_branch(name="财务资产部党支部")])
        assert "“财务资产部党支部”不是基层党支部" in messages(caught.value, "grassroots_branches")

    def test_a_lead_branch_leads_one_pair_a_year(self):
        lead = office_branch(name="综合管理部党支部")
        save_pair(year=2026, lead_branch=lead, grassroots_branches=[grassroots_branch()])
        with pytest.raises(ValidationError) as caught:
            save_pair(year=2026, lead_branch=lead, grassroots_branches=[grassroots_branch()])
        assert "“综合管理部党支部”在 2026 年已有共建对子" in messages(caught.value, "lead_branch")
        # Another year is another pairing.
        assert save_pair(year=2027, lead_branch=lead, grassroots_branches=[grassroots_branch()]).pk

    def test_a_grassroots_branch_joins_one_pair_a_year(self):
        shared = grassroots_branch(name="曲堤管理区党支部")
        save_pair(year=2026, lead_branch=office_branch(), grassroots_branches=[shared])
        with pytest.raises(ValidationError) as caught:
            save_pair(year=2026, lead_branch=direct_branch(), grassroots_branches=[shared])
        assert "“曲堤管理区党支部”在 2026 年已与其他机关党支部结对" in messages(caught.value, "grassroots_branches")
        assert Pair.objects.filter(year=2026).count() == 1
        assert save_pair(year=2025, lead_branch=direct_branch(), grassroots_branches=[shared]).pk

    def test_the_database_refuses_a_grassroots_branch_twice_in_a_year(self):
        shared = grassroots_branch()
        PairFactory(grassroots=[shared])
        with pytest.raises(IntegrityError), transaction.atomic():
            PairFactory(grassroots=[shared])

    def test_changing_a_pair_keeps_its_own_branches_allowed(self):
        g1, g2 = grassroots_branch(), grassroots_branch()
        lead = office_branch()
        pair = save_pair(year=2026, lead_branch=lead, grassroots_branches=[g1])
        pair = save_pair(year=2026, lead_branch=lead, grassroots_branches=[g1, g2], pair=pair)
        assert set(pair.grassroots_branches.all()) == {g1, g2}
        pair = save_pair(year=2026, lead_branch=lead, grassroots_branches=[g2], pair=pair)
        assert list(pair.grassroots_branches.all()) == [g2]


# ---------------------------------------------------------------------------------------- partnerships
class TestPartnershipRules:
    def _away(self, branch, org, n):
        for _ in range(n):
            MemberFactory(branch=branch, status=Member.Status.WORKING_AWAY, outside_org=org)

    def test_four_members_away_are_not_enough(self):
        hr, org = hr_branch(), ExternalOrganizationFactory(name="济北管理区党支部")
        self._away(hr, org, 4)
        with pytest.raises(ValidationError) as caught:
            save_partnership(year=2026, branch=hr, external_org=org)
        text = messages(caught.value, "external_org")
        assert "只有 4 名" in text and "5 名及以上" in text
        assert not Partnership.objects.exists()

    def test_five_members_away_make_a_partnership(self):
        hr, org = hr_branch(), ExternalOrganizationFactory()
        self._away(hr, org, 5)
        partnership = save_partnership(year=2026, branch=hr, external_org=org)
        assert partnership.members_away_count() == 5

    def test_only_members_still_away_and_of_this_branch_count(self):
        hr, org = hr_branch(), ExternalOrganizationFactory()
        self._away(hr, org, 4)
        self._away(hr_branch(), org, 3)  # another branch's members
        MemberFactory(branch=hr, status=Member.Status.WORKING_AWAY, outside_org=org, is_active=False)
        with pytest.raises(ValidationError) as caught:
            save_partnership(year=2026, branch=hr, external_org=org)
        assert "只有 4 名" in messages(caught.value, "external_org")

    def test_only_the_hr_center_branch_partners(self):
        office, org = office_branch(), ExternalOrganizationFactory()
        self._away(office, org, 6)
        with pytest.raises(ValidationError) as caught:
            save_partnership(year=2026, branch=office, external_org=org)
        assert "只由人力资源服务中心党支部开展" in messages(caught.value, "branch")

    def test_a_partnership_once_a_year(self):
        partnership = PartnershipFactory()
        with pytest.raises(ValidationError):
            save_partnership(year=2026, branch=partnership.branch, external_org=partnership.external_org)


# --------------------------------------------------------------------------------------------- members
class TestMemberRules:
    def test_working_away_needs_the_outside_organisation(self):
        member = MemberFactory.build(branch=hr_branch(), status=Member.Status.WORKING_AWAY)
        with pytest.raises(ValidationError) as caught:
            member.full_clean()
        assert "外闯党员必须填写外闯所在单位党组织" in messages(caught.value, "outside_org")

    @pytest.mark.parametrize("status", [Member.Status.ON_POST, Member.Status.OFF_POST,
                                        Member.Status.INTERNALLY_RETIRED])
    def test_only_working_away_members_have_one(self, status):
        member = MemberFactory.build(branch=hr_branch(), status=status, outside_org=ExternalOrganizationFactory())
        with pytest.raises(ValidationError) as caught:
            member.full_clean()
        assert "只有外闯党员才填写" in messages(caught.value, "outside_org")

    def test_a_working_away_member_with_an_organisation_is_valid(self):
        member = MemberFactory.build(branch=hr_branch(), status=Member.Status.WORKING_AWAY,
                                     outside_org=ExternalOrganizationFactory(), place=Member.Place.ELSEWHERE)
        member.full_clean()


# ---------------------------------------------------------------------------------- dates inside a year
class TestDatesInsideTheYear:
    def test_annual_plan_year_follows_the_pair(self):
        plan = AnnualPlanFactory.build(pair=PairFactory(year=2026), year=2025, filed_on=datetime.date(2025, 1, 10))
        with pytest.raises(ValidationError) as caught:
            plan.full_clean()
        assert "方案年度必须与共建年度一致" in messages(caught.value, "year")

    def test_annual_plan_filing_date_in_the_year_or_the_end_of_the_last(self):
        pair = PairFactory(year=2026)
        AnnualPlanFactory.build(pair=pair, filed_on=datetime.date(2025, 12, 28)).full_clean()
        with pytest.raises(ValidationError) as caught:
            AnnualPlanFactory.build(pair=pair, filed_on=datetime.date(2027, 1, 5)).full_clean()
        assert "备案日期必须在方案年度内" in messages(caught.value, "filed_on")

    def test_joint_meeting_inside_the_pair_year(self):
        meeting = JointMeeting(pair=PairFactory(year=2026), date=datetime.date(2025, 12, 30), topic="联席会")
        with pytest.raises(ValidationError) as caught:
            meeting.full_clean()
        assert "日期必须在 2026 年度内" in messages(caught.value, "date")
        meeting.date = datetime.date(2026, 3, 15)
        meeting.full_clean()

    def test_problem_raised_inside_the_pair_year(self):
        pair = PairFactory(year=2026)
        problem = Problem(pair=pair, raised_by=pair.lead_branch, title="费用结算周期长",
                          raised_on=datetime.date(2027, 1, 3))
        with pytest.raises(ValidationError) as caught:
            problem.full_clean()
        assert "日期必须在 2026 年度内" in messages(caught.value, "raised_on")

    def test_solved_problem_needs_solution_and_date(self):
        pair = PairFactory(year=2026)
        problem = Problem(pair=pair, raised_by=pair.lead_branch, title="隐患排查标准不统一",
                          raised_on=datetime.date(2026, 3, 1), status=Problem.Status.SOLVED)
        with pytest.raises(ValidationError) as caught:
            problem.full_clean()
        assert "须填写解决措施" in messages(caught.value, "solution")
        assert "须填写解决日期" in messages(caught.value, "solved_on")

    def test_problem_raised_by_a_branch_outside_the_pair(self):
        problem = Problem(pair=PairFactory(year=2026), raised_by=grassroots_branch(), title="难题",
                          raised_on=datetime.date(2026, 3, 1))
        with pytest.raises(ValidationError) as caught:
            problem.full_clean()
        assert "提出方必须是结对双方之一" in messages(caught.value, "raised_by")

    def test_activity_of_a_pair_inside_its_year(self):
        pair = PairFactory(year=2026)
        activity = ActivityFactory.build(pair=pair, owner_branch=pair.lead_branch, date=datetime.date(2025, 12, 31))
        activity.kind.save()
        with pytest.raises(ValidationError) as caught:
            activity.full_clean()
        assert "日期必须在 2026 年度内" in messages(caught.value, "date")

    def test_activity_not_of_a_pair_and_a_partnership_both(self):
        pair = PairFactory(year=2026)
        with pytest.raises(IntegrityError), transaction.atomic():
            ActivityFactory(pair=pair, partnership=PartnershipFactory(), owner_branch=pair.lead_branch)
        assert not Activity.objects.exists()


# ------------------------------------------------------------------------ annual plan: pair XOR partnership
class TestAnnualPlanOwner:
    def test_clean_asks_for_exactly_one_owner(self):
        with pytest.raises(ValidationError) as caught:
            AnnualPlan(year=2026, goals="目标").full_clean()
        assert "只能选其一" in messages(caught.value, "pair")
        both = AnnualPlan(year=2026, goals="目标", pair=PairFactory(), partnership=PartnershipFactory())
        with pytest.raises(ValidationError) as caught:
            both.full_clean()
        assert "只能选其一" in messages(caught.value, "pair")

    @pytest.mark.parametrize("owners", ["none", "both"])
    def test_the_database_refuses_none_or_both(self, owners):
        kwargs = {} if owners == "none" else {"pair": PairFactory(), "partnership": PartnershipFactory()}
        with pytest.raises(IntegrityError), transaction.atomic():
            AnnualPlan.objects.create(year=2026, goals="目标", **kwargs)

    def test_one_plan_per_pair(self):
        pair = PairFactory()
        AnnualPlanFactory(pair=pair)
        with pytest.raises(IntegrityError), transaction.atomic():
            AnnualPlanFactory(pair=pair)

    def test_a_partnership_plan_is_valid(self):
        plan = AnnualPlanFactory.build(partnership=PartnershipFactory())
        plan.full_clean()
        plan.save()
        assert plan.owner == plan.partnership


# ------------------------------------------------------------------------------------------------ roles
class TestRoleScoping:
    def test_secretary_needs_a_branch_and_no_unit(self):
        user = UserFactory()
        with pytest.raises(ValidationError) as caught:
            Role(user=user, kind=Role.Kind.SECRETARY).full_clean()
        assert "必须指定所在党支部" in messages(caught.value, "branch")
        with pytest.raises(ValidationError) as caught:
            Role(user=user, kind=Role.Kind.COMMITTEE, branch=grassroots_branch(),
                 unit=UnitFactory(kind=Unit.Kind.DEPARTMENT)).full_clean()
        assert "只按党支部授权" in messages(caught.value, "unit")

    def test_department_role_needs_an_office_department(self):
        user = UserFactory()
        with pytest.raises(ValidationError) as caught:
            Role(user=user, kind=Role.Kind.DEPARTMENT, unit=UnitFactory(kind=Unit.Kind.GRASSROOTS)).full_clean()
        assert "必须指定一个机关部门" in messages(caught.value, "unit")
        department = UnitFactory(kind=Unit.Kind.DEPARTMENT)
        with pytest.raises(ValidationError) as caught:
            Role(user=user, kind=Role.Kind.DEPARTMENT, unit=department, branch=office_branch()).full_clean()
        assert "按部门授权" in messages(caught.value, "branch")
        Role(user=user, kind=Role.Kind.DEPARTMENT, unit=department).full_clean()

    @pytest.mark.parametrize("kind", [Role.Kind.ORG_ADMIN, Role.Kind.INSPECTOR, Role.Kind.VIEWER])
    def test_company_wide_roles_have_no_scope(self, kind):
        with pytest.raises(ValidationError) as caught:
            Role(user=UserFactory(), kind=kind, branch=grassroots_branch()).full_clean()
        assert "面向全公司" in messages(caught.value)
        Role(user=UserFactory(), kind=kind).full_clean()

    def test_member_of_the_role_belongs_to_its_branch(self):
        branch = grassroots_branch()
        stranger = MemberFactory(branch=grassroots_branch())
        with pytest.raises(ValidationError) as caught:
            Role(user=UserFactory(), kind=Role.Kind.SECRETARY, branch=branch, member=stranger).full_clean()
        assert "对应党员必须属于所授权的党支部" in messages(caught.value, "member")

    def test_a_person_edits_only_their_own_scope(self):
        mine, other = grassroots_branch(), grassroots_branch()
        department = UnitFactory(kind=Unit.Kind.DEPARTMENT)
        user = UserFactory()
        Role.objects.create(user=user, kind=Role.Kind.SECRETARY, branch=mine)
        Role.objects.create(user=user, kind=Role.Kind.DEPARTMENT, unit=department)
        person = person_for(user)
        assert person.is_branch_officer and person.is_department and not person.is_org_admin
        assert person.can_edit_branch(mine.pk) and not person.can_edit_branch(other.pk)
        assert person.can_edit_unit(department.pk) and not person.can_edit_unit(mine.unit_id)

        viewer = UserFactory()
        Role.objects.create(user=viewer, kind=Role.Kind.VIEWER)
        seen = person_for(viewer)
        assert seen.sees_everything and not seen.can_edit_branch(mine.pk)

        admin = UserFactory()
        Role.objects.create(user=admin, kind=Role.Kind.ORG_ADMIN)
        assert person_for(admin).can_edit_branch(other.pk)


# --------------------------------------------------------------------------------------------- quarters
class TestQuarter:
    def test_parse_and_print(self):
        quarter = Quarter.parse("2026Q3")
        assert (quarter.year, quarter.number) == (2026, 3)
        assert str(quarter) == "2026Q3"
        assert Quarter.parse(" 2026q1 ") == Quarter(2026, 1)

    @pytest.mark.parametrize("text", ["2026Q5", "2026", "Q3", "2026-3", "", None, "二〇二六Q1"])
    def test_bad_text_is_refused_in_chinese(self, text):
        with pytest.raises(ValidationError) as caught:
            Quarter.parse(text)
        assert "季度格式应为“年份Q季度”，例如 2026Q3" in messages(caught.value)

    def test_out_of_range_quarter(self):
        with pytest.raises(ValidationError) as caught:
            Quarter(1999, 2)
        assert "季度“1999Q2”无效" in messages(caught.value)

    def test_start_end_months(self):
        q3 = Quarter(2026, 3)
        assert q3.start == datetime.date(2026, 7, 1)
        assert q3.end == datetime.date(2026, 9, 30)
        assert q3.months == [7, 8, 9]
        assert Quarter(2026, 1).end == datetime.date(2026, 3, 31)
        assert Quarter(2026, 4).end == datetime.date(2026, 12, 31)
        assert Quarter.of(datetime.date(2026, 11, 21)) == Quarter(2026, 4)
        assert q3.contains(datetime.date(2026, 9, 30)) and not q3.contains(datetime.date(2026, 10, 1))

    def test_previous_and_next_cross_years(self):
        assert Quarter(2026, 1).previous() == Quarter(2025, 4)
        assert Quarter(2026, 4).next() == Quarter(2027, 1)
        assert Quarter(2026, 2).next().previous() == Quarter(2026, 2)
        assert Quarter(2025, 4) < Quarter(2026, 1)

    @pytest.mark.parametrize(("minimum", "expected"), [(4, [1, 2, 3, 4]), (8, [2, 4, 6, 8]), (5, [2, 3, 4, 5]),
                                                        (3, [1, 2, 3, 3]), (0, [0, 0, 0, 0])])
    def test_expected_by_quarter(self, minimum, expected):
        assert [expected_by_quarter(minimum, q) for q in (1, 2, 3, 4)] == expected


# ----------------------------------------------------------------------------------------------- mode 1
class TestMode1Rules:
    def test_deployed_evidence_needs_standard_responsibility_and_method(self):
        evidence = DutyEvidence(unit=UnitFactory(kind=Unit.Kind.DEPARTMENT), year=2026, duty=DutyFactory(),
                                stage=DutyEvidence.Stage.DEPLOYED, date=datetime.date(2026, 3, 1),
                                description="印发年度工作要点")
        with pytest.raises(ValidationError) as caught:
            evidence.full_clean()
        assert "同部署须明确标准要求" in messages(caught.value, "standard")
        assert "同部署须明确监督检查责任" in messages(caught.value, "supervision_responsibility")
        assert "同部署须明确考核问责方式" in messages(caught.value, "assessment_method")
        evidence.standard, evidence.supervision_responsibility, evidence.assessment_method = "标准", "责任", "方式"
        evidence.full_clean()

    def test_other_stages_do_not_need_them(self):
        DutyEvidence(unit=UnitFactory(kind=Unit.Kind.DEPARTMENT), year=2026, duty=DutyFactory(),
                     stage=DutyEvidence.Stage.RESEARCHED, date=datetime.date(2026, 1, 20),
                     description="部门办公会同研究").full_clean()

    def test_evidence_only_for_office_departments_and_in_its_year(self):
        evidence = DutyEvidence(unit=UnitFactory(kind=Unit.Kind.GRASSROOTS), year=2026, duty=DutyFactory(),
                                stage=DutyEvidence.Stage.RESEARCHED, date=datetime.date(2025, 12, 1), description="x")
        with pytest.raises(ValidationError) as caught:
            evidence.full_clean()
        assert "只适用于机关部门" in messages(caught.value, "unit")
        assert "日期必须在 2026 年度内" in messages(caught.value, "date")

    @pytest.mark.parametrize("status", [MonthlyTarget.Status.BEHIND, MonthlyTarget.Status.OVERDUE])
    def test_behind_or_overdue_target_needs_a_note(self, status):
        target = MonthlyTargetFactory.build(task=MonthlyTargetFactory().task, month=2, status=status, note="  ")
        with pytest.raises(ValidationError) as caught:
            target.full_clean()
        assert "标记为滞后或逾期时请说明原因" in messages(caught.value, "note")
        target.note = "配合单位资料未按时提交"
        target.full_clean()


# ------------------------------------------------------------------------------------ optimistic saving
class TestSaveVersioned:
    def test_a_stale_second_save_is_refused_and_loses_nothing(self):
        plan = AnnualPlanFactory(pair=PairFactory(), goals="原目标")
        first = AnnualPlan.objects.get(pk=plan.pk)
        second = AnnualPlan.objects.get(pk=plan.pk)
        history_before = plan.history.count()

        first.goals = "甲修改的目标"
        save_versioned(first, expected_version=1)
        assert first.version == 2

        second.goals = "乙修改的目标"
        with pytest.raises(StaleRecordError) as caught:
            save_versioned(second, expected_version=1)
        assert "该记录已被他人修改" in messages(caught.value)

        stored = AnnualPlan.objects.get(pk=plan.pk)
        assert (stored.goals, stored.version) == ("甲修改的目标", 2)
        assert second.goals == "乙修改的目标"  # the refused input is still there to show again
        assert plan.history.count() == history_before + 1

    def test_saving_at_the_current_version_bumps_it(self):
        plan = AnnualPlanFactory(pair=PairFactory())
        plan.goals = "新目标"
        save_versioned(plan, expected_version=plan.version)
        save_versioned(plan, expected_version=plan.version)
        assert AnnualPlan.objects.get(pk=plan.pk).version == 3

    def test_a_new_record_starts_at_version_one(self):
        plan = AnnualPlanFactory.build(pair=PairFactory())
        save_versioned(plan, expected_version=None)
        assert plan.pk and plan.version == 1
