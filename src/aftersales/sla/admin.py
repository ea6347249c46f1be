from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SlaClock, SlaEscalationStep, SlaPolicy, SlaTarget


class TargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0
    can_delete = False


class EscalationInline(admin.TabularInline):
    model = SlaEscalationStep
    extra = 0
    can_delete = False


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SimpleHistoryAdmin):
    """Read-only here: policies are edited on 日历与时限 → 服务时限政策, whose service checks
    business hours and versions."""

    list_display = ("name", "case_type", "priority", "channel", "customer_level", "active")
    list_filter = ("active", "priority")
    inlines = [TargetInline, EscalationInline]
    exclude = ("version",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SlaClock)
class SlaClockAdmin(SimpleHistoryAdmin):
    list_display = (
        "metric",
        "owner_type",
        "owner_id",
        "status",
        "due_at",
        "provisional",
        "escalation_level",
    )
    list_filter = ("status", "metric", "provisional")
    date_hierarchy = "due_at"
    readonly_fields = [f.name for f in SlaClock._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
