from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ExportRecord, NumberCounter, NumberSeries, OutboundMessage


@admin.register(NumberSeries)
class NumberSeriesAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "name", "prefix", "padding")
    search_fields = ("kind", "name", "prefix")


@admin.register(NumberCounter)
class NumberCounterAdmin(admin.ModelAdmin):
    list_display = ("series", "day", "last_value")
    list_filter = ("series",)
    date_hierarchy = "day"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # numbers are given out by the numbering service only

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    """Every export of business data (SEC-1): read-only."""

    list_display = ("at", "user", "what", "rows", "filters")
    list_filter = ("what",)
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """The customer message outbox: what was sent by SMS or e-mail, and what failed."""

    list_display = ("created_at", "channel", "to", "status", "attempts", "related", "error")
    list_filter = ("channel", "status")
    search_fields = ("to", "related", "body")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
