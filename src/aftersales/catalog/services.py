"""Use cases for the catalogue: categories, products, batches, serial numbers."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.services import full_clean_or_invalid

from .models import Batch, Category, Product, ProductPart, SerialNumber
from .permissions import can_edit_catalog

PRODUCT_FIELDS = [
    "sku",
    "name",
    "model",
    "specification",
    "unit",
    "list_price",
    "shelf_life_days",
    "serial_tracked",
    "category",
    "manufacturer",
    "active",
]


def _allowed(actor) -> None:
    if actor is not None and not can_edit_catalog(actor):
        raise PermissionDenied()


def expiry_date(production_date: date, shelf_life_days: int | None) -> date | None:
    """The last day of the shelf life (SAL-4). The production day is day 1, as the 到期日
    printed on Chinese food labels counts it: 180 days from 2026-01-01 end 2026-06-29."""
    if not shelf_life_days:
        return None
    return production_date + timedelta(days=shelf_life_days - 1)


def product_build(*, actor, data: dict, instance: Product | None = None) -> Product:
    """A validated product (unsaved): also used by the import to check every row."""
    product = instance or Product()
    for key, value in data.items():
        if key in PRODUCT_FIELDS:
            setattr(product, key, value.strip() if isinstance(value, str) else value)
    product.sku = (product.sku or "").strip().upper()
    exclude = ["version"]
    full_clean_or_invalid(product, exclude=exclude)
    return product


@transaction.atomic
def product_create(*, actor, data: dict, parts: list[tuple[str, int]] = ()) -> Product:
    _allowed(actor)
    product = product_build(actor=actor, data=data)
    product._history_user = actor
    product.save()
    for name, months in parts:
        part = ProductPart(product=product, name=name, warranty_months=months)
        full_clean_or_invalid(part)
        part.save()
    return product


@transaction.atomic
def product_update(
    *, actor, product: Product, data: dict, expected_version: int | None = None
) -> Product:
    _allowed(actor)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion()
    locked = product_build(actor=actor, data=data, instance=locked)
    locked.version += 1
    locked._history_user = actor
    locked.save()
    return locked


@transaction.atomic
def category_create(
    *, actor, code: str, name: str, parent: Category | None = None, warranty_policy=None
) -> Category:
    _allowed(actor)
    category = Category(code=code, name=name, parent=parent, warranty_policy=warranty_policy)
    full_clean_or_invalid(category)
    category._history_user = actor
    category.save()
    return category


def normalized_code(value: str) -> str:
    """A batch or serial number as typed on any keyboard: full-width letters and digits
    (ＴＶ２０２６) are the same characters as half-width ones (NFKC), spaces around dropped."""
    return unicodedata.normalize("NFKC", value or "").strip()


def batch_build(*, actor, data: dict) -> Batch:
    """A new batch, checked. It always waits for inspection (QC-2): only an inspection or the
    emergency release (quality app) changes ``quality_status``, never the person creating it."""
    status = data.get("quality_status")
    if status not in (None, "", Batch.QualityStatus.PENDING):
        raise InvalidInput(
            fields={
                "quality_status": [
                    _(
                        "A new batch always waits for inspection; only an inspection or an "
                        "emergency release by the vice-president changes its status."
                    )
                ]
            }
        )
    batch = Batch(
        **{
            k: v
            for k, v in data.items()
            if k in {"product", "batch_no", "production_date", "packer_no", "packing_list_ref"}
        }
    )
    batch.quality_status = Batch.QualityStatus.PENDING
    batch.batch_no = normalized_code(batch.batch_no)
    if batch.product_id and batch.batch_no:
        same = (
            Batch.objects.filter(product_id=batch.product_id, batch_no__iexact=batch.batch_no)
            .values_list("batch_no", flat=True)
            .first()
        )
        if same is not None:
            raise InvalidInput(
                fields={
                    "batch_no": [_("This product already has batch %(batch)s.") % {"batch": same}]
                }
            )
    if batch.product_id and batch.production_date:
        batch.expiry_date = expiry_date(batch.production_date, batch.product.shelf_life_days)
        # Today in the company's time zone, not the server's.
        if batch.production_date > timezone.localdate() + timedelta(days=1):
            raise InvalidInput(
                fields={"production_date": [_("The production date is in the future.")]}
            )
    full_clean_or_invalid(batch)
    return batch


@transaction.atomic
def batch_create(*, actor, data: dict) -> Batch:
    _allowed(actor)
    batch = batch_build(actor=actor, data=data)
    batch._history_user = actor
    batch.save()
    return batch


def serial_build(*, actor, data: dict) -> SerialNumber:
    serial = SerialNumber(
        **{
            k: v
            for k, v in data.items()
            if k
            in {"serial", "product", "batch", "owner", "sale_ref", "delivery_ref", "warranty_start"}
        }
    )
    serial.serial = normalized_code(serial.serial).upper()
    errors = {}
    if serial.product_id and not serial.product.serial_tracked:
        errors["product"] = [_("This product is not tracked by serial number.")]
    if serial.batch_id and serial.product_id and serial.batch.product_id != serial.product_id:
        errors["batch"] = [_("The batch belongs to another product.")]
    if errors:
        raise InvalidInput(fields=errors)
    full_clean_or_invalid(serial)
    return serial


@transaction.atomic
def serial_create(*, actor, data: dict) -> SerialNumber:
    _allowed(actor)
    serial = serial_build(actor=actor, data=data)
    serial._history_user = actor
    serial.save()
    return serial


def move_serials_on_merge(source, target) -> None:
    """A merged customer's products now belong to the customer it was merged into."""
    SerialNumber.objects.filter(owner=source).update(owner=target)


def batch_shippable_problem(batch: Batch) -> str | None:
    """Why goods of this batch may not ship (QC-2), or None when they may."""
    if batch.quality_status == Batch.QualityStatus.PASSED:
        return None
    if batch.quality_status == Batch.QualityStatus.RELEASED_BY_EXCEPTION:
        return None
    if batch.quality_status == Batch.QualityStatus.FAILED:
        return _("Batch %(batch)s failed inspection and may not ship.") % {"batch": batch}
    return _(
        "Batch %(batch)s has not passed inspection yet; ship it only after inspection or "
        "an emergency release by the vice-president."
    ) % {"batch": batch}
