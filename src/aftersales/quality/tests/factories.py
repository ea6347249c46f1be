"""Builders for quality tests: batches, inspection plans, the findings of an inspection and
deliveries that carry a batch (built through the sales use cases, as the warehouse ships)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from aftersales.catalog.models import Batch
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.testing import soon
from aftersales.quality.models import InspectionItem, InspectionKind, InspectionPlan
from aftersales.quality.services.inspections import ItemInput
from aftersales.sales import services as sales
from aftersales.sales.models import Shipment


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    product = factory.SubFactory(ProductFactory)
    batch_no = factory.Sequence(lambda n: f"B{n:05d}")
    production_date = date(2026, 11, 1)
    packer_no = "P-07"
    packing_list_ref = factory.Sequence(lambda n: f"PL-{n:04d}")


class InspectionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionPlan

    name = factory.Sequence(lambda n: f"检验方案{n}")
    kind = InspectionKind.FINISHED
    product = factory.SubFactory(ProductFactory)
    sample_size = 5
    minor_failures_allowed = 1
    standard = "GB/T 3325-2017"


class InspectionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionItem

    plan = factory.SubFactory(InspectionPlanFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"检验项目{n}")
    aspect = InspectionItem.Aspect.APPEARANCE


def plan_with_items(product, *, kind=InspectionKind.FINISHED, minor_failures_allowed=1, **fields):
    """A plan of four checks: appearance and packaging (non-critical, by eye), a critical
    withstand-voltage test, and the screen width measured between 138 and 140 cm."""
    plan = InspectionPlanFactory(
        product=product, kind=kind, minor_failures_allowed=minor_failures_allowed, **fields
    )
    InspectionItemFactory(plan=plan, position=1, name="外观")
    InspectionItemFactory(
        plan=plan, position=2, name="包装", aspect=InspectionItem.Aspect.PACKAGING
    )
    InspectionItemFactory(
        plan=plan, position=3, name="耐压测试", aspect=InspectionItem.Aspect.FUNCTION, critical=True
    )
    InspectionItemFactory(
        plan=plan,
        position=4,
        name="屏幕宽度",
        aspect=InspectionItem.Aspect.DIMENSIONS,
        result_type=InspectionItem.ResultType.MEASURED,
        unit="cm",
        lower_limit=Decimal("138.0"),
        upper_limit=Decimal("140.0"),
    )
    return plan


def findings(plan, **by_name) -> list[ItemInput]:
    """A finding for every item of the plan, all passing (a measured item at the middle of
    its limits) unless ``by_name`` gives another: ``findings(plan, 外观=False)``,
    ``findings(plan, 屏幕宽度=Decimal("137.9"))``."""
    rows = []
    for item in plan.items.all():
        given = by_name.get(item.name)
        if item.result_type == InspectionItem.ResultType.MEASURED:
            value = given if given is not None else (item.lower_limit + item.upper_limit) / 2
            rows.append(ItemInput(item_id=item.pk, measured_value=value))
        else:
            rows.append(ItemInput(item_id=item.pk, passed=True if given is None else given))
    return rows


def ship(*, batch, customer, quantity=1, seller, warehouse, serials=()) -> Shipment:
    """An approved order for ``customer`` and one delivery of ``quantity`` from ``batch``,
    through the sales use cases (the warehouse keeper ships it)."""
    order = sales.order_create(
        actor=seller,
        customer=customer,
        lines=[
            sales.LineInput(product=batch.product, quantity=quantity, unit_price=Decimal("99.00"))
        ],
        delivery_date=soon(),
        delivery_place="上海市徐汇区漕溪北路88号",
        contact_phone="13812345678",
    )
    order = sales.order_submit(actor=seller, order=order)  # below the threshold: approved
    # The warehouse ships the batch as it is now (the page and the API read it afresh).
    batch = Batch.objects.get(pk=batch.pk)
    if batch.product.serial_tracked and not serials:
        serials = units_of(batch, quantity)  # a serial-tracked product ships its serials
    return sales.shipment_create(
        actor=warehouse,
        order=order,
        lines=[
            sales.ShipInput(
                order_line=order.lines.get(),
                batch=batch,
                quantity=quantity,
                serials=tuple(serials),
            )
        ],
    )


def units_of(batch, quantity: int) -> list:
    """``quantity`` new unsold serial numbers of ``batch`` (units in the warehouse)."""
    from aftersales.catalog.models import SerialNumber

    start = SerialNumber.objects.filter(batch=batch).count()
    return [
        SerialNumber.objects.create(
            serial=f"{batch.batch_no}-U{start + n:04d}".upper(), product=batch.product, batch=batch
        )
        for n in range(1, quantity + 1)
    ]


def backdate(shipment, when) -> None:
    """Pretend a shipment left at ``when``: the shipment and its lines (which keep a copy)."""
    from aftersales.sales.models import ShipmentLine

    Shipment.objects.filter(pk=shipment.pk).update(shipped_at=when)
    ShipmentLine.objects.filter(shipment_id=shipment.pk).update(shipped_at=when)
