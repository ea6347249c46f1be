"""What a work order costs the customer (WAR-9): labour, parts and travel lines, free when the
三包 decision says so; paid work waits for the customer's accepted quotation."""

from __future__ import annotations

from decimal import Decimal

from ..models import ChargeLine, WorkOrder

CENT = Decimal("0.01")


def line_amount(line: ChargeLine) -> Decimal:
    """What the customer pays for one line: nothing when it is free."""
    if line.free:
        return Decimal("0.00")
    return (line.quantity * line.unit_price).quantize(CENT)


def charges_recalculate(work_order: WorkOrder) -> Decimal:
    """Recompute every line's amount and the work order's total; returns the total."""
    total = Decimal("0.00")
    for line in work_order.charges.all():
        amount = line_amount(line)
        if amount != line.amount:
            line.amount = amount
            line.save(update_fields=["amount"])
        total += amount
    if total != work_order.charge_total:
        WorkOrder.objects.filter(pk=work_order.pk).update(charge_total=total)
        work_order.charge_total = total
    return total


def quote_needed(work_order: WorkOrder) -> bool:
    """Paid lines exist and the customer has not accepted a quotation covering them."""
    payable = sum((line_amount(line) for line in work_order.charges.all()), Decimal("0"))
    if payable <= 0:
        return False
    return work_order.quote_accepted_at is None or (
        work_order.quote_total is not None and payable > work_order.quote_total
    )
