"""factory_boy factories of the organisation and the three modes, shared by every test module."""

import datetime

import factory
from django.contrib.auth import get_user_model

from branches.models import (
    Branch,
    Duty,
    ExternalOrganization,
    KeyWorkPlan,
    KeyWorkTask,
    Member,
    MonthlyTarget,
    Role,
    Unit,
)
from pairing.models import (
    Activity,
    ActivityKind,
    AnnualPlan,
    KeyProject,
    Pair,
    PairGrassroots,
    Partnership,
    Problem,
    ProjectTask,
)

DEMO_PASSWORD = "Test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(DEMO_PASSWORD)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = Unit.Kind.GRASSROOTS
    parent = factory.LazyFunction(
        lambda: Unit.objects.get_or_create(code="ROOT", defaults={"name": "公司党委", "kind": Unit.Kind.COMMITTEE})[0]
    )


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ["code"]

    class Params:
        unit_kind = Unit.Kind.GRASSROOTS

    code = factory.Sequence(lambda n: f"B{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}党支部")
    unit = factory.SubFactory(UnitFactory, kind=factory.SelfAttribute("..unit_kind"))


def office_branch(**kwargs) -> Branch:
    return BranchFactory(unit_kind=Unit.Kind.DEPARTMENT, **kwargs)


def direct_branch(**kwargs) -> Branch:
    return BranchFactory(unit_kind=Unit.Kind.DIRECT, **kwargs)


def grassroots_branch(**kwargs) -> Branch:
    return BranchFactory(unit_kind=Unit.Kind.GRASSROOTS, **kwargs)


def hr_branch(**kwargs) -> Branch:
    return BranchFactory(unit_kind=Unit.Kind.HR_CENTER, **kwargs)


class ExternalOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalOrganization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"外部单位{n}党支部")
    outside_unit = factory.Sequence(lambda n: f"外部单位{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    branch = factory.SubFactory(BranchFactory)
    employee_no = factory.Sequence(lambda n: f"E{n:06d}")
    name = factory.Sequence(lambda n: f"党员{n}")
    status = Member.Status.ON_POST


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = Role.Kind.SECRETARY
    branch = factory.SubFactory(BranchFactory)


def user_with_role(kind: str, *, branch: Branch | None = None, unit: Unit | None = None, username: str | None = None):
    """A user holding one role; branch- and unit-scoped roles need their scope."""
    user = UserFactory(**({"username": username} if username else {}))
    Role.objects.create(user=user, kind=kind, branch=branch, unit=unit)
    return user


class ActivityKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityKind
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"kind{n}")
    name = factory.Sequence(lambda n: f"活动类型{n}")
    category = ActivityKind.Category.LINKED


class PairFactory(factory.django.DjangoModelFactory):
    """A one-to-one pair; pass `grassroots=[...]` for one-to-two."""

    class Meta:
        model = Pair
        skip_postgeneration_save = True

    year = 2026
    lead_branch = factory.LazyFunction(office_branch)

    @factory.post_generation
    def grassroots(self, create, extracted, **kwargs):
        if not create:
            return
        for branch in extracted or [grassroots_branch()]:
            PairGrassroots.objects.create(pair=self, branch=branch, year=self.year)


class PartnershipFactory(factory.django.DjangoModelFactory):
    """A partnership whose outside unit has the five working-away members the rule asks for."""

    class Meta:
        model = Partnership

    year = 2026
    branch = factory.LazyFunction(hr_branch)
    external_org = factory.SubFactory(ExternalOrganizationFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        members_away = kwargs.pop("members_away", 5)
        for _ in range(members_away):
            MemberFactory(branch=kwargs["branch"], status=Member.Status.WORKING_AWAY, outside_org=kwargs["external_org"])
        return super()._create(model_class, *args, **kwargs)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    date = datetime.date(2026, 5, 12)
    title = factory.Sequence(lambda n: f"共建活动{n}")
    kind = factory.SubFactory(ActivityKindFactory)
    owner_branch = factory.SubFactory(BranchFactory)

    @factory.post_generation
    def taking_part(self, create, extracted, **kwargs):
        if not create:
            return
        branches = list(extracted or [])
        if self.pair_id:
            branches += self.pair.branches
        if self.partnership_id:
            branches.append(self.partnership.branch)
        self.branches.set({self.owner_branch, *branches})


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    year = 2026
    goals = "推进结对共建，解决生产难题"
    filed_on = datetime.date(2026, 1, 20)


class KeyProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyProject

    pair = factory.SubFactory(PairFactory)
    title = factory.Sequence(lambda n: f"重点共建项目{n}")


class ProjectTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectTask

    project = factory.SubFactory(KeyProjectFactory)
    title = factory.Sequence(lambda n: f"领办任务{n}")
    due_date = datetime.date(2026, 6, 30)


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    pair = factory.SubFactory(PairFactory)
    raised_by = factory.LazyAttribute(lambda o: o.pair.lead_branch)
    title = factory.Sequence(lambda n: f"难题{n}")
    raised_on = datetime.date(2026, 3, 1)


class DutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Duty
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"duty{n}")
    name = factory.Sequence(lambda n: f"职责{n}")


class KeyWorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyWorkPlan

    unit = factory.SubFactory(UnitFactory, kind=Unit.Kind.DEPARTMENT)
    year = 2026
    title = "年度重点工作实施方案"


class KeyWorkTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyWorkTask

    plan = factory.SubFactory(KeyWorkPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"重点任务{n}")


class MonthlyTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyTarget

    task = factory.SubFactory(KeyWorkTaskFactory)
    month = 1
    target = "完成月度目标"
