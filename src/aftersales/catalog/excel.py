"""Products, batches and serial numbers in and out of Excel."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.excel import (
    Column,
    Importer,
    day,
    export_response,
    integer,
    iterate,
    money,
    text,
    yes_no,
)

from .models import Batch, Category, Product, SerialNumber, Supplier
from .permissions import can_edit_catalog
from .services import batch_build, product_build, serial_build


def _check(actor) -> None:
    if not can_edit_catalog(actor):
        raise PermissionDenied()


def _lookup(model, field: str, value: str, key: str, message):
    value = text(value)
    if not value:
        return None
    found = model.objects.filter(**{field: value}).first()
    if found is None:
        raise InvalidInput(fields={key: [message]})
    return found


def _save_with_history(model):
    def save(actor, objects) -> int:
        bulk_create_with_history(
            objects, model, batch_size=2000, default_user=actor, default_change_reason="Excel"
        )
        return len(objects)

    return save


# -- products ---------------------------------------------------------------------------------

PRODUCT_COLUMNS = [
    Column("sku", _("SKU"), required=True, example="TV-55A1", width=14),
    Column("name", _("Name"), required=True, example="55 英寸智能电视", width=20),
    Column("model", _("Model"), example="55A1", width=12),
    Column("specification", _("Specification"), example="3840×2160, 2GB+32GB", width=22),
    Column("unit", _("Unit"), example="台", width=6),
    Column("list_price", _("List price (CNY)"), money, required=True, example="3299.00"),
    Column("shelf_life_days", _("Shelf life (days)"), integer, width=10),
    Column("serial_tracked", _("Serial numbers tracked"), yes_no, example="是", width=10),
    Column("category_code", _("Category code"), required=True, example="tv", width=12),
    Column("manufacturer_code", _("Manufacturer code"), example="hd-elec", width=14),
]


def _build_product(actor, values: dict) -> Product:
    data = dict(values)
    data["category"] = _lookup(
        Category,
        "code",
        data.pop("category_code", ""),
        "category_code",
        _("No category has this code."),
    )
    data["manufacturer"] = _lookup(
        Supplier,
        "code",
        data.pop("manufacturer_code", ""),
        "manufacturer_code",
        _("No manufacturer has this code."),
    )
    if not data.get("unit"):
        data.pop("unit", None)
    return product_build(actor=actor, data=data)


PRODUCT_IMPORTER = Importer(
    name="products",
    title=_("Products"),
    columns=PRODUCT_COLUMNS,
    build=_build_product,
    save=_save_with_history(Product),
    check_permission=_check,
    unique_keys=("sku",),
    done_url="catalog:product-list",
)

# -- batches ----------------------------------------------------------------------------------


BATCH_COLUMNS = [
    Column("sku", _("SKU"), required=True, example="TV-55A1", width=14),
    Column("batch_no", _("Batch number"), required=True, example="B20261101", width=14),
    Column("production_date", _("Production date"), day, required=True, example="2026-11-01"),
    Column("packer_no", _("Packer number"), example="P07", width=10),
    Column("packing_list_ref", _("Packing list"), example="PL-1101-03", width=14),
]


def _build_batch(actor, values: dict) -> Batch:
    data = dict(values)
    data["product"] = _lookup(
        Product, "sku", data.pop("sku", "").upper(), "sku", _("No product has this SKU.")
    )
    return batch_build(actor=actor, data=data)


BATCH_IMPORTER = Importer(
    name="batches",
    title=_("Batches"),
    columns=BATCH_COLUMNS,
    build=_build_batch,
    save=_save_with_history(Batch),
    check_permission=_check,
    unique_keys=(("sku", "batch_no"),),
    done_url="catalog:batch-list",
)

# -- serial numbers ---------------------------------------------------------------------------

SERIAL_COLUMNS = [
    Column("serial", _("Serial number"), required=True, example="SN55A1000001", width=16),
    Column("sku", _("SKU"), required=True, example="TV-55A1", width=14),
    Column("batch_no", _("Batch number"), example="B20261101", width=14),
    Column("warranty_start", _("Warranty start"), day, example="2026-11-20"),
    Column("sale_ref", _("Sale reference"), width=14),
    Column("delivery_ref", _("Delivery reference"), width=14),
]


def _build_serial(actor, values: dict) -> SerialNumber:
    data = dict(values)
    product = _lookup(
        Product, "sku", data.pop("sku", "").upper(), "sku", _("No product has this SKU.")
    )
    data["product"] = product
    batch_no = text(data.pop("batch_no", ""))
    if batch_no and product is not None:
        data["batch"] = Batch.objects.filter(product=product, batch_no=batch_no).first()
        if data["batch"] is None:
            raise InvalidInput(fields={"batch_no": [_("This product has no such batch.")]})
    return serial_build(actor=actor, data=data)


SERIAL_IMPORTER = Importer(
    name="serials",
    title=_("Serial numbers"),
    columns=SERIAL_COLUMNS,
    build=_build_serial,
    save=_save_with_history(SerialNumber),
    check_permission=_check,
    unique_keys=("serial",),
    done_url="catalog:serial-list",
)

# -- exports ----------------------------------------------------------------------------------


def export_products(products):
    headers = [c.header for c in PRODUCT_COLUMNS]

    def rows():
        for p in iterate(products.select_related("category", "manufacturer")):
            yield [
                p.sku,
                p.name,
                p.model,
                p.specification,
                p.unit,
                p.list_price,
                p.shelf_life_days,
                "是" if p.serial_tracked else "否",
                p.category.code,
                p.manufacturer.code if p.manufacturer_id else "",
            ]

    return export_response(
        filename="产品.xlsx", headers=headers, rows=rows(), sheet_title=str(_("Products"))
    )


def export_batches(batches):
    headers = [*(c.header for c in BATCH_COLUMNS), _("Expiry date")]
    labels = dict(Batch.QualityStatus.choices)

    def rows():
        for b in iterate(batches.select_related("product")):
            yield [
                b.product.sku,
                b.batch_no,
                b.production_date,
                b.packer_no,
                b.packing_list_ref,
                str(labels[b.quality_status]),
                b.expiry_date,
            ]

    return export_response(
        filename="批次.xlsx", headers=headers, rows=rows(), sheet_title=str(_("Batches"))
    )


def export_serials(serials):
    headers = [*(c.header for c in SERIAL_COLUMNS), _("Owner")]

    def rows():
        for s in iterate(serials.select_related("product", "batch", "owner")):
            yield [
                s.serial,
                s.product.sku,
                s.batch.batch_no if s.batch_id else "",
                s.warranty_start,
                s.sale_ref,
                s.delivery_ref,
                s.owner.name if s.owner_id else "",
            ]

    return export_response(
        filename="序列号.xlsx", headers=headers, rows=rows(), sheet_title=str(_("Serial numbers"))
    )
