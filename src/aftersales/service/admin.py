"""Administrators keep the complaint categories and the routing rules here; cases are worked
on the case pages, where the rules are, and are read-only here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Case, CaseCategory, RoutingRule


@admin.register(CaseCategory)
class CaseCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "position", "active")
    list_editable = ("position", "active")


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = (
        "position",
        "name",
        "kind",
        "category",
        "product_category",
        "region",
        "dealer",
        "department",
        "assign_person",
        "active",
    )
    list_display_links = ("name",)
    list_filter = ("active", "kind", "department")


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ("number", "kind", "status", "customer", "department", "assignee", "created_at")
    list_filter = ("status", "kind", "channel")
    search_fields = ("number", "contact_phone")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
