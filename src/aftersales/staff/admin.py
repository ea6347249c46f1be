from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Course,
    Indicator,
    RecordView,
    Scorecard,
    StaffPolicy,
    TrainingPlan,
    TrainingRequirement,
    TrainingSession,
)


@admin.register(StaffPolicy)
class StaffPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "active", "induction_gates_work", "category_qualification")


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "category", "hours", "validity_months", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(SimpleHistoryAdmin):
    list_display = ("role", "course")


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    """The scorecard's indicators are data: which, with what target and weight, per role."""

    list_display = (
        "role",
        "period_kind",
        "position",
        "code",
        "name",
        "source",
        "direction",
        "target",
        "weight",
        "active",
    )
    list_filter = ("role", "period_kind", "source", "active")
    list_editable = ("target", "weight", "active")


@admin.register(TrainingPlan)
class TrainingPlanAdmin(SimpleHistoryAdmin):
    list_display = ("year", "department", "course", "planned")
    list_filter = ("year",)


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ("number", "held_on", "course", "status")
    readonly_fields = ("number",)

    def has_add_permission(self, request) -> bool:
        return False  # through the training pages, which number and record them


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnly):
    list_display = ("period", "user", "department", "revision", "status", "total")
    list_filter = ("period", "status")


@admin.register(RecordView)
class RecordViewAdmin(ReadOnly):
    """Who opened which other person's training record or scorecard, and when (SEC-1)."""

    list_display = ("at", "viewer", "subject", "what")
    list_filter = ("what",)
    date_hierarchy = "at"
