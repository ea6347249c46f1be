"""Units in the warehouse for exchange tests: a replacement is a real, unsold serial number
of a released batch (``applications.replacement_problem``)."""

from __future__ import annotations

from datetime import date

from aftersales.catalog.models import Batch, SerialNumber


def stock_unit(product, serial: str, *, quality_status: str = "passed", batch_no: str = ""):
    batch, _created = Batch.objects.get_or_create(
        product=product,
        batch_no=batch_no or f"B-STOCK-{quality_status}".upper(),
        defaults={"production_date": date(2026, 10, 1), "quality_status": quality_status},
    )
    return SerialNumber.objects.create(serial=serial, product=product, batch=batch)
