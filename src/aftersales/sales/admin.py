from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Order, SalesPolicy, Shipment, WrittenPromise


@admin.register(SalesPolicy)
class SalesPolicyAdmin(SimpleHistoryAdmin):
    """When an order needs the vice-president (SAL-2): edit the amount and terms here."""

    list_display = (
        "name",
        "approval_amount",
        "approve_special_terms",
        "active",
    )
    exclude = ("version",)


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    """Read-only: orders move only through their workflow on the order pages and the API."""

    list_display = ("number", "customer", "status", "total", "delivery_date", "salesperson")
    list_filter = ("status", "channel")
    search_fields = ("number", "customer__name")
    readonly_fields = [f.name for f in Order._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Shipment)
class ShipmentAdmin(SimpleHistoryAdmin):
    list_display = ("number", "order", "status", "shipped_at", "delivered_at", "verified_by")
    list_filter = ("status",)
    search_fields = ("number", "order__number")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WrittenPromise)
class WrittenPromiseAdmin(SimpleHistoryAdmin):
    """Read-only: promises are written and reviewed on their pages and the API (SAL-11)."""

    list_display = ("title", "kind", "dealer", "status", "active", "valid_until")
    list_filter = ("status", "kind", "active")
    search_fields = ("title", "dealer__name")
    readonly_fields = [f.name for f in WrittenPromise._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
