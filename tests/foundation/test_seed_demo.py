"""`seed_demo` builds the organisation the seed texts describe, and running it again changes nothing."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from branches.demo import DEMO_PASSWORD, build_demo, counts
from branches.models import (
    Branch,
    DutyEvidence,
    ExternalOrganization,
    KeyWorkPlan,
    Member,
    MonthlyTarget,
    Role,
    YearSettings,
)
from branches.periods import Quarter, expected_by_quarter
from pairing.models import (
    Activity,
    AnnualPlan,
    InformationExchange,
    JointMeeting,
    KeyProject,
    Pair,
    Partnership,
    Problem,
    ProjectTask,
)

pytestmark = pytest.mark.django_db

PARTNER_UNITS = {"济北管理区", "商河管理区", "临邑管理区", "大明项目", "财务共享项目"}
LOGINS = {
    "orgadmin": Role.Kind.ORG_ADMIN,
    "secretary": Role.Kind.SECRETARY,
    "secretary_office": Role.Kind.SECRETARY,
    "secretary_hr": Role.Kind.SECRETARY,
    "committee": Role.Kind.COMMITTEE,
    "department": Role.Kind.DEPARTMENT,
    "inspector": Role.Kind.INSPECTOR,
    "viewer": Role.Kind.VIEWER,
}


@pytest.fixture
def seeded():
    """The organisation and its year of records, as `seed_demo` builds them (without the other apps' parts)."""
    return build_demo(today=timezone.localdate())


@pytest.fixture
def seeded_by_command() -> str:
    """The whole command, with the scoring and supervision parts when those apps have them."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def all_counts() -> dict[str, int]:
    """Rows of every table of the project's apps and the users, history included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ("auth", "branches", "pairing", "scoring", "supervision")
    }


def joint_done(owner, today) -> int:
    return owner.activities.filter(kind__counts_as_joint=True, date__lte=today).count()


def test_seven_office_and_direct_branches_pair_with_nine_grassroots_branches(seeded):
    year = timezone.localdate().year
    pairs = list(Pair.objects.filter(year=year).select_related("lead_branch").prefetch_related("grassroots_branches"))
    assert len(pairs) == 7
    assert {p.lead_branch.kind for p in pairs} <= {Branch.Kind.OFFICE, Branch.Kind.DIRECT}
    assert {p.lead_branch.kind for p in pairs} == {Branch.Kind.OFFICE, Branch.Kind.DIRECT}
    grassroots = [b for p in pairs for b in p.grassroots_branches.all()]
    assert len(grassroots) == len(set(grassroots)) == 9
    assert all(b.kind == Branch.Kind.GRASSROOTS for b in grassroots)
    assert sum(1 for p in pairs if p.grassroots_branches.count() == 2) == 2

    g01 = Branch.objects.get(code="G01")
    assert g01.name == "曲堤管理区党支部"
    pair = Pair.objects.get(year=year, grassroots_branches=g01)
    assert (pair.lead_branch.code, pair.lead_branch.name) == ("O01", "综合管理部党支部")
    # Last year's pairs exist too, so "copy from last year" has something to copy.
    assert Pair.objects.filter(year=year - 1).count() == 7
    assert YearSettings.deadline_for(year) == timezone.datetime(year, 1, 31).date()


def test_every_branch_has_members_a_secretary_and_party_groups(seeded):
    branches = Branch.objects.annotate(n=Count("members"), groups=Count("party_groups", distinct=True))
    assert branches.count() == 17
    for branch in branches:
        assert branch.n >= 8, branch
        assert branch.groups >= 1, branch
        assert branch.secretary is not None and branch.secretary.branch_id == branch.pk
    assert set(Member.objects.values_list("status", flat=True)) == set(Member.Status.values)
    assert Member.objects.filter(place=Member.Place.ELSEWHERE).exclude(status=Member.Status.WORKING_AWAY).exists()
    assert not Member.objects.filter(status=Member.Status.WORKING_AWAY, outside_org__isnull=True).exists()
    assert not Member.objects.filter(outside_org__isnull=False).exclude(status=Member.Status.WORKING_AWAY).exists()


def test_hr_center_partners_with_the_five_outside_units(seeded):
    year = timezone.localdate().year
    hr = Branch.objects.get(code="H01")
    assert hr.kind == Branch.Kind.HR_CENTER
    partnerships = Partnership.objects.filter(year=year, branch=hr).select_related("external_org")
    assert {p.external_org.outside_unit for p in partnerships} == PARTNER_UNITS
    for partnership in partnerships:
        assert partnership.members_away_count() >= 5
        assert partnership.external_org.name == f"{partnership.external_org.outside_unit}党支部"
    # Scattered members away at other units: fewer than five, so no partnership.
    scattered = ExternalOrganization.objects.exclude(outside_unit__in=PARTNER_UNITS)
    assert scattered.exists()
    for org in scattered:
        assert 0 < org.members_working_away.count() < 5
        assert not org.partnerships.exists()


def test_pace_plans_problems_and_exchanges_give_dashboards_something_to_show(seeded):
    today = timezone.localdate()
    year = today.year
    assert not Activity.objects.filter(date__gt=today).exists()
    quarter = Quarter.of(today)
    pairs = Pair.objects.filter(year=year)
    behind = [p for p in pairs if joint_done(p, today) < expected_by_quarter(p.yearly_minimum, quarter.number)]
    assert 1 <= len(behind) <= 2
    assert all(joint_done(p, today) <= 7 for p in pairs)
    partnerships = Partnership.objects.filter(year=year)
    assert all(joint_done(p, today) >= 6 for p in partnerships)
    assert any(joint_done(p, today) < 8 for p in partnerships)
    # Activities carry the branches taking part and their attendees.
    joint = Activity.objects.filter(pair__year=year).annotate(b=Count("branches"), a=Count("attendees"))
    assert all(a.b >= 2 and a.a >= 1 for a in joint)

    deadline = YearSettings.deadline_for(year)
    owners = pairs.count() + partnerships.count()
    plans = AnnualPlan.objects.filter(year=year)
    late = plans.filter(filed_on__gt=deadline)
    assert late.count() == 2 and all(p.filed_on.month in (2, 3) for p in late)
    assert owners - plans.count() == 2  # two not filed

    assert Problem.objects.filter(pair__year=year).count() >= 60
    solved = Problem.objects.filter(status=Problem.Status.SOLVED)
    assert solved.count() > Problem.objects.exclude(status=Problem.Status.SOLVED).count() > 0
    assert not solved.filter(Q(solution="") | Q(solved_on__isnull=True)).exists()

    for pair in pairs:
        assert 3 <= pair.key_projects.count() <= 4
        assert JointMeeting.objects.filter(pair=pair).exists()
    tasks = ProjectTask.objects.filter(project__pair__year=year)
    assert tasks.filter(due_date__lt=today).exclude(status=ProjectTask.Status.DONE).exists()  # some overdue
    claimed = tasks.exclude(status=ProjectTask.Status.OPEN)
    assert claimed.exists() and not claimed.filter(Q(claimant__isnull=True) | Q(commitment="")).exists()
    assert KeyProject.objects.filter(pair__year=year).count() >= 21

    kinds = set(InformationExchange.objects.filter(period_year=year).values_list("kind", flat=True))
    assert kinds == set(InformationExchange.Kind.values)


def test_department_plans_with_monthly_targets(seeded):
    year = timezone.localdate().year
    plan = KeyWorkPlan.objects.get(unit__code="D01", year=year)
    assert plan.unit.name == "综合管理部"
    assert plan.tasks.count() == 47
    assert MonthlyTarget.objects.filter(task__plan=plan).count() == 47 * 12
    for other in KeyWorkPlan.objects.filter(year=year).exclude(pk=plan.pk):
        assert 8 <= other.tasks.count() <= 15
    statuses = set(MonthlyTarget.objects.values_list("status", flat=True))
    assert statuses >= {MonthlyTarget.Status.DONE, MonthlyTarget.Status.BEHIND, MonthlyTarget.Status.OVERDUE}
    assert not MonthlyTarget.objects.filter(status__in=["behind", "overdue"], note="").exists()
    month = timezone.localdate().month
    assert not MonthlyTarget.objects.filter(month__gt=month).exclude(status=MonthlyTarget.Status.PENDING).exists()
    deployed = DutyEvidence.objects.filter(stage=DutyEvidence.Stage.DEPLOYED)
    assert deployed.values("duty").distinct().count() == 7
    assert not deployed.filter(Q(standard="") | Q(supervision_responsibility="") | Q(assessment_method="")).exists()


def test_seeded_records_pass_their_model_rules(seeded):
    for model in (Member, Problem, ProjectTask, AnnualPlan, JointMeeting, InformationExchange, DutyEvidence):
        for record in model.objects.all():
            record.full_clean()
    for target in MonthlyTarget.objects.filter(status__in=["behind", "overdue"]):
        target.full_clean()
    for activity in Activity.objects.filter(Q(pair__isnull=False) | Q(partnership__isnull=False))[:80]:
        activity.full_clean()
    for role in Role.objects.all():
        role.full_clean()


@pytest.mark.parametrize("month_day", [(1, 5), (4, 2), (7, 15), (12, 31)])
def test_nothing_is_dated_after_today_at_any_time_of_year(month_day):
    today = timezone.localdate().replace(month=month_day[0], day=month_day[1])
    build_demo(today=today)
    assert not Activity.objects.filter(date__gt=today).exists()
    assert not JointMeeting.objects.filter(date__gt=today).exists()
    assert not Problem.objects.filter(Q(raised_on__gt=today) | Q(solved_on__gt=today)).exists()
    assert not InformationExchange.objects.filter(exchanged_on__gt=today).exists()
    assert not AnnualPlan.objects.filter(filed_on__gt=today).exists()
    assert not KeyWorkPlan.objects.filter(filed_on__gt=today).exists()
    assert not DutyEvidence.objects.filter(date__gt=today).exists()
    assert not ProjectTask.objects.filter(Q(completed_on__gt=today) | Q(claimed_on__gt=today)).exists()
    assert not MonthlyTarget.objects.filter(month__gt=today.month).exclude(status=MonthlyTarget.Status.PENDING).exists()
    for problem in Problem.objects.all():
        problem.full_clean()
    for task in ProjectTask.objects.all():
        task.full_clean()
    assert Pair.objects.filter(year=today.year).count() == 7


def test_every_demo_login_works_with_the_password(seeded_by_command, client):
    User = get_user_model()
    for username, kind in LOGINS.items():
        user = User.objects.get(username=username)
        assert user.first_name and "\u4e00" <= user.first_name[0] <= "\u9fff"
        assert user.roles.filter(kind=kind).exists()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.session["_auth_user_id"] == str(user.pk)
        client.logout()
        assert username in seeded_by_command  # the printed table of logins
    assert User.objects.get(username="orgadmin").is_superuser
    assert not User.objects.get(username="department").is_staff
    assert Role.objects.get(user__username="secretary").member == Branch.objects.get(code="G01").secretary
    assert Role.objects.get(user__username="department").unit.code == "D01"
    assert Role.objects.get(user__username="committee").branch.code == "G01"
    # Every other branch has its secretary login.
    for branch in Branch.objects.exclude(code__in=["G01", "O01", "H01"]):
        role = Role.objects.get(user__username=f"sec-{branch.code.lower()}")
        assert role.kind == Role.Kind.SECRETARY and role.branch == branch
        assert f"sec-{branch.code.lower()}" in seeded_by_command
    response = client.post("/accounts/login/", {"username": "viewer", "password": "wrong-password"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_running_twice_changes_nothing(seeded_by_command):
    before = all_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert all_counts() == before
    assert before["pairing.Activity"] > 100 and before["branches.Member"] > 200


def test_the_parts_are_idempotent_on_their_own(seeded):
    before = counts()
    build_demo(today=timezone.localdate())
    assert counts() == before


def test_if_empty_leaves_an_existing_organisation_alone(seeded):
    before = all_counts()
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert all_counts() == before


def test_if_empty_seeds_an_empty_database():
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert Branch.objects.count() == 17
    assert "orgadmin" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
