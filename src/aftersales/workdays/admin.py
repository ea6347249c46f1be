from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AnnouncedYear, CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SimpleHistoryAdmin):
    list_display = ("day", "is_workday", "name", "source")
    list_filter = ("is_workday", "source")
    date_hierarchy = "day"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # changes go through the calendar page, which recomputes the clocks

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AnnouncedYear)
class AnnouncedYearAdmin(SimpleHistoryAdmin):
    list_display = ("year", "notice", "loaded_by", "updated_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
