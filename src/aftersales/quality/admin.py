"""Administration of quality master data. Inspections, nonconformances and liaison forms are
worked on the quality pages, where the rules are; here they are read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Inspection, InspectionItem, InspectionPlan, LiaisonForm, Nonconformance


class ItemInline(admin.TabularInline):
    """Check items are fixed once a plan has been used: past inspection reports read them.
    To change what is checked, deactivate the plan and create a new one."""

    model = InspectionItem
    extra = 0

    def _used(self, obj) -> bool:
        return obj is not None and Inspection.objects.filter(plan=obj).exists()

    def has_add_permission(self, request, obj=None):
        return not self._used(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._used(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._used(obj) and super().has_delete_permission(request, obj)


@admin.register(InspectionPlan)
class InspectionPlanAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "product", "category", "sample_size", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    inlines = [ItemInline]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "batch", "verdict", "inspector", "inspected_at")
    list_filter = ("kind", "verdict")
    search_fields = ("number", "batch__batch_no")


@admin.register(Nonconformance)
class NonconformanceAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "source", "severity", "status", "owner", "created_at")
    list_filter = ("status", "severity", "source")
    search_fields = ("number", "title")


@admin.register(LiaisonForm)
class LiaisonFormAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "department", "status", "originator", "created_at")
    list_filter = ("status", "kind", "department")
    search_fields = ("number", "content")
