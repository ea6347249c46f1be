"""Administrators keep technicians (regions, capacity, absences), stock locations, the price
list and loaner units here; the work itself is done on the field-service pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    LoanerUnit,
    Location,
    MaintenancePlan,
    ServiceRate,
    SparePart,
    TechnicianAbsence,
    TechnicianProfile,
)


@admin.register(TechnicianProfile)
class TechnicianProfileAdmin(SimpleHistoryAdmin):
    list_display = ("user", "regions", "visits_per_day", "dispatcher", "active")
    list_editable = ("visits_per_day", "dispatcher", "active")
    autocomplete_fields = ("user",)


@admin.register(TechnicianAbsence)
class TechnicianAbsenceAdmin(SimpleHistoryAdmin):
    list_display = ("user", "first_day", "last_day", "reason")
    list_filter = ("user",)


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "technician", "active")


@admin.register(ServiceRate)
class ServiceRateAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "amount")


@admin.register(SparePart)
class SparePartAdmin(SimpleHistoryAdmin):
    list_display = ("part_no", "name", "price", "reorder_point", "active")
    search_fields = ("part_no", "name")


@admin.register(LoanerUnit)
class LoanerUnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "product", "serial", "status")


@admin.register(MaintenancePlan)
class MaintenancePlanAdmin(SimpleHistoryAdmin):
    list_display = ("customer", "product", "interval_months", "next_due_on", "active")
