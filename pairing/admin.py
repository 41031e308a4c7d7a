from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.admin_locks import LockedRecordAdmin
from pairing.models import (
    Activity,
    ActivityKind,
    AnnualPlan,
    Evidence,
    InformationExchange,
    JointMeeting,
    KeyProject,
    Pair,
    PairGrassroots,
    Partnership,
    Problem,
    ProjectTask,
)
from pairing.services import record_is_locked


class PairGrassrootsInline(admin.TabularInline):
    model = PairGrassroots
    extra = 0
    max_num = 2
    autocomplete_fields = ["branch"]


class KeyProjectInline(admin.TabularInline):
    model = KeyProject
    extra = 0
    max_num = 4
    fields = ["title", "kind", "status"]
    show_change_link = True


@admin.register(Pair)
class PairAdmin(SimpleHistoryAdmin):
    list_display = ["year", "name", "lead_branch", "yearly_minimum"]
    list_filter = ["year"]
    search_fields = ["name", "lead_branch__name"]
    autocomplete_fields = ["lead_branch"]
    inlines = [PairGrassrootsInline, KeyProjectInline]


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["year", "branch", "external_org", "yearly_minimum"]
    list_filter = ["year"]
    search_fields = ["external_org__name"]
    autocomplete_fields = ["branch", "external_org"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(SimpleHistoryAdmin):
    list_display = ["year", "pair", "partnership", "filed_on"]
    list_filter = ["year"]
    search_fields = ["goals", "pair__name", "partnership__external_org__name"]


class ProjectTaskInline(admin.TabularInline):
    model = ProjectTask
    extra = 0
    fields = ["title", "claimant", "commitment", "due_date", "status", "completed_on"]
    autocomplete_fields = ["claimant"]


@admin.register(KeyProject)
class KeyProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "pair", "kind", "status"]
    list_filter = ["pair__year", "kind", "status"]
    search_fields = ["title"]
    inlines = [ProjectTaskInline]


@admin.register(ProjectTask)
class ProjectTaskAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    list_display = ["title", "project", "claimant", "due_date", "status"]
    list_filter = ["status", "project__pair__year"]
    search_fields = ["title", "claimant__name"]
    autocomplete_fields = ["claimant"]

    def is_locked(self, obj) -> bool:
        return record_is_locked(obj.completed_on)


@admin.register(JointMeeting)
class JointMeetingAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    list_display = ["date", "topic", "pair", "partnership"]
    list_filter = ["date"]
    search_fields = ["topic", "minutes"]
    date_hierarchy = "date"

    def is_locked(self, obj) -> bool:
        return record_is_locked(obj.date)


@admin.register(Problem)
class ProblemAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    """Solving a problem raised in a locked quarter is done on its pair's page (dated in an open quarter)."""

    list_display = ["title", "pair", "raised_by", "raised_on", "status", "solved_on"]
    list_filter = ["status", "pair__year"]
    search_fields = ["title", "description", "solution"]

    def is_locked(self, obj) -> bool:
        return record_is_locked(obj.raised_on) or record_is_locked(obj.solved_on)


@admin.register(InformationExchange)
class InformationExchangeAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    list_display = ["partnership", "kind", "period_year", "period_month", "exchanged_on"]
    list_filter = ["kind", "period_year"]
    search_fields = ["content"]

    def is_locked(self, obj) -> bool:
        return record_is_locked(obj.quarter.start)


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "counts_as_joint", "sort_order", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "name"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["file", "original_name", "content_type", "size"]
    readonly_fields = ["original_name", "content_type", "size"]


@admin.register(Activity)
class ActivityAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    list_display = ["date", "title", "kind", "owner_branch", "pair", "partnership"]
    list_filter = ["kind", "kind__category", "date"]
    search_fields = ["title", "summary"]
    date_hierarchy = "date"
    filter_horizontal = ["branches"]
    autocomplete_fields = ["owner_branch", "attendees"]
    list_select_related = ["kind", "owner_branch", "pair", "partnership"]
    inlines = [EvidenceInline]

    def is_locked(self, obj) -> bool:
        return record_is_locked(obj.date)
