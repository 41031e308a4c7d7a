from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from annual.models import (
    AnnualItem,
    AnnualManualScore,
    AnnualRubric,
    AnnualSnapshot,
    AnnualVeto,
    GradeRule,
    JointRule,
)


def _frozen(rubric) -> bool:
    return rubric is not None and rubric.is_frozen()


class _RubricPartInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)


class AnnualItemInline(_RubricPartInline):
    model = AnnualItem


class JointRuleInline(_RubricPartInline):
    model = JointRule


class GradeRuleInline(_RubricPartInline):
    model = GradeRule


@admin.register(AnnualRubric)
class AnnualRubricAdmin(SimpleHistoryAdmin):
    list_display = ("year", "version", "name", "status", "rollup")
    list_filter = ("year", "status")
    inlines = [AnnualItemInline, JointRuleInline, GradeRuleInline]

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(AnnualManualScore)
class AnnualManualScoreAdmin(SimpleHistoryAdmin):
    list_display = ("year", "branch", "item", "points", "reason", "updated_by")
    list_filter = ("year",)


@admin.register(AnnualVeto)
class AnnualVetoAdmin(SimpleHistoryAdmin):
    list_display = ("year", "branch", "reason")


@admin.register(AnnualSnapshot)
class AnnualSnapshotAdmin(admin.ModelAdmin):
    list_display = ("year", "version", "status", "rubric_label", "created_at", "published_at")
    readonly_fields = [f.name for f in AnnualSnapshot._meta.fields]

    def has_add_permission(self, request):
        return False
