from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SlaClock, SlaEscalationStep, SlaPolicy, SlaTarget


class TargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


class EscalationInline(admin.TabularInline):
    model = SlaEscalationStep
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "case_type", "priority", "channel", "customer_level", "active")
    list_filter = ("active", "priority")
    inlines = [TargetInline, EscalationInline]
    exclude = ("version",)


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
