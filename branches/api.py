"""REST API of the organisation (units, branches, members, outside organisations) and of the
department duty work (党建+业务: duties, 四同 evidence, key-work plans, tasks, monthly targets).

Reads are scoped like the pages (`branches.access`); writes go through `branches.services`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from branches import services as branch_services
from branches.access import Person
from branches.models import (
    Branch,
    Duty,
    DutyEvidence,
    ExternalOrganization,
    KeyWorkPlan,
    KeyWorkTask,
    Member,
    MonthlyTarget,
    Unit,
    YearSettings,
)
from config.api.fields import ScopedPrimaryKeyRelatedField
from config.api.filters import QuarterFilter
from config.api.viewsets import (
    VERSION_RESPONSES,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    branch_scope,
    scope_by_units,
    version_field,
)


def has_any_role(person: Person) -> bool:
    return bool(person.is_superuser or person.kinds)


# ============================================================================================ organisation


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent", "sort_order", "version"]


class UnitFilter(filters.FilterSet):
    class Meta:
        model = Unit
        fields = {"kind": ["exact"], "parent": ["exact"], "code": ["exact"]}


class UnitWriteSerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True, max_length=32)
    name = serializers.CharField(allow_blank=True, max_length=100)
    kind = serializers.ChoiceField(choices=Unit.Kind.choices)
    parent = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), allow_null=True)
    sort_order = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**31 - 1)


class UnitViewSet(ScopedModelViewSet):
    """Units 单位 of the organisation tree (written by the organisation department)."""

    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    write_serializer_class = UnitWriteSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def current_values(self, instance):
        return {"code": instance.code, "name": instance.name, "kind": instance.kind, "parent": instance.parent,
                "sort_order": instance.sort_order}

    def create_record(self, data):
        return branch_services.save_unit(**data)

    def update_record(self, instance, data):
        return branch_services.save_unit(unit=instance, **data)
    filterset_class = UnitFilter
    ordering_fields = ["id", "code", "name", "sort_order"]
    ordering = ["sort_order", "code"]

    def scope_queryset(self, qs):
        ids = branch_scope(self.request.user)
        if ids is None:
            return qs
        person = self.person
        return qs.filter(Q(branches__in=ids) | Q(pk__in=list(person.unit_ids))).distinct()


class BranchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "code", "name", "unit", "kind", "secretary", "is_active", "version"]


class BranchFilter(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", label=gettext_lazy("名称或编码"))

    class Meta:
        model = Branch
        fields = {"kind": ["exact"], "unit": ["exact"], "is_active": ["exact"], "code": ["exact"]}

    def filter_search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value)) if value else qs


class BranchWriteSerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True, max_length=32)
    name = serializers.CharField(allow_blank=True, max_length=100)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    secretary = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), allow_null=True, required=False)
    is_active = serializers.BooleanField(required=False, default=True)


class BranchViewSet(ScopedModelViewSet):
    """Party branches 党支部; a secretary sees their own branch, the organisation department all."""

    queryset = Branch.objects.select_related("unit")
    serializer_class = BranchSerializer
    write_serializer_class = BranchWriteSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def current_values(self, instance):
        return {"code": instance.code, "name": instance.name, "unit": instance.unit,
                "secretary": instance.secretary, "is_active": instance.is_active}

    def create_record(self, data):
        return branch_services.save_branch(**data)

    def update_record(self, instance, data):
        return branch_services.save_branch(branch=instance, **data)
    filterset_class = BranchFilter
    ordering_fields = ["id", "code", "name", "kind"]
    ordering = ["code"]

    def scope_queryset(self, qs):
        ids = branch_scope(self.request.user)
        return qs if ids is None else qs.filter(pk__in=ids)


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = [
            "id", "branch", "party_group", "employee_no", "name", "gender", "joined_party_on", "status",
            "place", "place_detail", "outside_org", "is_active", "version",
        ]


class MemberFilter(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", label=gettext_lazy("姓名或员工编号"))

    class Meta:
        model = Member
        fields = {
            "branch": ["exact"], "status": ["exact"], "place": ["exact"], "outside_org": ["exact"],
            "is_active": ["exact"],
        }

    def filter_search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(employee_no__icontains=value)) if value else qs


class MemberWriteSerializer(serializers.Serializer):
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all())
    employee_no = serializers.CharField(allow_blank=True, max_length=32)
    name = serializers.CharField(allow_blank=True, max_length=50)
    status = serializers.ChoiceField(choices=Member.Status.choices, required=False, default=Member.Status.ON_POST)
    place = serializers.ChoiceField(choices=Member.Place.choices, required=False, default=Member.Place.DONGYING)
    outside_org = serializers.PrimaryKeyRelatedField(queryset=ExternalOrganization.objects.all(), allow_null=True,
                                                     required=False, default=None)
    gender = serializers.ChoiceField(choices=Member.Gender.choices, required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30, default="")
    joined_party_on = serializers.DateField(required=False, allow_null=True, default=None)
    place_detail = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    is_active = serializers.BooleanField(required=False, default=True)


class MemberViewSet(ScopedModelViewSet):
    """Party members 党员 of the branches a person may see (written by the organisation department)."""

    queryset = Member.objects.all()
    serializer_class = MemberSerializer
    write_serializer_class = MemberWriteSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def current_values(self, instance):
        fields = ["branch", "employee_no", "name", "status", "place", "outside_org", "gender", "phone",
                  "joined_party_on", "place_detail", "is_active"]
        return {f: getattr(instance, f) for f in fields}

    def create_record(self, data):
        return branch_services.save_member(**data)

    def update_record(self, instance, data):
        return branch_services.save_member(member=instance, party_group=instance.party_group, **data)
    filterset_class = MemberFilter
    ordering_fields = ["id", "employee_no", "name", "branch"]
    ordering = ["branch", "employee_no"]

    def scope_queryset(self, qs):
        ids = branch_scope(self.request.user)
        return qs if ids is None else qs.filter(branch__in=ids)


class ExternalOrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalOrganization
        fields = ["id", "name", "outside_unit", "location", "contact_person", "contact_phone", "version"]


class ExternalOrganizationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=100)
    outside_unit = serializers.CharField(allow_blank=True, max_length=100)
    location = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    contact_person = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=30, default="")


class ExternalOrganizationViewSet(ScopedModelViewSet):
    """Party organisations of outside units where members work away 外部党组织 (reference data)."""

    queryset = ExternalOrganization.objects.all()
    serializer_class = ExternalOrganizationSerializer
    write_serializer_class = ExternalOrganizationWriteSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def current_values(self, instance):
        return {f: getattr(instance, f) for f in ["name", "outside_unit", "location", "contact_person",
                                                  "contact_phone"]}

    def create_record(self, data):
        return branch_services.save_external_org(**data)

    def update_record(self, instance, data):
        return branch_services.save_external_org(org=instance, **data)
    filterset_fields = {"name": ["exact", "icontains"], "location": ["exact"]}
    ordering_fields = ["id", "name"]
    ordering = ["name"]

    def scope_queryset(self, qs):
        return qs if has_any_role(self.person) else qs.none()


# ============================================================================================ duty work


class DutySerializer(serializers.ModelSerializer):
    class Meta:
        model = Duty
        fields = ["id", "code", "name", "description", "sort_order", "is_active"]


class DutyViewSet(ScopedReadOnlyViewSet):
    """The party-building duties every department carries (reference data)."""

    queryset = Duty.objects.all()
    serializer_class = DutySerializer
    filterset_fields = ["is_active"]
    ordering_fields = ["id", "code", "sort_order"]
    ordering = ["sort_order", "code"]

    def scope_queryset(self, qs):
        return qs if has_any_role(self.person) else qs.none()


class DepartmentWorkMixin:
    """Duty work of a department: read by those who see everything and by its own department heads;
    written by the department heads of the unit and the organisation department."""

    unit_path = "unit"

    def scope_queryset(self, qs: QuerySet) -> QuerySet:
        return scope_by_units(qs, self.request.user, self.unit_path)

    def may_write(self, person: Person) -> bool:
        return person.is_org_admin or person.is_department

    def unit_id_of(self, obj) -> int | None:
        raise NotImplementedError

    def may_write_object(self, person: Person, obj) -> bool:
        return person.can_edit_unit(self.unit_id_of(obj))

    def ensure_unit(self, unit) -> None:
        if not self.person.can_edit_unit(getattr(unit, "pk", None)):
            raise PermissionDenied(_("只能填报本部门的“党建+业务”工作。"))


def department_units_scope(user):
    return scope_by_units(Unit.objects.all(), user, "pk")


def work_plans_scope(user):
    return scope_by_units(KeyWorkPlan.objects.all(), user, "unit")


def work_tasks_scope(user):
    return scope_by_units(KeyWorkTask.objects.all(), user, "plan__unit")


class DutyEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyEvidence
        fields = [
            "id", "unit", "year", "duty", "stage", "date", "description", "standard",
            "supervision_responsibility", "assessment_method", "file", "created_by", "created_at", "version",
        ]
        read_only_fields = ["created_by", "created_at"]


class DutyEvidenceWriteSerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(scope=department_units_scope, queryset=Unit.objects.all())
    year = serializers.IntegerField()
    duty = serializers.PrimaryKeyRelatedField(queryset=Duty.objects.all())
    stage = serializers.ChoiceField(choices=DutyEvidence.Stage.choices)
    date = serializers.DateField()
    description = serializers.CharField(allow_blank=True)
    standard = serializers.CharField(required=False, allow_blank=True, default="")
    supervision_responsibility = serializers.CharField(required=False, allow_blank=True, default="")
    assessment_method = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)


class DutyEvidenceFilter(filters.FilterSet):
    quarter = QuarterFilter(date_field="date")
    date = filters.DateFromToRangeFilter()

    class Meta:
        model = DutyEvidence
        fields = {"unit": ["exact"], "year": ["exact"], "duty": ["exact"], "stage": ["exact"]}


class DutyEvidenceViewSet(DepartmentWorkMixin, ScopedModelViewSet):
    """四同 evidence of a department's duties."""

    queryset = DutyEvidence.objects.select_related("duty")
    serializer_class = DutyEvidenceSerializer
    write_serializer_class = DutyEvidenceWriteSerializer

    def current_values(self, instance):
        fields = ["unit", "year", "duty", "stage", "date", "description", "standard",
                  "supervision_responsibility", "assessment_method"]
        return {f: getattr(instance, f) for f in fields}

    def create_record(self, data):
        self.ensure_unit(data["unit"])
        return branch_services.save_duty_evidence(user=self.request.user, **data)

    def update_record(self, instance, data):
        self.ensure_unit(data["unit"])
        return branch_services.save_duty_evidence(evidence=instance, user=self.request.user, **data)

    def delete_record(self, instance):
        branch_services.delete_duty_evidence(evidence=instance)
    filterset_class = DutyEvidenceFilter
    ordering_fields = ["id", "date", "year", "stage"]
    ordering = ["-date", "-id"]

    def unit_id_of(self, obj):
        return obj.unit_id

    def record_date(self, obj):
        return obj.date


class KeyWorkPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyWorkPlan
        fields = ["id", "unit", "year", "title", "filed_on", "review_state", "return_reason", "reviewed_at",
                  "document", "version"]
        read_only_fields = ["version", "filed_on", "review_state", "return_reason", "reviewed_at"]


class KeyWorkPlanWriteSerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(scope=department_units_scope, queryset=Unit.objects.all())
    year = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True, max_length=200)
    document = serializers.FileField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text=gettext_lazy("读取时的版本号；他人已修改时拒绝保存"))


class KeyWorkPlanViewSet(DepartmentWorkMixin, ScopedModelViewSet):
    """A department's annual key-work plan 年度重点工作方案."""

    queryset = KeyWorkPlan.objects.all()
    serializer_class = KeyWorkPlanSerializer
    write_serializer_class = KeyWorkPlanWriteSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def current_values(self, instance):
        return {"unit": instance.unit, "year": instance.year, "title": instance.title,
                "version": instance.version}

    def create_record(self, data):
        self.ensure_unit(data["unit"])
        version = data.pop("version", None)
        return branch_services.save_key_work_plan(expected_version=version, **data)

    def update_record(self, instance, data):
        data.pop("unit", None)
        data.pop("year", None)
        version = data.pop("version", None)
        return branch_services.save_key_work_plan(plan=instance, unit=instance.unit, year=instance.year,
                                                  expected_version=version, **data)
    filterset_fields = {"unit": ["exact"], "year": ["exact"]}
    ordering_fields = ["id", "year", "filed_on"]
    ordering = ["-year", "unit"]

    def unit_id_of(self, obj):
        return obj.unit_id


class KeyWorkTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyWorkTask
        fields = ["id", "plan", "number", "title", "duty", "owner", "version"]


class KeyWorkTaskFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="plan__year")
    unit = filters.NumberFilter(field_name="plan__unit")

    class Meta:
        model = KeyWorkTask
        fields = {"plan": ["exact"], "duty": ["exact"]}


class KeyWorkTaskWriteSerializer(serializers.Serializer):
    plan = ScopedPrimaryKeyRelatedField(scope=work_plans_scope, queryset=KeyWorkPlan.objects.all())
    number = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    title = serializers.CharField(allow_blank=True, max_length=300)
    duty = serializers.PrimaryKeyRelatedField(queryset=Duty.objects.all(), allow_null=True, required=False,
                                              default=None)
    owner = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")


class KeyWorkTaskViewSet(DepartmentWorkMixin, ScopedModelViewSet):
    """Tasks of a key-work plan."""

    queryset = KeyWorkTask.objects.select_related("plan")
    serializer_class = KeyWorkTaskSerializer
    write_serializer_class = KeyWorkTaskWriteSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def current_values(self, instance):
        return {"plan": instance.plan, "number": instance.number, "title": instance.title, "duty": instance.duty,
                "owner": instance.owner}

    def create_record(self, data):
        self.ensure_unit(data["plan"].unit)
        return branch_services.save_key_work_task(**data)

    def update_record(self, instance, data):
        data["plan"] = instance.plan
        return branch_services.save_key_work_task(task=instance, **data)
    filterset_class = KeyWorkTaskFilter
    ordering_fields = ["id", "number"]
    ordering = ["plan", "number"]
    unit_path = "plan__unit"

    def unit_id_of(self, obj):
        return obj.plan.unit_id


class MonthlyTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonthlyTarget
        fields = ["id", "task", "month", "target", "status", "note", "completed_on", "updated_at", "updated_by",
                  "version"]
        read_only_fields = ["completed_on", "updated_at", "updated_by"]


class MonthlyTargetFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="task__plan__year")
    unit = filters.NumberFilter(field_name="task__plan__unit")
    plan = filters.NumberFilter(field_name="task__plan")
    quarter = QuarterFilter(year_field="task__plan__year", month_field="month")

    class Meta:
        model = MonthlyTarget
        fields = {"task": ["exact"], "month": ["exact"], "status": ["exact"]}


class MonthlyTargetWriteSerializer(serializers.Serializer):
    task = ScopedPrimaryKeyRelatedField(scope=work_tasks_scope, queryset=KeyWorkTask.objects.all())
    month = serializers.IntegerField(min_value=-(2**31), max_value=2**31 - 1)
    target = serializers.CharField(allow_blank=True, max_length=300)


class TargetStatusSerializer(serializers.Serializer):
    version = version_field()
    status = serializers.CharField(allow_blank=True, help_text="pending / done / behind / overdue")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MonthlyTargetViewSet(DepartmentWorkMixin, ScopedModelViewSet):
    """Monthly targets of the key-work tasks, with their status (督办). `POST .../{id}/status/` marks a
    month done, behind or overdue (a note is required for behind and overdue)."""

    queryset = MonthlyTarget.objects.select_related("task__plan")
    serializer_class = MonthlyTargetSerializer
    write_serializer_class = MonthlyTargetWriteSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def current_values(self, instance):
        return {"task": instance.task, "month": instance.month, "target": instance.target}

    def create_record(self, data):
        self.ensure_unit(data["task"].plan.unit)
        return branch_services.save_monthly_target(task=data["task"], month=data["month"], text=data["target"],
                                                   user=self.request.user)

    def update_record(self, instance, data):
        return branch_services.save_monthly_target(target=instance, task=instance.task, month=data["month"],
                                                   text=data["target"], user=self.request.user)

    @extend_schema(request=TargetStatusSerializer, responses={200: MonthlyTargetSerializer, **VERSION_RESPONSES})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        target = self.get_versioned_object()
        serializer = TargetStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        target = branch_services.update_target_status(target=target, user=request.user, **data)
        return Response(self.read_data(target))
    filterset_class = MonthlyTargetFilter
    ordering_fields = ["id", "month", "status"]
    ordering = ["task", "month"]
    unit_path = "task__plan__unit"

    def unit_id_of(self, obj):
        return obj.task.plan.unit_id


class YearSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = YearSettings
        fields = ["id", "year", "plan_deadline"]
        read_only_fields = fields


class YearSettingsViewSet(ScopedReadOnlyViewSet):
    """Per-year settings: the filing deadline of the annual plans (a year without one uses 31 January)."""

    queryset = YearSettings.objects.all()
    serializer_class = YearSettingsSerializer
    filterset_fields = ["year"]
    ordering_fields = ["id", "year"]
    ordering = ["-year"]


ROUTES = [
    ("units", UnitViewSet, "unit"),
    ("branches", BranchViewSet, "branch"),
    ("members", MemberViewSet, "member"),
    ("external-organizations", ExternalOrganizationViewSet, "external-organization"),
    ("duties", DutyViewSet, "duty"),
    ("duty-evidence", DutyEvidenceViewSet, "duty-evidence"),
    ("key-work-plans", KeyWorkPlanViewSet, "key-work-plan"),
    ("key-work-tasks", KeyWorkTaskViewSet, "key-work-task"),
    ("monthly-targets", MonthlyTargetViewSet, "monthly-target"),
    ("year-settings", YearSettingsViewSet, "year-settings"),
]
