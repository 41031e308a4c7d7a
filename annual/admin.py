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


class AnnualItemInline(admin.TabularInline):
    model = AnnualItem
    extra = 0


class JointRuleInline(admin.TabularInline):
    model = JointRule
    extra = 0


class GradeRuleInline(admin.TabularInline):
    model = GradeRule
    extra = 0


@admin.register(AnnualRubric)
class AnnualRubricAdmin(SimpleHistoryAdmin):
    list_display = ("year", "version", "name", "status", "rollup")
    list_filter = ("year", "status")
    inlines = [AnnualItemInline, JointRuleInline, GradeRuleInline]


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
