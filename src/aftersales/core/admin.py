from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ExportRecord, NumberCounter, NumberSeries


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
