from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from branches.models import (
    AssessmentContent,
    Branch,
    CommitteeMember,
    Duty,
    DutyEvidence,
    ExternalOrganization,
    KeyWorkPlan,
    KeyWorkTask,
    Member,
    MonthlyTarget,
    Notification,
    PartyGroup,
    Role,
    Unit,
    YearSettings,
)

admin.site.site_header = _("党建“三种模式”管理平台")
admin.site.site_title = _("党建管理平台")
admin.site.index_title = _("后台管理")


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0
    fields = ["code", "name", "is_active"]
    show_change_link = True


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    inlines = [BranchInline]


class PartyGroupInline(admin.TabularInline):
    model = PartyGroup
    extra = 0
    fields = ["name", "leader", "is_temporary"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    fields = ["user", "kind", "member"]
    autocomplete_fields = ["user", "member"]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "secretary", "is_active"]
    list_filter = ["kind", "is_active", "unit"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["secretary"]
    inlines = [PartyGroupInline, RoleInline]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(SimpleHistoryAdmin):
    list_display = ["branch", "member", "post", "since"]
    list_filter = ["post"]
    search_fields = ["branch__name", "member__name"]
    raw_id_fields = ["member"]


@admin.register(PartyGroup)
class PartyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "leader", "is_temporary"]
    list_filter = ["is_temporary"]
    search_fields = ["name", "branch__name"]
    autocomplete_fields = ["branch", "leader"]


@admin.register(ExternalOrganization)
class ExternalOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "outside_unit", "location", "contact_person"]
    search_fields = ["name", "outside_unit", "location"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["employee_no", "name", "branch", "status", "place", "outside_org", "is_active"]
    list_filter = ["status", "place", "branch__kind", "is_active", "outside_org"]
    search_fields = ["employee_no", "name", "phone"]
    autocomplete_fields = ["branch", "party_group", "outside_org"]
    list_select_related = ["branch", "outside_org"]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "kind", "branch", "unit", "member"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__first_name", "branch__name", "unit__name"]
    autocomplete_fields = ["user", "branch", "unit", "member"]


@admin.register(YearSettings)
class YearSettingsAdmin(admin.ModelAdmin):
    list_display = ["year", "plan_deadline"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "title", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username"]


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order", "is_active"]
    search_fields = ["code", "name"]


@admin.register(AssessmentContent)
class AssessmentContentAdmin(SimpleHistoryAdmin):
    list_display = ["year", "unit", "title", "duty", "weight"]
    list_filter = ["year", "unit"]
    search_fields = ["title"]


@admin.register(DutyEvidence)
class DutyEvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["year", "unit", "duty", "stage", "date"]
    list_filter = ["year", "stage", "duty", "unit"]
    search_fields = ["description"]


class KeyWorkTaskInline(admin.TabularInline):
    model = KeyWorkTask
    extra = 0
    fields = ["number", "title", "duty", "owner"]
    show_change_link = True


@admin.register(KeyWorkPlan)
class KeyWorkPlanAdmin(SimpleHistoryAdmin):
    list_display = ["year", "unit", "title", "filed_on"]
    list_filter = ["year", "unit"]
    search_fields = ["title"]
    inlines = [KeyWorkTaskInline]


class MonthlyTargetInline(admin.TabularInline):
    model = MonthlyTarget
    extra = 0
    fields = ["month", "target", "status", "note"]


@admin.register(KeyWorkTask)
class KeyWorkTaskAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "title", "duty", "owner"]
    list_filter = ["plan__year", "plan__unit", "duty"]
    search_fields = ["title"]
    inlines = [MonthlyTargetInline]
