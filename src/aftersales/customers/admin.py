from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Customer, Dealer, DealerMember, PhoneReveal


class MemberInline(admin.TabularInline):
    model = DealerMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Dealer)
class DealerAdmin(SimpleHistoryAdmin):
    """Dealers and the people who sign in for them."""

    list_display = ("code", "name", "region", "contact_name", "phone", "active")
    search_fields = ("code", "name")
    inlines = [MemberInline]


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    """Read-only here: customers are edited on the customer pages, which validate and scope."""

    list_display = ("name", "kind", "level", "dealer", "merged_into", "active")
    list_filter = ("kind", "level", "active")
    search_fields = ("name",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PhoneReveal)
class PhoneRevealAdmin(admin.ModelAdmin):
    """Who asked to see which customer's full number, and when (SEC-1)."""

    list_display = ("at", "user", "customer", "field")
    list_filter = ("field",)
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
