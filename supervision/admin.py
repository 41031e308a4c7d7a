from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.admin_locks import LockedRecordAdmin
from pairing.services import record_is_locked
from supervision.models import (
    Finding,
    FindingEvidence,
    GroupBranch,
    Rectification,
    RectificationEvidence,
    RectificationTransition,
    SupervisionGroup,
    SupervisionRound,
    Visit,
)


class GroupInline(admin.TabularInline):
    model = SupervisionGroup
    extra = 0
    fields = ["name", "leader"]


@admin.register(SupervisionRound)
class SupervisionRoundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "year", "status", "sample_seed"]
    list_filter = ["year", "status"]
    search_fields = ["name"]
    inlines = [GroupInline]


class GroupBranchInline(admin.TabularInline):
    model = GroupBranch
    extra = 0
    fields = ["round", "branch", "sampled_with_seed"]
    autocomplete_fields = ["branch"]


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "round", "leader"]
    list_filter = ["round"]
    filter_horizontal = ["members"]
    inlines = [GroupBranchInline]


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0
    fields = ["kind", "mode", "title", "text"]


@admin.register(Visit)
class VisitAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    list_display = ["branch", "group", "date", "form"]
    list_filter = ["form", "group__round"]
    search_fields = ["branch__name", "notes"]
    inlines = [FindingInline]

    def is_locked(self, obj) -> bool:
        return record_is_locked(obj.date)


class FindingEvidenceInline(admin.TabularInline):
    model = FindingEvidence
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(Finding)
class FindingAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "mode", "visit"]
    list_filter = ["kind", "mode"]
    search_fields = ["title", "text"]
    inlines = [FindingEvidenceInline]

    def is_locked(self, obj) -> bool:
        return record_is_locked(obj.visit.date)


class TransitionInline(admin.TabularInline):
    model = RectificationTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "by", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class RectificationEvidenceInline(admin.TabularInline):
    model = RectificationEvidence
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at", "transition"]


@admin.register(Rectification)
class RectificationAdmin(SimpleHistoryAdmin):
    """States change through the pages (services) so every transition is recorded; here they are read-only."""

    list_display = ["title", "branch", "state", "deadline", "closed_at"]
    list_filter = ["state"]
    search_fields = ["title", "branch__name"]
    readonly_fields = ["state", "closed_at", "submitted_at", "finding"]
    inlines = [TransitionInline, RectificationEvidenceInline]
