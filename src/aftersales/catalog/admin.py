from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Batch,
    Category,
    FaultCode,
    Product,
    ProductPart,
    SerialNumber,
    Supplier,
    WarrantyPolicy,
)


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "warranty_months", "exchange_days", "return_days", "source")


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "contact_name", "phone", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "parent", "warranty_policy", "sanbao_category")
    search_fields = ("code", "name")


class PartInline(admin.TabularInline):
    model = ProductPart
    extra = 0


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    """Main parts are kept here; everything else also on the product pages."""

    list_display = ("sku", "name", "model", "category", "list_price", "active")
    list_filter = ("active", "serial_tracked", "category")
    search_fields = ("sku", "name", "model")
    inlines = [PartInline]
    exclude = ("version",)


@admin.register(Batch)
class BatchAdmin(SimpleHistoryAdmin):
    list_display = ("batch_no", "product", "production_date", "expiry_date", "quality_status")
    list_filter = ("quality_status",)
    search_fields = ("batch_no", "product__sku")
    readonly_fields = ("quality_status",)  # driven by quality inspection


@admin.register(SerialNumber)
class SerialNumberAdmin(SimpleHistoryAdmin):
    list_display = ("serial", "product", "batch", "owner", "warranty_start")
    search_fields = ("serial",)
    raw_id_fields = ("owner", "batch")


@admin.register(FaultCode)
class FaultCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "keywords", "active")
    list_filter = ("active", "category")
    search_fields = ("code", "name", "keywords")
