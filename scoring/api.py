"""REST API of the quarterly 党建提质杯: rubrics (read), manual scores, ranking snapshots (versions)
with each branch's item scores and their explanations, and compiling a quarter with its progress.

Who sees what: the organisation department and the leaders see every snapshot, drafts included; other
roles see published rankings of the branches they may see. Writes (manual scores, compile, publish,
discard a draft) are the organisation department's, through `scoring.services`.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.access import Person
from branches.models import Branch
from branches.params import parse_id
from config.api.fields import QuarterField
from config.api.filters import QuarterFilter
from config.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, branch_scope
from scoring import services as scoring_services
from scoring.engine import registry
from scoring.jobs import fail_stalled_jobs
from scoring.models import (
    CompileJob,
    ManualScore,
    RankingGroup,
    RankingSnapshot,
    Rubric,
    RubricItem,
    RubricSection,
    SnapshotEntry,
    SnapshotItemScore,
    Veto,
)
from scoring.selectors import attach_evidence


def _has_role(person: Person) -> bool:
    return bool(person.is_superuser or person.kinds)


# ============================================================================================ rubrics


class RubricItemSerializer(serializers.ModelSerializer):
    says = serializers.SerializerMethodField(help_text=gettext_lazy("本项统计什么、如何计分（系统生成）"))
    takes = serializers.SerializerMethodField(help_text=gettext_lazy("本项的计分方式与数据来源使用的参数"))

    class Meta:
        model = RubricItem
        fields = ["id", "section", "code", "name", "mode", "branch_kinds", "max_points", "method", "source",
                  "target", "deduction", "params", "no_obligation", "is_bonus", "rule", "sort_order", "version", "says",
                  "takes"]
        read_only_fields = fields

    def get_says(self, obj) -> str:
        names = self.context.setdefault("_code_names", registry.code_names())
        return registry.says(obj, names)

    @extend_schema_field(serializers.DictField())
    def get_takes(self, obj) -> dict:
        """Every parameter the item takes with its value (defaults filled in), as a recomputation reads it."""
        out = {}
        for name in registry.item_params(obj):
            value = registry.param(obj, name)
            out[name] = str(value) if isinstance(value, Decimal) else value
        return out


class RubricSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RubricSection
        fields = ["id", "name", "sort_order"]
        read_only_fields = fields


class RubricSerializer(serializers.ModelSerializer):
    sections = RubricSectionSerializer(many=True, read_only=True)
    items = RubricItemSerializer(many=True, read_only=True)

    class Meta:
        model = Rubric
        fields = ["id", "year", "version", "valid_from", "name", "status", "notes", "created_at", "sections",
                  "items"]
        read_only_fields = fields


class RubricViewSet(ScopedReadOnlyViewSet):
    """评分细则: versions of the scoring rules with their sections and items."""

    queryset = Rubric.objects.prefetch_related("sections", "items")
    serializer_class = RubricSerializer
    filterset_fields = {"year": ["exact"], "status": ["exact"], "version": ["exact"]}
    ordering_fields = ["id", "year", "version"]
    ordering = ["-year", "-version"]

    def scope_queryset(self, qs):
        return qs if _has_role(self.person) else qs.none()


class RankingGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = RankingGroup
        fields = ["id", "name", "branch_kinds", "branches", "sort_order", "is_active"]
        read_only_fields = fields


class RankingGroupViewSet(ScopedReadOnlyViewSet):
    """排名分组: the groups branches are ranked within (by kind, explicit branches first)."""

    queryset = RankingGroup.objects.prefetch_related("branches")
    serializer_class = RankingGroupSerializer
    filterset_fields = ["is_active"]
    ordering_fields = ["id", "sort_order"]
    ordering = ["sort_order", "id"]

    def scope_queryset(self, qs):
        return qs if _has_role(self.person) else qs.none()


class VetoSerializer(serializers.ModelSerializer):
    quarter = QuarterField(source="*", read_only=True)

    class Meta:
        model = Veto
        fields = ["id", "quarter", "year", "number", "branch", "reason", "updated_at"]
        read_only_fields = fields


class VetoFilter(filters.FilterSet):
    quarter = QuarterFilter(year_field="year", number_field="number")

    class Meta:
        model = Veto
        fields = {"year": ["exact"], "number": ["exact"], "branch": ["exact"]}


class VetoViewSet(ScopedReadOnlyViewSet):
    """一票否决 of a quarter: the branch goes last in its group whatever its points."""

    queryset = Veto.objects.all()
    serializer_class = VetoSerializer
    filterset_class = VetoFilter
    ordering_fields = ["id", "year", "number"]
    ordering = ["-year", "-number", "branch__code"]

    def scope_queryset(self, qs):
        ids = branch_scope(self.request.user)
        return qs if ids is None else qs.filter(branch__in=ids)


# ============================================================================================ manual scores


class ManualScoreSerializer(serializers.ModelSerializer):
    quarter = QuarterField(source="*", read_only=True)

    class Meta:
        model = ManualScore
        fields = ["id", "quarter", "year", "number", "branch", "item", "points", "reason", "version",
                  "updated_by", "updated_at"]
        read_only_fields = fields


class ManualScoreWriteSerializer(serializers.Serializer):
    quarter = QuarterField()
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all())
    item = serializers.PrimaryKeyRelatedField(queryset=RubricItem.objects.all())
    points = serializers.CharField(help_text=gettext_lazy("0 到该项分值之间，最多两位小数"))
    reason = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True,
                                       help_text=gettext_lazy("读取时的版本号；他人已修改时拒绝保存"))


class ManualScoreFilter(filters.FilterSet):
    quarter = QuarterFilter(year_field="year", number_field="number")

    class Meta:
        model = ManualScore
        fields = {"year": ["exact"], "number": ["exact"], "branch": ["exact"], "item": ["exact"]}


class ManualScoreViewSet(ScopedModelViewSet):
    """Manual items scored by the organisation department, with a written reason. POST scores (or
    re-scores) a branch's item for a quarter; a published quarter is read-only."""

    queryset = ManualScore.objects.select_related("item")
    serializer_class = ManualScoreSerializer
    write_serializer_class = ManualScoreWriteSerializer
    filterset_class = ManualScoreFilter
    ordering_fields = ["id", "year", "number", "points"]
    ordering = ["-year", "-number", "branch__code", "item__code"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scope_queryset(self, qs):
        ids = branch_scope(self.request.user)
        return qs if ids is None else qs.filter(branch__in=ids)

    # No quarter lock here: scoring.services.save_manual_score holds the one rule for page and API.

    def current_values(self, instance):
        return {"quarter": instance.quarter, "branch": instance.branch, "item": instance.item,
                "points": str(instance.points), "reason": instance.reason, "version": instance.version}

    def _save(self, data):
        quarter = data.pop("quarter")
        version = data.pop("version", None)
        return scoring_services.save_manual_score(quarter=quarter, user=self.request.user,
                                                  expected_version=version, **data)

    def create_record(self, data):
        return self._save(data)  # the service refuses a published quarter, as for the page

    def update_record(self, instance, data):
        data.update(quarter=instance.quarter, branch=instance.branch, item=instance.item)
        return self._save(data)


# ============================================================================================ rankings


class ItemScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = SnapshotItemScore
        fields = ["id", "item", "item_code", "item_name", "section_name", "mode", "method", "source", "max_points",
                  "is_bonus", "rule", "rule_target", "deduction", "branch_kinds", "count", "target", "points",
                  "explanation", "evidence", "position"]
        read_only_fields = fields


class RankingEntrySerializer(serializers.ModelSerializer):
    quarter = QuarterField(source="snapshot", read_only=True)
    item_scores = ItemScoreSerializer(many=True, read_only=True)
    snapshot_version = serializers.IntegerField(source="snapshot.version", read_only=True)
    snapshot_status = serializers.CharField(source="snapshot.version_status", read_only=True,
                                            help_text=gettext_lazy("草稿 / 已发布（当前有效） / 已被第 N 版取代"))

    class Meta:
        model = SnapshotEntry
        fields = ["id", "snapshot", "snapshot_version", "snapshot_status", "quarter", "group", "group_name", "branch", "branch_code", "branch_name",
                  "unit_name", "base_total", "bonus_total", "total", "rank", "position", "vetoed", "veto_reason", "item_scores"]
        read_only_fields = fields


class RankingSnapshotSerializer(serializers.ModelSerializer):
    quarter = QuarterField(source="*", read_only=True)
    is_current = serializers.BooleanField(read_only=True, help_text=gettext_lazy("该季度当前有效的已发布版本"))
    version_status = serializers.CharField(read_only=True)
    superseded_by = serializers.SerializerMethodField(help_text=gettext_lazy("取代本版本的更正版本"))

    class Meta:
        model = RankingSnapshot
        fields = ["id", "quarter", "year", "number", "version", "status", "is_current", "version_status",
                  "supersedes", "correction_reason", "superseded_by", "superseded_at", "rubric", "rubric_label",
                  "created_at", "created_by", "published_at", "published_by"]
        read_only_fields = fields

    def get_superseded_by(self, obj) -> int | None:
        return obj.superseded_by.pk if obj.is_superseded else None


class PublishRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text=gettext_lazy("更正已发布的版本时必填"))
    confirm_unscored = serializers.BooleanField(required=False, default=False,
                                                help_text=gettext_lazy("确认尚未评分的人工评分项按 0 分计"))


class CompileJobSerializer(serializers.ModelSerializer):
    quarter = QuarterField(source="*", read_only=True)
    finished = serializers.BooleanField(read_only=True)

    class Meta:
        model = CompileJob
        fields = ["id", "quarter", "year", "number", "state", "progress", "stage", "publish", "error", "snapshot",
                  "created_at", "finished_at", "heartbeat_at", "finished"]
        read_only_fields = fields


class CompileRequestSerializer(serializers.Serializer):
    quarter = QuarterField()
    publish = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy("计算完成后直接发布"))


def _sees_drafts(person: Person) -> bool:
    return person.sees_everything


class RankingSnapshotFilter(filters.FilterSet):
    quarter = QuarterFilter(year_field="year", number_field="number")

    class Meta:
        model = RankingSnapshot
        fields = {"year": ["exact"], "number": ["exact"], "status": ["exact"], "version": ["exact"]}


class RankingSnapshotViewSet(ScopedReadOnlyViewSet):
    """Compiled rankings of a quarter, one row per version (draft until published, then immutable).
    `POST /api/rankings/compile/` queues a compile; `POST /api/rankings/{id}/publish/` publishes a draft;
    `DELETE` discards a draft."""

    queryset = RankingSnapshot.objects.all()
    serializer_class = RankingSnapshotSerializer
    filterset_class = RankingSnapshotFilter
    ordering_fields = ["id", "year", "number", "version", "created_at"]
    ordering = ["-year", "-number", "-version"]

    def scope_queryset(self, qs):
        person = self.person
        if _sees_drafts(person):
            return qs
        if not _has_role(person):
            return qs.none()
        return qs.filter(status=RankingSnapshot.Status.PUBLISHED)

    @extend_schema(request=CompileRequestSerializer, responses={202: CompileJobSerializer})
    @action(detail=False, methods=["post"])
    def compile(self, request):
        """Queue the compile of a quarter; follow its progress at /api/compile-jobs/{id}/."""
        serializer = CompileRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = scoring_services.request_compile(user=request.user, **serializer.validated_data)
        job.refresh_from_db()
        data = CompileJobSerializer(job, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=PublishRequestSerializer, responses={200: RankingSnapshotSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft: a correction of a published quarter needs `reason`; manual items nobody scored
        are refused unless `confirm_unscored`."""
        serializer = PublishRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        snapshot = scoring_services.publish_snapshot(snapshot=self.get_object(), user=request.user,
                                                     **serializer.validated_data)
        return Response(self.read_data(snapshot))

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        snapshot = self.get_object()  # checks the object permissions
        scoring_services.discard_draft(snapshot=snapshot, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RankingEntryFilter(filters.FilterSet):
    quarter = QuarterFilter(year_field="snapshot__year", number_field="snapshot__number")
    year = filters.NumberFilter(field_name="snapshot__year")
    status = filters.ChoiceFilter(field_name="snapshot__status", choices=RankingSnapshot.Status.choices)
    kind = filters.ChoiceFilter(field_name="branch__kind", choices=Branch.Kind.choices,
                              label=gettext_lazy("支部类型"))

    class Meta:
        model = SnapshotEntry
        fields = {"snapshot": ["exact"], "branch": ["exact"], "group": ["exact"], "vetoed": ["exact"]}


class RankingEntryViewSet(ScopedReadOnlyViewSet):
    """A branch's quarterly score in a ranking version: totals, rank, and each item's points with the
    rule, the count behind it, the explanation and the records that earned or lost the points."""

    queryset = SnapshotEntry.objects.select_related("snapshot", "snapshot__superseded_by").prefetch_related(
        Prefetch("item_scores", queryset=SnapshotItemScore.objects.order_by("position", "id"))
    )
    serializer_class = RankingEntrySerializer
    filterset_class = RankingEntryFilter
    ordering_fields = ["id", "total", "rank", "position"]
    ordering = ["snapshot", "group_sort", "position"]

    def scope_queryset(self, qs):
        person = self.person
        if _sees_drafts(person):
            return qs
        if not _has_role(person):
            return qs.none()
        qs = qs.filter(snapshot__status=RankingSnapshot.Status.PUBLISHED)
        ids = branch_scope(self.request.user)
        return qs if ids is None else qs.filter(branch__in=ids)

    def get_serializer(self, *args, **kwargs):
        instance = args[0] if args else kwargs.get("instance")
        if instance is not None:
            attach_evidence(list(instance) if isinstance(instance, list | tuple) else [instance])
        return super().get_serializer(*args, **kwargs)


class CompileJobFilter(filters.FilterSet):
    quarter = QuarterFilter(year_field="year", number_field="number")

    class Meta:
        model = CompileJob
        fields = {"year": ["exact"], "number": ["exact"], "state": ["exact"]}


class CompileJobViewSet(ScopedReadOnlyViewSet):
    """Compile jobs and their progress (queued → running → done/failed, percent, current step)."""

    queryset = CompileJob.objects.all()
    serializer_class = CompileJobSerializer
    filterset_class = CompileJobFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-created_at", "-id"]

    def scope_queryset(self, qs):
        return qs if self.person.sees_everything else qs.none()

    def retrieve(self, request, *args, **kwargs):
        fail_stalled_jobs(pk=parse_id(kwargs["pk"]))
        return super().retrieve(request, *args, **kwargs)

    def may_write(self, person) -> bool:
        return person.is_org_admin

    @extend_schema(request=None, responses={202: CompileJobSerializer})
    @action(detail=True, methods=["post"])
    def restart(self, request, pk=None):
        """Start a failed job again; it still makes at most one ranking version."""
        job = scoring_services.restart_compile(job=self.get_object(), user=request.user)
        return Response(CompileJobSerializer(job, context=self.get_serializer_context()).data,
                        status=status.HTTP_202_ACCEPTED)


ROUTES = [
    ("rubrics", RubricViewSet, "rubric"),
    ("ranking-groups", RankingGroupViewSet, "ranking-group"),
    ("vetoes", VetoViewSet, "veto"),
    ("manual-scores", ManualScoreViewSet, "manual-score"),
    ("rankings", RankingSnapshotViewSet, "ranking"),
    ("ranking-entries", RankingEntryViewSet, "ranking-entry"),
    ("compile-jobs", CompileJobViewSet, "compile-job"),
]

