from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from scoring.models import (
    CompileJob,
    ManualScore,
    RankingGroup,
    RankingSnapshot,
    Rubric,
    RubricItem,
    RubricSection,
    SnapshotEntry,
    Veto,
)


class RubricSectionInline(admin.TabularInline):
    model = RubricSection
    extra = 0


@admin.register(Rubric)
class RubricAdmin(SimpleHistoryAdmin):
    list_display = ["year", "version", "name", "valid_from", "status"]
    list_filter = ["year", "status"]
    inlines = [RubricSectionInline]


@admin.register(RubricItem)
class RubricItemAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "rubric", "section", "mode", "method", "source", "max_points", "is_bonus"]
    list_filter = ["rubric", "mode", "method", "is_bonus"]
    search_fields = ["code", "name"]


@admin.register(RankingGroup)
class RankingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "branch_kinds", "sort_order", "is_active"]
    filter_horizontal = ["branches"]


@admin.register(ManualScore)
class ManualScoreAdmin(SimpleHistoryAdmin):
    list_display = ["year", "number", "branch", "item", "points", "updated_by", "updated_at"]
    list_filter = ["year", "number", "item__rubric"]
    search_fields = ["branch__name", "reason"]
    readonly_fields = ["version"]


@admin.register(Veto)
class VetoAdmin(SimpleHistoryAdmin):
    list_display = ["year", "number", "branch", "reason", "updated_by"]


class SnapshotEntryInline(admin.TabularInline):
    model = SnapshotEntry
    extra = 0
    can_delete = False
    fields = ["group_name", "rank", "branch_name", "base_total", "bonus_total", "total", "vetoed"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(admin.ModelAdmin):
    """Snapshots are read here; they are made by compiling and changed only by publishing."""

    list_display = ["year", "number", "version", "status", "rubric_label", "created_at", "published_at"]
    list_filter = ["year", "number", "status"]
    inlines = [SnapshotEntryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published


@admin.register(CompileJob)
class CompileJobAdmin(admin.ModelAdmin):
    list_display = ["year", "number", "state", "progress", "created_at", "finished_at", "requested_by"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in CompileJob._meta.fields]

    def has_add_permission(self, request):
        return False
