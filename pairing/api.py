"""REST API of modes 2 and 3: pairs, partnerships, plans, key projects and their task lists, joint
meetings, problems, information exchanges, activity kinds, activities and their evidence files.

Reads use the workspace's selectors (`pairing.selectors.*_for(user)`), so a person sees exactly what
the pages show them; writes go through `pairing.services`, so every rule and message is the pages'.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from branches.access import Person, visible_branches
from branches.models import Branch, ExternalOrganization, Member
from branches.periods import Quarter
from config.api.fields import DownloadLinkField, QuarterField, ScopedPrimaryKeyRelatedField
from config.api.filters import BranchIdFilter, QuarterFilter
from config.api.viewsets import (
    VERSION_RESPONSES,
    ScopedCreateReadDeleteViewSet,
    ScopedCreateReadViewSet,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    version_field,
)
from pairing import selectors
from pairing import services as pairing_services
from pairing.models import (
    Activity,
    ActivityCategory,
    ActivityKind,
    AnnualPlan,
    Evidence,
    InformationExchange,
    JointMeeting,
    KeyProject,
    Pair,
    Partnership,
    Problem,
    ProjectTask,
)

# ============================================================================================ pace


def with_pace(qs, *, owner_field: str, today=None):
    """Annotate `joint_done` (joint activities logged), `expected_now` (what the pace asks by the
    current quarter: all of a past year, none of a future one) in the database, set-based."""
    today = today or timezone.localdate()
    joint = (
        Activity.objects.filter(**{owner_field: OuterRef("pk")}, kind__counts_as_joint=True)
        .order_by()
        .values(owner_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    number = Quarter.of(today).number
    return qs.annotate(
        joint_done=Coalesce(Subquery(joint, output_field=IntegerField()), Value(0)),
        expected_now=Case(
            When(year__lt=today.year, then=ExpressionWrapper(F("yearly_minimum") * 1, output_field=IntegerField())),
            When(year=today.year, then=ExpressionWrapper((F("yearly_minimum") * number + 3) / 4,
                                                         output_field=IntegerField())),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


class BehindFilterMixin(filters.FilterSet):
    behind = filters.BooleanFilter(
        method="filter_behind",
        label=gettext_lazy("本年度进度滞后"),
        help_text=gettext_lazy("true: 本年度共建活动少于本季度末应完成数的；false: 本年度进度正常的"),
    )

    def filter_behind(self, qs, name, value):
        if value is None:
            return qs
        qs = qs.filter(year=timezone.localdate().year)
        return qs.filter(joint_done__lt=F("expected_now")) if value else qs.filter(joint_done__gte=F("expected_now"))


class PaceFieldsMixin(serializers.Serializer):
    joint_done = serializers.IntegerField(read_only=True, help_text=gettext_lazy("已开展的共建活动数"))
    expected_now = serializers.IntegerField(read_only=True, help_text=gettext_lazy("截至本季度末应完成数"))
    behind = serializers.SerializerMethodField(help_text=gettext_lazy("进度是否滞后"))

    def get_behind(self, obj) -> bool:
        return getattr(obj, "joint_done", 0) < getattr(obj, "expected_now", 0)


class OfficerWriteMixin:
    """Written by branch officers (and the organisation department)."""

    def may_write(self, person: Person) -> bool:
        return person.is_org_admin or person.is_branch_officer


class PairOrPartnershipWriteMixin(OfficerWriteMixin):
    """Records of a pair or a partnership: written by the officers of its branches."""

    def owner_of_record(self, obj) -> Pair | Partnership | None:
        return getattr(obj, "pair", None) or getattr(obj, "partnership", None)

    def may_write_object(self, person: Person, obj) -> bool:
        owner = self.owner_of_record(obj)
        return person.is_org_admin or (
            owner is not None and bool(pairing_services.owner_branch_ids(owner) & person.branch_ids))


# ============================================================================================ pairs


class PairSerializer(PaceFieldsMixin, serializers.ModelSerializer):
    grassroots_branches = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Pair
        fields = ["id", "year", "name", "lead_branch", "grassroots_branches", "yearly_minimum",
                  "joint_done", "expected_now", "behind", "version"]
        read_only_fields = fields


class PairWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    lead_branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all())
    grassroots_branches = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), many=True)


class PairFilter(BehindFilterMixin):
    branch = BranchIdFilter(field_names=("lead_branch", "grassroots_links__branch"))

    class Meta:
        model = Pair
        fields = {"year": ["exact"], "lead_branch": ["exact"]}


class PairViewSet(ScopedModelViewSet):
    """共建对子. `?behind=true` lists this year's pairs whose joint activities are behind pace."""

    queryset = Pair.objects.all()
    serializer_class = PairSerializer
    write_serializer_class = PairWriteSerializer
    filterset_class = PairFilter
    ordering_fields = ["id", "year", "name", "joint_done"]
    ordering = ["-year", "lead_branch__code"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scope_queryset(self, qs):
        return with_pace(selectors.pairs_for(self.request.user), owner_field="pair").prefetch_related(
            "grassroots_branches"
        )

    def current_values(self, instance):
        return {"year": instance.year, "name": instance.name, "lead_branch": instance.lead_branch,
                "grassroots_branches": list(instance.grassroots_branches.all())}

    def create_record(self, data):
        return pairing_services.save_pair(**data)

    def update_record(self, instance, data):
        return pairing_services.save_pair(pair=instance, **data)


class PartnershipSerializer(PaceFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Partnership
        fields = ["id", "year", "branch", "external_org", "yearly_minimum", "joint_done", "expected_now", "behind", "version"]
        read_only_fields = fields


class PartnershipWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all())
    external_org = serializers.PrimaryKeyRelatedField(queryset=ExternalOrganization.objects.all())


class PartnershipFilter(BehindFilterMixin):
    class Meta:
        model = Partnership
        fields = {"year": ["exact"], "branch": ["exact"], "external_org": ["exact"]}


class PartnershipViewSet(ScopedModelViewSet):
    """党建共建 of the HR service center branch with outside units. `?behind=true` as for pairs."""

    queryset = Partnership.objects.all()
    serializer_class = PartnershipSerializer
    write_serializer_class = PartnershipWriteSerializer
    filterset_class = PartnershipFilter
    ordering_fields = ["id", "year", "joint_done"]
    ordering = ["-year", "external_org__name"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scope_queryset(self, qs):
        return with_pace(selectors.partnerships_for(self.request.user), owner_field="partnership")

    def current_values(self, instance):
        return {"year": instance.year, "branch": instance.branch, "external_org": instance.external_org}

    def create_record(self, data):
        return pairing_services.save_partnership(**data)

    def update_record(self, instance, data):
        return pairing_services.save_partnership(partnership=instance, **data)


# ============================================================================================ plans etc.


def one_owner(data: dict) -> Pair | Partnership:
    """The pair or the partnership a new record belongs to: exactly one of the two must be given."""
    pair, partnership = data.get("pair"), data.get("partnership")
    if bool(pair) == bool(partnership):
        raise DjangoValidationError({"pair": [_("请选择一个共建对子或一个党建共建（只能选其一）。")]})
    return pair or partnership


class AnnualPlanSerializer(serializers.ModelSerializer):
    document = DownloadLinkField(view_name="pairing:plan_document")

    class Meta:
        model = AnnualPlan
        fields = ["id", "pair", "partnership", "year", "goals", "measures", "timeline", "lead_responsibilities",
                  "partner_responsibilities", "document", "filed_on", "filed_by", "version", "updated_at"]
        read_only_fields = fields


class AnnualPlanWriteSerializer(serializers.Serializer):
    pair = ScopedPrimaryKeyRelatedField(scope=selectors.pairs_for, queryset=Pair.objects.all(), required=False,
                                        allow_null=True)
    partnership = ScopedPrimaryKeyRelatedField(scope=selectors.partnerships_for, queryset=Partnership.objects.all(),
                                               required=False, allow_null=True)
    goals = serializers.CharField(required=False, allow_blank=True, default="")
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    timeline = serializers.CharField(required=False, allow_blank=True, default="")
    lead_responsibilities = serializers.CharField(required=False, allow_blank=True, default="")
    partner_responsibilities = serializers.CharField(required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, allow_null=True,
                                       help_text=gettext_lazy("读取时的版本号；他人已修改时拒绝保存"))


class AnnualPlanFilter(filters.FilterSet):
    branch = BranchIdFilter(field_names=("pair__lead_branch", "pair__grassroots_links__branch",
                                         "partnership__branch"))
    filed = filters.BooleanFilter(field_name="filed_on", lookup_expr="isnull", exclude=True,
                                  label=gettext_lazy("已备案"))

    class Meta:
        model = AnnualPlan
        fields = {"year": ["exact"], "pair": ["exact"], "partnership": ["exact"]}


class AnnualPlanViewSet(PairOrPartnershipWriteMixin, ScopedModelViewSet):
    """Annual plans 年度实施方案 of pairs and partnerships. POST files (备案) or revises the plan of a
    pair or partnership; PUT/PATCH revise it and refuse a stale `version`."""

    queryset = AnnualPlan.objects.all()
    serializer_class = AnnualPlanSerializer
    write_serializer_class = AnnualPlanWriteSerializer
    filterset_class = AnnualPlanFilter
    ordering_fields = ["id", "year", "filed_on"]
    ordering = ["-year", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scope_queryset(self, qs):
        return selectors.plans_for(self.request.user)

    def current_values(self, instance):
        return {field: getattr(instance, field) for field in pairing_services.PLAN_FIELDS}

    def _file(self, owner, data):
        document = data.pop("document", None)
        version = data.pop("version", None)
        return pairing_services.file_annual_plan(user=self.request.user, owner=owner, data=data,
                                                 document=document, expected_version=version)

    def create_record(self, data):
        return self._file(one_owner(data), data)

    def update_record(self, instance, data):
        data.pop("pair", None)
        data.pop("partnership", None)
        # A client that sends the version it read gets optimistic concurrency; one that doesn't
        # updates the plan it addressed by id as it is now.
        if data.get("version") is None:
            data["version"] = instance.version
        return self._file(instance.owner, data)


class KeyProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyProject
        fields = ["id", "pair", "kind", "title", "goal", "description", "status", "version"]
        read_only_fields = fields


class KeyProjectWriteSerializer(serializers.Serializer):
    pair = ScopedPrimaryKeyRelatedField(scope=selectors.pairs_for, queryset=Pair.objects.all())
    kind = serializers.ChoiceField(choices=KeyProject.Kind.choices, required=False)
    title = serializers.CharField(allow_blank=True, max_length=200)
    goal = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=KeyProject.Status.choices, required=False)


class KeyProjectFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="pair__year")
    branch = BranchIdFilter(field_names=("pair__lead_branch", "pair__grassroots_links__branch"))

    class Meta:
        model = KeyProject
        fields = {"pair": ["exact"], "kind": ["exact"], "status": ["exact"]}


class KeyProjectViewSet(PairOrPartnershipWriteMixin, ScopedModelViewSet):
    """Key co-building projects 重点共建项目 of pairs (3-4 a year)."""

    queryset = KeyProject.objects.all()
    serializer_class = KeyProjectSerializer
    write_serializer_class = KeyProjectWriteSerializer
    filterset_class = KeyProjectFilter
    ordering_fields = ["id", "title", "status"]
    ordering = ["pair", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scope_queryset(self, qs):
        return selectors.key_projects_for(self.request.user)

    def current_values(self, instance):
        return {"pair": instance.pair, "kind": instance.kind, "title": instance.title, "goal": instance.goal,
                "description": instance.description, "status": instance.status}

    def create_record(self, data):
        pair = data.pop("pair")
        return pairing_services.save_key_project(user=self.request.user, pair=pair, data=data)

    def update_record(self, instance, data):
        data.pop("pair", None)
        return pairing_services.save_key_project(user=self.request.user, pair=instance.pair, data=data,
                                                 project=instance)


class ProjectTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectTask
        fields = ["id", "project", "title", "claimant", "commitment", "claimed_on", "due_date", "status",
                  "progress_note", "completed_on", "version"]
        read_only_fields = fields


class ProjectTaskWriteSerializer(serializers.Serializer):
    project = ScopedPrimaryKeyRelatedField(scope=selectors.key_projects_for,
                                           queryset=KeyProject.objects.all())
    title = serializers.CharField(allow_blank=True, max_length=300)
    due_date = serializers.DateField(required=False, allow_null=True)


class ClaimTaskSerializer(serializers.Serializer):
    version = version_field()
    claimant = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), allow_null=True)
    commitment = serializers.CharField(allow_blank=True)
    claimed_on = serializers.DateField(required=False, allow_null=True)


class TaskProgressSerializer(serializers.Serializer):
    version = version_field()
    progress_note = serializers.CharField(allow_blank=True)


class CompleteTaskSerializer(serializers.Serializer):
    version = version_field()
    completed_on = serializers.DateField(required=False, allow_null=True)
    progress_note = serializers.CharField(required=False, allow_blank=True, default="")


class ProjectTaskFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="project__pair__year")
    pair = filters.NumberFilter(field_name="project__pair")
    due_date = filters.DateFromToRangeFilter()
    quarter = QuarterFilter(date_field="due_date")

    class Meta:
        model = ProjectTask
        fields = {"project": ["exact"], "status": ["exact"], "claimant": ["exact"]}


class ProjectTaskViewSet(PairOrPartnershipWriteMixin, ScopedCreateReadViewSet):
    """The task claim list 任务领办清单 of key projects: add a task, a member claims it with a commitment,
    reports progress and completes it."""

    queryset = ProjectTask.objects.all()
    serializer_class = ProjectTaskSerializer
    write_serializer_class = ProjectTaskWriteSerializer
    filterset_class = ProjectTaskFilter
    ordering_fields = ["id", "due_date", "status"]
    ordering = ["project", "due_date", "id"]

    def scope_queryset(self, qs):
        return selectors.tasks_for(self.request.user)

    def owner_of_record(self, obj):
        return obj.project.pair

    def create_record(self, data):
        project = data.pop("project")
        return pairing_services.add_task(user=self.request.user, project=project, data=data)

    def _step(self, request, serializer_class, run):
        task = self.get_versioned_object()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        task = run(task, data)
        return Response(self.read_data(task))

    @extend_schema(request=ClaimTaskSerializer, responses={200: ProjectTaskSerializer, **VERSION_RESPONSES})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """A member of either side of the pair claims the task and signs a commitment."""
        return self._step(request, ClaimTaskSerializer, lambda task, data: pairing_services.claim_task(
            user=request.user, task=task, **data))

    @extend_schema(request=TaskProgressSerializer, responses={200: ProjectTaskSerializer, **VERSION_RESPONSES})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        return self._step(request, TaskProgressSerializer, lambda task, data: pairing_services.update_task_progress(
            user=request.user, task=task, **data))

    @extend_schema(request=CompleteTaskSerializer, responses={200: ProjectTaskSerializer, **VERSION_RESPONSES})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._step(request, CompleteTaskSerializer, lambda task, data: pairing_services.complete_task(
            user=request.user, task=task, **data))


class JointMeetingSerializer(serializers.ModelSerializer):
    file = DownloadLinkField(view_name="pairing:meeting_file")
    quarter = QuarterField(source="date", read_only=True)

    class Meta:
        model = JointMeeting
        fields = ["id", "pair", "partnership", "date", "quarter", "topic", "attendees", "minutes", "decisions",
                  "file", "created_by", "version"]
        read_only_fields = fields


class JointMeetingWriteSerializer(serializers.Serializer):
    pair = ScopedPrimaryKeyRelatedField(scope=selectors.pairs_for, queryset=Pair.objects.all(), required=False,
                                        allow_null=True)
    partnership = ScopedPrimaryKeyRelatedField(scope=selectors.partnerships_for, queryset=Partnership.objects.all(),
                                               required=False, allow_null=True)
    date = serializers.DateField(allow_null=True)
    topic = serializers.CharField(allow_blank=True, max_length=200)
    attendees = serializers.CharField(required=False, allow_blank=True, default="")
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    decisions = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True)


class JointMeetingFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="date", lookup_expr="year")
    quarter = QuarterFilter(date_field="date")
    date = filters.DateFromToRangeFilter()
    branch = BranchIdFilter(field_names=("pair__lead_branch", "pair__grassroots_links__branch",
                                         "partnership__branch"))

    class Meta:
        model = JointMeeting
        fields = {"pair": ["exact"], "partnership": ["exact"]}


class JointMeetingViewSet(PairOrPartnershipWriteMixin, ScopedModelViewSet):
    """Joint meetings 联席会 of pairs and partnerships."""

    queryset = JointMeeting.objects.all()
    serializer_class = JointMeetingSerializer
    write_serializer_class = JointMeetingWriteSerializer
    filterset_class = JointMeetingFilter
    ordering_fields = ["id", "date"]
    ordering = ["-date", "-id"]

    def scope_queryset(self, qs):
        return selectors.meetings_for(self.request.user)

    def current_values(self, instance):
        return {"date": instance.date, **{f: getattr(instance, f) for f in pairing_services.MEETING_FIELDS}}

    def create_record(self, data):
        owner = one_owner(data)
        file = data.pop("file", None)
        return pairing_services.record_meeting(user=self.request.user, owner=owner, data=data, file=file)

    def update_record(self, instance, data):
        file = data.pop("file", None)
        return pairing_services.record_meeting(user=self.request.user, data=data, file=file, meeting=instance)

    def delete_record(self, instance):
        pairing_services.delete_meeting(user=self.request.user, meeting=instance)


class ProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Problem
        fields = ["id", "pair", "raised_by", "title", "description", "raised_on", "status", "solution", "solved_on", "version"]
        read_only_fields = fields


class ProblemWriteSerializer(serializers.Serializer):
    pair = ScopedPrimaryKeyRelatedField(scope=selectors.pairs_for, queryset=Pair.objects.all())
    raised_by = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), allow_null=True)
    title = serializers.CharField(allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    raised_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Problem.Status.choices, required=False)


class SolveProblemSerializer(serializers.Serializer):
    version = version_field()
    solution = serializers.CharField(allow_blank=True)
    solved_on = serializers.DateField(required=False, allow_null=True)


class ProblemFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="pair__year")
    quarter = QuarterFilter(date_field="raised_on")
    raised_on = filters.DateFromToRangeFilter()
    solved_on = filters.DateFromToRangeFilter()
    branch = BranchIdFilter(field_names=("pair__lead_branch", "pair__grassroots_links__branch"))

    class Meta:
        model = Problem
        fields = {"pair": ["exact"], "status": ["exact"], "raised_by": ["exact"]}


class ProblemViewSet(PairOrPartnershipWriteMixin, ScopedModelViewSet):
    """Problems raised by either side of a pair and their solution 解决难题."""

    queryset = Problem.objects.all()
    serializer_class = ProblemSerializer
    write_serializer_class = ProblemWriteSerializer
    filterset_class = ProblemFilter
    ordering_fields = ["id", "raised_on", "solved_on", "status"]
    ordering = ["-raised_on", "-id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scope_queryset(self, qs):
        return selectors.problems_for(self.request.user)

    def current_values(self, instance):
        return {"pair": instance.pair, "raised_by": instance.raised_by, "title": instance.title,
                "description": instance.description, "raised_on": instance.raised_on, "status": instance.status}

    def create_record(self, data):
        pair = data.pop("pair")
        return pairing_services.raise_problem(user=self.request.user, pair=pair, data=data)

    def update_record(self, instance, data):
        data.pop("pair", None)
        return pairing_services.update_problem(user=self.request.user, problem=instance, data=data)

    @extend_schema(request=SolveProblemSerializer, responses={200: ProblemSerializer, **VERSION_RESPONSES})
    @action(detail=True, methods=["post"])
    def solve(self, request, pk=None):
        """Record how the problem was solved."""
        problem = self.get_versioned_object()
        serializer = SolveProblemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        problem = pairing_services.solve_problem(user=request.user, problem=problem, **data)
        return Response(self.read_data(problem))


class InformationExchangeSerializer(serializers.ModelSerializer):
    file = DownloadLinkField(view_name="pairing:exchange_file")
    quarter = serializers.SerializerMethodField()

    class Meta:
        model = InformationExchange
        fields = ["id", "partnership", "kind", "period_year", "period_month", "quarter", "exchanged_on", "content",
                  "file", "created_by", "version"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "example": "2026Q3"})
    def get_quarter(self, obj) -> str:
        return str(obj.quarter)


class InformationExchangeWriteSerializer(serializers.Serializer):
    partnership = ScopedPrimaryKeyRelatedField(scope=selectors.partnerships_for, queryset=Partnership.objects.all())
    kind = serializers.ChoiceField(choices=InformationExchange.Kind.choices, allow_blank=True)
    period_year = serializers.IntegerField(required=False, allow_null=True)
    period_month = serializers.IntegerField(allow_null=True)
    exchanged_on = serializers.DateField(allow_null=True)
    content = serializers.CharField(allow_blank=True)
    file = serializers.FileField(required=False, allow_null=True)


class InformationExchangeFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="period_year")
    quarter = QuarterFilter(year_field="period_year", month_field="period_month")
    exchanged_on = filters.DateFromToRangeFilter()
    branch = BranchIdFilter(field_names=("partnership__branch",))

    class Meta:
        model = InformationExchange
        fields = {"partnership": ["exact"], "kind": ["exact"], "period_month": ["exact"]}


class InformationExchangeViewSet(PairOrPartnershipWriteMixin, ScopedModelViewSet):
    """Information exchanges 信息互通 with partner organisations (assessment, thinking, attendance)."""

    queryset = InformationExchange.objects.all()
    serializer_class = InformationExchangeSerializer
    write_serializer_class = InformationExchangeWriteSerializer
    filterset_class = InformationExchangeFilter
    ordering_fields = ["id", "exchanged_on", "period_year", "period_month"]
    ordering = ["-period_year", "-period_month", "kind"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scope_queryset(self, qs):
        return selectors.exchanges_for(self.request.user)

    def current_values(self, instance):
        return {"partnership": instance.partnership, "kind": instance.kind, "period_year": instance.period_year,
                "period_month": instance.period_month, "exchanged_on": instance.exchanged_on,
                "content": instance.content}

    def create_record(self, data):
        partnership = data.pop("partnership")
        file = data.pop("file", None)
        return pairing_services.record_information_exchange(user=self.request.user, partnership=partnership,
                                                            data=data, file=file)

    def update_record(self, instance, data):
        data.pop("partnership", None)
        file = data.pop("file", None)
        return pairing_services.record_information_exchange(user=self.request.user, data=data, file=file,
                                                            exchange=instance)


# ============================================================================================ activities


class ActivityKindSerializer(serializers.ModelSerializer):
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = ActivityKind
        fields = ["id", "code", "name", "category", "categories", "counts_as_joint", "sort_order", "is_active"]
        read_only_fields = fields


class ActivityCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityCategory
        fields = ["id", "code", "name", "sort_order"]
        read_only_fields = fields


class ActivityCategoryViewSet(ScopedReadOnlyViewSet):
    """Categories of activity kinds (reference data): what a rubric item may count by."""

    queryset = ActivityCategory.objects.all()
    serializer_class = ActivityCategorySerializer
    ordering_fields = ["id", "code", "sort_order"]
    ordering = ["sort_order", "code"]


class ActivityKindViewSet(ScopedReadOnlyViewSet):
    """Kinds and forms of activity (reference data)."""

    queryset = ActivityKind.objects.prefetch_related("categories")
    serializer_class = ActivityKindSerializer
    filterset_fields = ["category", "counts_as_joint", "is_active"]
    ordering_fields = ["id", "code", "sort_order"]
    ordering = ["sort_order", "code"]

    def scope_queryset(self, qs):
        person = self.person
        return qs if (person.is_superuser or person.kinds) else qs.none()


class EvidenceSerializer(serializers.ModelSerializer):
    file = DownloadLinkField(view_name="pairing:evidence_file")
    thumbnail = DownloadLinkField(view_name="pairing:evidence_thumbnail")

    class Meta:
        model = Evidence
        fields = ["id", "activity", "kind", "file", "thumbnail", "original_name", "content_type", "size",
                  "uploaded_by", "uploaded_at"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    quarter = QuarterField(source="date", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "date", "quarter", "title", "kind", "owner_branch", "branches", "pair", "partnership",
                  "attendees", "guest_count", "location", "summary", "created_by", "created_at", "updated_at",
                  "evidence", "version"]
        read_only_fields = fields


class ActivityWriteSerializer(serializers.Serializer):
    owner_branch = ScopedPrimaryKeyRelatedField(
        scope=visible_branches, queryset=Branch.objects.all(), required=False,
        help_text=gettext_lazy("填报支部（新建时必填；修改时不变）"))
    date = serializers.DateField(allow_null=True)
    title = serializers.CharField(allow_blank=True, max_length=200)
    kind = serializers.PrimaryKeyRelatedField(queryset=ActivityKind.objects.all(), allow_null=True)
    branches = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), many=True, required=False)
    pair = ScopedPrimaryKeyRelatedField(scope=selectors.pairs_for, queryset=Pair.objects.all(), required=False,
                                        allow_null=True)
    partnership = ScopedPrimaryKeyRelatedField(scope=selectors.partnerships_for, queryset=Partnership.objects.all(),
                                               required=False, allow_null=True)
    attendees = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), many=True, required=False)
    guest_count = serializers.IntegerField(required=False, default=0)
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  help_text=gettext_lazy("佐证文件（multipart），与页面相同的类型和大小检查"))
    file_kinds = serializers.ListField(child=serializers.ChoiceField(choices=Evidence.Kind.choices), required=False,
                                       help_text=gettext_lazy("每个佐证文件的类别，与 files 顺序相同；缺省时照片为现场照片，其余为文件"))


class ActivityFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="date", lookup_expr="year")
    quarter = QuarterFilter(date_field="date")
    date = filters.DateFromToRangeFilter()
    branch = BranchIdFilter(field_names=("owner_branch", "branches"))
    category = filters.ChoiceFilter(field_name="kind__category", choices=ActivityKind.Category.choices)
    joint = filters.BooleanFilter(method="filter_joint", label=gettext_lazy("计入共建活动"))

    class Meta:
        model = Activity
        fields = {"kind": ["exact"], "owner_branch": ["exact"], "pair": ["exact"], "partnership": ["exact"]}

    def filter_joint(self, qs, name, value):
        if value is None:
            return qs
        joint = Q(kind__counts_as_joint=True) & (Q(pair__isnull=False) | Q(partnership__isnull=False))
        return qs.filter(joint) if value else qs.exclude(joint)


class ActivityViewSet(OfficerWriteMixin, ScopedModelViewSet):
    """Activities branches log, joint activities of pairs and partnerships among them. Evidence files
    can be sent with the activity (multipart `files`) or added later through /api/evidence/."""

    queryset = Activity.objects.all()
    serializer_class = ActivitySerializer
    write_serializer_class = ActivityWriteSerializer
    filterset_class = ActivityFilter
    ordering_fields = ["id", "date", "created_at"]
    ordering = ["-date", "-id"]

    def scope_queryset(self, qs):
        return selectors.activities_for(self.request.user).prefetch_related("branches", "attendees", "evidence")

    def may_write_object(self, person, obj):
        return pairing_services.can_edit_activity(self.request.user, obj)

    def current_values(self, instance):
        return {"date": instance.date, "title": instance.title, "kind": instance.kind,
                "branches": list(instance.branches.all()), "pair": instance.pair,
                "partnership": instance.partnership, "attendees": list(instance.attendees.all()),
                "guest_count": instance.guest_count, "location": instance.location, "summary": instance.summary}

    def create_record(self, data):
        branch = data.pop("owner_branch", None)
        files = data.pop("files", None)
        kinds = data.pop("file_kinds", None)
        if branch is None:
            raise DjangoValidationError({"owner_branch": [_("请选择填报支部。")]})
        return pairing_services.log_activity(user=self.request.user, branch=branch, data=data, files=files,
                                             file_kinds=kinds)

    def update_record(self, instance, data):
        data.pop("owner_branch", None)
        files = data.pop("files", None)
        kinds = data.pop("file_kinds", None)
        return pairing_services.update_activity(user=self.request.user, activity=instance, data=data, files=files,
                                                file_kinds=kinds)

    def delete_record(self, instance):
        pairing_services.delete_activity(user=self.request.user, activity=instance)


class EvidenceUploadSerializer(serializers.Serializer):
    activity = ScopedPrimaryKeyRelatedField(scope=selectors.activities_for,
                                            queryset=Activity.objects.all())
    files = serializers.ListField(child=serializers.FileField(), allow_empty=True,
                                  help_text=gettext_lazy("一个或多个文件（multipart），按内容检查类型"))
    file_kinds = serializers.ListField(child=serializers.ChoiceField(choices=Evidence.Kind.choices), required=False,
                                       help_text=gettext_lazy("每个文件的类别，与 files 顺序相同"))


class EvidenceFilter(filters.FilterSet):
    class Meta:
        model = Evidence
        fields = {"activity": ["exact"], "content_type": ["exact"]}


class EvidenceViewSet(OfficerWriteMixin, ScopedCreateReadDeleteViewSet):
    """Evidence files of activities (photos, sign-in sheets, PDF, Word, Excel), checked by content as on
    the pages. POST multipart `activity` + `files`; answers the created files."""

    queryset = Evidence.objects.all()
    serializer_class = EvidenceSerializer
    write_serializer_class = EvidenceUploadSerializer
    filterset_class = EvidenceFilter
    ordering_fields = ["id", "uploaded_at"]
    ordering = ["activity", "id"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def scope_queryset(self, qs):
        return qs.filter(activity__in=selectors.activities_for(self.request.user).values("pk"))

    def may_write_object(self, person, obj):
        return pairing_services.can_edit_activity(self.request.user, obj.activity)

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer},
                   responses={201: EvidenceSerializer(many=True)})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def create_response(self, request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = pairing_services.add_evidence(user=request.user, activity=serializer.validated_data["activity"],
                                                files=serializer.validated_data["files"],
                                                file_kinds=serializer.validated_data.get("file_kinds"))
        data = EvidenceSerializer(created, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def delete_record(self, instance):
        pairing_services.delete_evidence(user=self.request.user, evidence=instance)


ROUTES = [
    ("pairs", PairViewSet, "pair"),
    ("partnerships", PartnershipViewSet, "partnership"),
    ("plans", AnnualPlanViewSet, "plan"),
    ("key-projects", KeyProjectViewSet, "key-project"),
    ("project-tasks", ProjectTaskViewSet, "project-task"),
    ("joint-meetings", JointMeetingViewSet, "joint-meeting"),
    ("problems", ProblemViewSet, "problem"),
    ("information-exchanges", InformationExchangeViewSet, "information-exchange"),
    ("activity-kinds", ActivityKindViewSet, "activity-kind"),
    ("activity-categories", ActivityCategoryViewSet, "activity-category"),
    ("activities", ActivityViewSet, "activity"),
    ("evidence", EvidenceViewSet, "evidence"),
]
