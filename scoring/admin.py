from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.admin_locks import LockedRecordAdmin
from scoring import groups
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
from scoring.services import rubric_is_frozen


class RubricSectionInline(admin.TabularInline):
    model = RubricSection
    extra = 0


@admin.register(Rubric)
class RubricAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    """A version that scored a published ranking is read-only (its sections too); copy it to change it."""

    list_display = ["year", "version", "name", "valid_from", "status"]
    list_filter = ["year", "status"]
    inlines = [RubricSectionInline]

    def is_locked(self, obj) -> bool:
        return rubric_is_frozen(obj)


@admin.register(RubricItem)
class RubricItemAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "rubric", "section", "mode", "method", "source", "max_points", "is_bonus"]
    list_filter = ["rubric", "mode", "method", "is_bonus"]
    search_fields = ["code", "name"]

    def is_locked(self, obj) -> bool:
        return rubric_is_frozen(obj.rubric)


@admin.register(RankingGroup)
class RankingGroupAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    """Edited on the ranking groups page; a set a published ranking used is read-only here too."""

    list_display = ["name", "year", "valid_from", "branch_kinds", "sort_order", "is_active"]
    list_filter = ["year", "valid_from"]
    filter_horizontal = ["branches"]

    def is_locked(self, obj) -> bool:
        return groups.is_frozen(obj)


class ReadHereWriteOnThePage:
    """Manual scores and vetoes are given on the manual-score page (or the API), through the one service that
    holds their rules (range, reason, the quarter lock); the admin only reads them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ManualScore)
class ManualScoreAdmin(ReadHereWriteOnThePage, SimpleHistoryAdmin):
    list_display = ["year", "number", "branch", "item", "points", "updated_by", "updated_at"]
    list_filter = ["year", "number", "item__rubric"]
    search_fields = ["branch__name", "reason"]
    readonly_fields = ["version"]


@admin.register(Veto)
class VetoAdmin(ReadHereWriteOnThePage, SimpleHistoryAdmin):
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

    def get_deleted_objects(self, objs, request):
        # The bulk action deletes drafts only: a published version in the selection refuses the whole action.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(o.is_published for o in objs):
            perms_needed = {*perms_needed, str(RankingSnapshot._meta.verbose_name)}
        return deleted, model_count, perms_needed, protected


@admin.register(CompileJob)
class CompileJobAdmin(admin.ModelAdmin):
    list_display = ["year", "number", "state", "progress", "created_at", "finished_at", "requested_by"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in CompileJob._meta.fields]

    def has_add_permission(self, request):
        return False
