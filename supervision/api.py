"""REST API of routine supervision 常态化督导: rounds, groups, visits, findings, and rectifications
with their state transitions. Reads use `supervision.selectors` (an inspector sees their own groups'
branches, a secretary their own branch's rectifications); writes go through `supervision.services`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.access import Person
from branches.models import Branch
from config.api.fields import DownloadLinkField, ScopedPrimaryKeyRelatedField
from config.api.filters import QuarterFilter
from config.api.viewsets import (
    VERSION_RESPONSES,
    ScopedCreateReadViewSet,
    ScopedReadOnlyViewSet,
    version_field,
)
from supervision import selectors as supervision_selectors
from supervision import services as supervision_services
from supervision.models import (
    Finding,
    FindingEvidence,
    Rectification,
    RectificationEvidence,
    RectificationTransition,
    SupervisionGroup,
    SupervisionRound,
    Visit,
)

User = get_user_model()


def _groups_scope(user):
    if supervision_selectors.person_for(user).is_org_admin:
        return SupervisionGroup.objects.all()
    return supervision_selectors.groups_of(user)


# ============================================================================================ rounds


class SupervisionRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupervisionRound
        fields = ["id", "year", "name", "scope", "status", "sample_seed", "created_by", "created_at", "version"]
        read_only_fields = fields


class SupervisionRoundWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True, max_length=200)
    scope = serializers.CharField(required=False, allow_blank=True, default="")


class RoundStatusSerializer(serializers.Serializer):
    version = version_field()
    status = serializers.ChoiceField(choices=SupervisionRound.Status.choices)


class SupervisionRoundViewSet(ScopedCreateReadViewSet):
    """督导轮次: supervision campaigns of a year."""

    queryset = SupervisionRound.objects.all()
    serializer_class = SupervisionRoundSerializer
    write_serializer_class = SupervisionRoundWriteSerializer
    filterset_fields = {"year": ["exact"], "status": ["exact"]}
    ordering_fields = ["id", "year"]
    ordering = ["-year", "-id"]

    def scope_queryset(self, qs):
        return supervision_selectors.rounds_for(self.request.user)

    def create_record(self, data):
        return supervision_services.create_round(by=self.request.user, **data)

    @extend_schema(request=RoundStatusSerializer, responses={200: SupervisionRoundSerializer, **VERSION_RESPONSES})
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Start or close a round (planned → in progress → closed)."""
        supervision_round = self.get_versioned_object()
        serializer = RoundStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        supervision_round = supervision_services.set_round_status(
            supervision_round=supervision_round, by=request.user, **data)
        return Response(self.read_data(supervision_round))


class SupervisionGroupSerializer(serializers.ModelSerializer):
    branches = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SupervisionGroup
        fields = ["id", "round", "name", "leader", "members", "branches", "version"]
        read_only_fields = fields


class SupervisionGroupViewSet(ScopedReadOnlyViewSet):
    """督导组 and the branches each covers."""

    queryset = SupervisionGroup.objects.prefetch_related("members", "branches")
    serializer_class = SupervisionGroupSerializer
    filterset_fields = {"round": ["exact"], "round__year": ["exact"]}
    ordering_fields = ["id", "name"]
    ordering = ["round", "id"]

    def scope_queryset(self, qs):
        return qs.filter(pk__in=_groups_scope(self.request.user).values("pk"))


# ============================================================================================ visits


class FindingEvidenceSerializer(serializers.ModelSerializer):
    file = DownloadLinkField(view_name="supervision:finding_file")

    class Meta:
        model = FindingEvidence
        fields = ["id", "file", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):
    evidence = FindingEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "visit", "kind", "title", "text", "mode", "created_at", "evidence", "version"]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "group", "branch", "date", "form", "notes", "created_by", "created_at", "version"]
        read_only_fields = fields


class VisitWriteSerializer(serializers.Serializer):
    group = ScopedPrimaryKeyRelatedField(scope=_groups_scope, queryset=SupervisionGroup.objects.all())
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all())
    date = serializers.DateField(allow_null=True)
    form = serializers.ChoiceField(choices=Visit.Form.choices, required=False, default=Visit.Form.ON_SITE)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class VisitFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="date", lookup_expr="year")
    quarter = QuarterFilter(date_field="date")
    date = filters.DateFromToRangeFilter()
    round = filters.NumberFilter(field_name="group__round")

    class Meta:
        model = Visit
        fields = {"group": ["exact"], "branch": ["exact"], "form": ["exact"]}


class InspectorWriteMixin:
    def may_write(self, person: Person) -> bool:
        return person.is_org_admin or person.is_inspector


class VisitViewSet(InspectorWriteMixin, ScopedCreateReadViewSet):
    """督导记录: an inspector's visit to a branch their group covers."""

    queryset = Visit.objects.all()
    serializer_class = VisitSerializer
    write_serializer_class = VisitWriteSerializer
    filterset_class = VisitFilter
    ordering_fields = ["id", "date"]
    ordering = ["-date", "-id"]

    def scope_queryset(self, qs):
        return supervision_selectors.visits_for(self.request.user)

    def create_record(self, data):
        return supervision_services.record_visit(by=self.request.user, **data)


class FindingWriteSerializer(serializers.Serializer):
    visit = ScopedPrimaryKeyRelatedField(scope=lambda user: supervision_selectors.visits_for(user),
                                         queryset=Visit.objects.all())
    kind = serializers.CharField(allow_blank=True, help_text="shortcoming / strength / typical_experience")
    title = serializers.CharField(allow_blank=True, max_length=200)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    mode = serializers.CharField(required=False, default=Finding.Mode.BASE)
    deadline = serializers.DateField(required=False, allow_null=True, help_text=gettext_lazy("短板的整改期限"))
    files = serializers.ListField(child=serializers.FileField(), required=False)


class FindingFilter(filters.FilterSet):
    branch = filters.NumberFilter(field_name="visit__branch")
    year = filters.NumberFilter(field_name="visit__date", lookup_expr="year")
    quarter = QuarterFilter(date_field="visit__date")

    class Meta:
        model = Finding
        fields = {"visit": ["exact"], "kind": ["exact"], "mode": ["exact"]}


class FindingViewSet(InspectorWriteMixin, ScopedCreateReadViewSet):
    """督导发现: shortcomings (each opens a rectification), strengths and typical experiences."""

    queryset = Finding.objects.all()
    serializer_class = FindingSerializer
    write_serializer_class = FindingWriteSerializer
    filterset_class = FindingFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["visit", "id"]

    def scope_queryset(self, qs):
        return supervision_selectors.findings_for(self.request.user).prefetch_related("evidence")

    def create_record(self, data):
        return supervision_services.add_finding(by=self.request.user, files=data.pop("files", None) or (), **data)


# ============================================================================================ rectifications


class RectificationTransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationTransition
        fields = ["id", "from_state", "to_state", "by", "at", "note"]
        read_only_fields = fields


class RectificationEvidenceSerializer(serializers.ModelSerializer):
    file = DownloadLinkField(view_name="supervision:rectification_file")

    class Meta:
        model = RectificationEvidence
        fields = ["id", "file", "original_name", "content_type", "size", "transition", "uploaded_at"]
        read_only_fields = fields


class RectificationSerializer(serializers.ModelSerializer):
    transitions = RectificationTransitionSerializer(many=True, read_only=True)
    evidence = RectificationEvidenceSerializer(many=True, read_only=True)
    allowed_transitions = serializers.SerializerMethodField(help_text=gettext_lazy("当前用户现在可以变更到的状态"))

    class Meta:
        model = Rectification
        fields = ["id", "finding", "branch", "title", "deadline", "state", "response", "owner", "created_at",
                  "submitted_at", "closed_at", "allowed_transitions", "transitions", "evidence", "version"]
        read_only_fields = fields

    def get_allowed_transitions(self, obj) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return [str(s) for s in supervision_services.allowed_targets_for(request.user, obj)]


class TransitionRequestSerializer(serializers.Serializer):
    version = version_field()
    to_state = serializers.ChoiceField(choices=Rectification.State.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    response = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None,
                                     help_text=gettext_lazy("提交时填写整改情况"))
    files = serializers.ListField(child=serializers.FileField(), required=False)


class DeadlineSerializer(serializers.Serializer):
    version = version_field()
    deadline = serializers.DateField(allow_null=True)


class RectificationFilter(filters.FilterSet):
    deadline = filters.DateFromToRangeFilter()
    quarter = QuarterFilter(date_field="deadline")
    year = filters.NumberFilter(field_name="deadline", lookup_expr="year")
    overdue = filters.BooleanFilter(method="filter_overdue", label=gettext_lazy("逾期未整改"))

    class Meta:
        model = Rectification
        fields = {"branch": ["exact"], "state": ["exact"], "finding": ["exact"]}

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = supervision_selectors.overdue_rectifications().values("pk")
        return qs.filter(pk__in=overdue) if value else qs.exclude(pk__in=overdue)


class RectificationViewSet(ScopedReadOnlyViewSet):
    """整改事项 with their transitions: the branch starts and submits, the group's inspectors (or the
    organisation department) close or reopen. `allowed_transitions` tells what the caller may do now."""

    queryset = Rectification.objects.all()
    serializer_class = RectificationSerializer
    filterset_class = RectificationFilter
    ordering_fields = ["id", "deadline", "state", "created_at"]
    ordering = ["deadline", "id"]

    def scope_queryset(self, qs):
        return supervision_selectors.rectifications_for(self.request.user).prefetch_related(
            "transitions", "evidence")

    def may_write(self, person: Person) -> bool:
        return person.is_org_admin or person.is_inspector or person.is_branch_officer

    @extend_schema(request=TransitionRequestSerializer, responses={200: RectificationSerializer, **VERSION_RESPONSES})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the rectification to `to_state` (rectifying, submitted, closed, reopened)."""
        rectification = self.get_versioned_object()
        serializer = TransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        rectification = supervision_services.transition_rectification(
            rectification=rectification, by=request.user, files=data.pop("files", None) or (),
            expected_version=rectification.version, **data)
        return Response(self.read_data(rectification))

    @extend_schema(request=DeadlineSerializer, responses={200: RectificationSerializer, **VERSION_RESPONSES})
    @action(detail=True, methods=["post"])
    def deadline(self, request, pk=None):
        rectification = self.get_versioned_object()
        serializer = DeadlineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        rectification = supervision_services.set_rectification_deadline(
            rectification=rectification, by=request.user, **data)
        return Response(self.read_data(rectification))


ROUTES = [
    ("supervision-rounds", SupervisionRoundViewSet, "supervision-round"),
    ("supervision-groups", SupervisionGroupViewSet, "supervision-group"),
    ("visits", VisitViewSet, "visit"),
    ("findings", FindingViewSet, "finding"),
    ("rectifications", RectificationViewSet, "rectification"),
]
