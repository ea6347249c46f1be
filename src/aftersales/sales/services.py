"""Use cases from a signed contract to accepted goods. Pages and API call these only.

The order's workflow is the table ``TRANSITIONS``; ``_move`` is the one function that applies
it, and records every change as an ``OrderEvent`` (who, when, from, to, why).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch, SerialNumber
from aftersales.catalog.services import batch_shippable_problem, normalized_code
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.hooks import call_hook
from aftersales.core.messaging import message_customer
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next
from aftersales.core.selectors import clean_query
from aftersales.core.services import full_clean_or_invalid
from aftersales.core.throttling import guarded_lookup

from . import permissions, selectors
from .models import (
    DisputeResolution,
    Order,
    OrderEvent,
    OrderLine,
    SalesPolicy,
    Shipment,
    ShipmentLine,
    WrittenPromise,
)

S = Order.Status

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.CANCELLED},
    S.SUBMITTED: {S.APPROVED, S.REJECTED, S.CANCELLED},
    S.REJECTED: {S.DRAFT, S.CANCELLED},
    S.APPROVED: {S.IN_FULFILMENT, S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED},
    S.IN_FULFILMENT: {S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED},
    S.PARTIALLY_SHIPPED: {S.SHIPPED},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: {S.ACCEPTED, S.ACCEPTED_WITH_ISSUES},
    S.ACCEPTED: {S.CLOSED},
    # Goods not accepted at delivery are settled before the order closes (SAL-8): sent again
    # (back to shipped, through delivery and acceptance once more) or returned and credited
    # (accepted once nothing is left open). See ``dispute_reship`` and ``dispute_credit``.
    S.ACCEPTED_WITH_ISSUES: {S.SHIPPED, S.ACCEPTED},
    S.CLOSED: set(),
    S.CANCELLED: set(),
}

SELLER_ROLES = permissions.SELLER_ROLES
WAREHOUSE_ROLES = permissions.WAREHOUSE_ROLES
ACCEPT_ROLES = (Role.LOGISTICS, Role.SALES, Role.DEALER, Role.ADMIN)
DOCUMENTS = ["contract", "invoice", "manual", "certificate"]


def can_transition(order: Order, to: str) -> bool:
    return to in TRANSITIONS.get(order.status, set())


def _move(order: Order, to: str, *, actor, note: str = "") -> Order:
    """Apply one transition of the table, or refuse with 409 saying what is possible."""
    if not can_transition(order, to):
        raise Conflict(
            _("An order that is %(current)s cannot become %(target)s.")
            % {"current": order.get_status_display(), "target": S(to).label},
            code="illegal_transition",
        )
    previous = order.status
    order.status = to
    order.version += 1
    order._history_user = actor
    order.save(update_fields=["status", "version", "updated_at"])
    OrderEvent.objects.create(
        order=order, from_status=previous, to_status=to, actor=actor, note=note[:300]
    )
    return order


def _locked(order: Order, expected_version: int | None = None) -> Order:
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion()
    return locked


def _require(actor, *roles, order: Order | None = None) -> None:
    """The role check, and for a dealer's people: only their dealer's own sales may be changed
    (they may read the orders of the customers they serve, not act on them)."""
    if not user_has_role(actor, *roles):
        raise PermissionDenied()
    if order is not None:
        from aftersales.customers.permissions import dealer_of, is_dealer_user

        if is_dealer_user(actor):
            own = dealer_of(actor)
            if own is None or order.dealer_id != own.pk:
                raise PermissionDenied()


def active_policy() -> SalesPolicy:
    policy = SalesPolicy.objects.filter(active=True).order_by("-id").first()
    return policy or SalesPolicy(name="default")


# -- orders -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    product: object
    quantity: int
    unit_price: Decimal
    specification: str = ""
    requested_batch: Batch | None = None


def _lines(order: Order, lines: list[LineInput]) -> list[OrderLine]:
    if not lines:
        raise InvalidInput(fields={"lines": [_("Add at least one product line.")]})
    built, errors = [], {}
    for index, line in enumerate(lines):
        row = OrderLine(
            order=order,
            product=line.product,
            quantity=line.quantity,
            unit_price=line.unit_price,
            specification=line.specification or line.product.specification,
            requested_batch=line.requested_batch,
            amount=(Decimal(line.quantity) * line.unit_price).quantize(Decimal("0.01")),
        )
        if line.requested_batch is not None and line.requested_batch.product_id != line.product.pk:
            errors[f"lines[{index}].requested_batch"] = [_("The batch belongs to another product.")]
        if not line.product.active:
            errors[f"lines[{index}].product"] = [_("This product is no longer sold.")]
        try:
            full_clean_or_invalid(row, exclude=["order"])
        except InvalidInput as exc:
            for field, messages in exc.fields.items():
                errors[f"lines[{index}].{field}"] = messages
        built.append(row)
    if errors:
        raise InvalidInput(fields=errors)
    return built


@transaction.atomic
def order_create(*, actor, customer, lines: list[LineInput], **fields) -> Order:
    """A draft order with its lines; the number is given now (gap-free, per day)."""
    from aftersales.customers.permissions import dealer_of, is_dealer_user

    _require(actor, *SELLER_ROLES)
    if is_dealer_user(actor):
        own = dealer_of(actor)
        if own is None or customer.dealer_id != own.pk:
            raise InvalidInput(fields={"customer": [_("A dealer sells to its own customers.")]})
        fields["dealer"], fields["channel"] = own, Order.Channel.DEALER
    if customer.merged_into_id:
        raise InvalidInput(
            fields={"customer": [_("This customer was merged into another; sell to that one.")]}
        )
    _check_delivery_date(fields.get("delivery_date"))
    _check_signed_on(fields.get("signed_on"))
    order = Order(customer=customer, salesperson=actor, **fields)
    order.number = document_number_next(kind="order")
    full_clean_or_invalid(order, exclude=["total", "version"])
    rows = _lines(order, lines)
    order.total = _total(rows)
    order._history_user = actor
    order.save()
    for row in rows:
        row.order = order
    OrderLine.objects.bulk_create(rows)
    OrderEvent.objects.create(order=order, to_status=S.DRAFT, actor=actor, note=_("Created"))
    return order


EDITABLE_FIELDS = {
    "channel",
    "delivery_date",
    "delivery_place",
    "delivery_method",
    "contact_name",
    "contact_phone",
    "quality_standard",
    "warranty_months",
    "return_terms",
    "notes",
    "signed_on",
    "contract_number",
    "payment_terms",
    "delivery_terms",
}


@transaction.atomic
def order_update(
    *,
    actor,
    order: Order,
    lines: list[LineInput] | None = None,
    expected_version: int | None = None,
    **fields,
) -> Order:
    """Change a draft: its terms and, when given, all its lines (a rejected order goes back
    to draft first). Anything past draft is changed only through its workflow."""
    _require(actor, *SELLER_ROLES, order=order)
    order = _locked(order, expected_version)
    if order.status != S.DRAFT:
        raise Conflict(
            _("Only a draft can be changed; send a rejected order back to draft first."),
            code="not_draft",
        )
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(fields={k: [_("This field cannot be changed.")] for k in unknown})
    if "delivery_date" in fields and fields["delivery_date"] != order.delivery_date:
        _check_delivery_date(fields["delivery_date"])
    if fields.get("signed_on") and fields["signed_on"] != order.signed_on:
        _check_signed_on(fields["signed_on"])
    for key, value in fields.items():
        setattr(order, key, value)
    full_clean_or_invalid(order, exclude=["total", "version", "number"])
    if lines is not None:
        rows = _lines(order, lines)
        order.lines.all().delete()
        OrderLine.objects.bulk_create(rows)
        order.total = _total(rows)
    order.version += 1
    order._history_user = actor
    order.save()
    return order


MAX_TOTAL = Decimal("999999999999.99")  # what the total column holds (14 digits, 2 places)


def _total(rows: list[OrderLine]) -> Decimal:
    total = sum((r.amount for r in rows), Decimal("0.00"))
    if total > MAX_TOTAL:
        raise InvalidInput(fields={"lines": [_("The order total is too large.")]})
    return total


def _special_terms(order: Order) -> bool:
    return bool(order.warranty_months is not None or order.return_terms.strip())


def _below_allowed_discount(order: Order, policy: SalesPolicy) -> bool:
    """A line priced further below the catalogue than the policy's discount allows (SAL-2):
    ten TVs at 0.00 are not a small order to approve at once."""
    floor = (Decimal("100") - policy.max_discount_percent) / Decimal("100")
    for line in order.lines.select_related("product"):
        list_price = line.product.list_price or Decimal("0")
        if list_price > 0 and line.unit_price < (list_price * floor).quantize(Decimal("0.01")):
            return True
    return False


# A delivery date is promised to the customer: not one already past, nor one so far ahead it
# is a typing error (2062 for 2026).
DELIVERY_HORIZON_DAYS = 731


def _check_delivery_date(value) -> None:
    if value is None:
        return
    today = timezone.localdate()
    if value < today:
        raise InvalidInput(fields={"delivery_date": [_("The delivery date is in the past.")]})
    if value > today + timedelta(days=DELIVERY_HORIZON_DAYS):
        raise InvalidInput(
            fields={"delivery_date": [_("The delivery date is more than two years ahead.")]}
        )


def _check_signed_on(value) -> None:
    if value is not None and value > timezone.localdate():
        raise InvalidInput(fields={"signed_on": [_("The signing date is in the future.")]})


@transaction.atomic
def order_submit(*, actor, order: Order, expected_version: int | None = None) -> Order:
    """Submit for approval (SAL-2). Small orders on standard terms are approved at once."""
    _require(actor, *SELLER_ROLES, order=order)
    order = _locked(order, expected_version)
    policy = active_policy()
    order.needs_approval = (
        order.total >= policy.approval_amount
        or (policy.approve_special_terms and _special_terms(order))
        or _below_allowed_discount(order, policy)
    )
    order.submitted_at, order.submitted_by = timezone.now(), actor
    order.save(update_fields=["needs_approval", "submitted_at", "submitted_by"])
    _move(order, S.SUBMITTED, actor=actor)
    if not order.needs_approval:
        _approve(order, actor=None, note=_("Below the approval threshold: approved at once."))
    else:
        vps = _role_users(Role.SALES_VP)
        notify(
            recipients=vps,
            title=_("Order %(number)s waits for your approval") % {"number": order.number},
            body=_("Total ¥%(total)s, customer %(customer)s.")
            % {"total": order.total, "customer": order.customer},
            link=reverse("sales:order-detail", args=[order.pk]),
        )
    return order


def _approve(order: Order, *, actor, note: str) -> Order:
    order.decided_by, order.decided_at = actor, timezone.now()
    order.decision_reason = note[:300]
    order.save(update_fields=["decided_by", "decided_at", "decision_reason"])
    _move(order, S.APPROVED, actor=actor, note=note)
    _confirm_to_customer(order)
    return order


def _confirm_to_customer(order: Order) -> None:
    """Order confirmation by SMS and e-mail (SAL-3), sent after commit."""
    customer = order.customer
    message_customer(
        phone=order.contact_phone if order.contact_phone.startswith("1") else customer.mobile,
        email=customer.email,
        template="order_confirmed",
        context={
            "name": customer.name,
            "number": order.number,
            "total": order.total,
            "date": order.delivery_date.isoformat(),
            "url": tracking_url(order),
        },
        related=order.number,
    )


def order_track_lookup(*, number: str, phone_tail: str) -> Order | None:
    """Public tracking (``selectors.order_track``), refused with ``TooManyRequests`` once the
    number has had ``TRACK_FAILURE_LIMIT`` wrong phone digits in the window, whatever the
    address they came from; a right answer does not count."""
    return guarded_lookup(
        "order-track",
        clean_query(number).upper(),
        lambda: selectors.order_track(number=number, phone_tail=phone_tail),
    )


def tracking_url(order: Order) -> str:
    from aftersales.core.company import public_base_url

    return f"{public_base_url()}{reverse('sales:track')}?number={order.number}"


NOTE_MAX = 300  # what an order event's note holds


@transaction.atomic
def order_approve(*, actor, order: Order, note: str = "") -> Order:
    """The sales vice-president approves; never the person who submitted it (SAL-2)."""
    _require(actor, Role.SALES_VP)
    order = _locked(order)
    if actor.pk in (order.salesperson_id, order.submitted_by_id):
        raise PermissionDenied(_("You cannot approve an order you submitted yourself."))
    return _approve(order, actor=actor, note=_check_note(note))


@transaction.atomic
def order_reject(*, actor, order: Order, reason: str) -> Order:
    _require(actor, Role.SALES_VP)
    order = _locked(order)
    if actor.pk in (order.salesperson_id, order.submitted_by_id):
        raise PermissionDenied(_("You cannot decide on an order you submitted yourself."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Say why the order is rejected.")]})
    order.decided_by, order.decided_at, order.decision_reason = actor, timezone.now(), reason
    order.save(update_fields=["decided_by", "decided_at", "decision_reason"])
    _move(order, S.REJECTED, actor=actor, note=reason)
    notify(
        recipients=[order.salesperson],
        title=_("Order %(number)s was rejected") % {"number": order.number},
        body=reason,
        link=reverse("sales:order-detail", args=[order.pk]),
        level="warning",
    )
    return order


@transaction.atomic
def order_rework(*, actor, order: Order) -> Order:
    """A rejected order goes back to draft to be changed and submitted again."""
    _require(actor, *SELLER_ROLES, order=order)
    return _move(_locked(order), S.DRAFT, actor=actor)


@transaction.atomic
def order_cancel(*, actor, order: Order, reason: str) -> Order:
    """Cancel with a reason, only before anything has shipped."""
    _require(actor, *SELLER_ROLES, Role.SALES_VP, order=order)
    order = _locked(order)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Say why the order is cancelled.")]})
    if order.shipments.exists():
        raise Conflict(
            _("Goods of this order have shipped: it can no longer be cancelled."),
            code="already_shipped",
        )
    return _move(order, S.CANCELLED, actor=actor, note=reason)


@transaction.atomic
def order_start_fulfilment(*, actor, order: Order) -> Order:
    _require(actor, *WAREHOUSE_ROLES)
    return _move(_locked(order), S.IN_FULFILMENT, actor=actor)


@transaction.atomic
def order_close(*, actor, order: Order, note: str = "") -> Order:
    """Close an accepted order. Goods still disputed are settled first (409 ``dispute_open``)."""
    _require(actor, *SELLER_ROLES, order=order)
    order = _locked(order)
    if order.status == S.ACCEPTED_WITH_ISSUES and not selectors.open_dispute_units(order):
        # Accepted with a remark only (every unit taken): nothing is left to settle.
        order = _move(order, S.ACCEPTED, actor=actor)
    if order.status == S.ACCEPTED_WITH_ISSUES:
        raise Conflict(
            _(
                "Goods of this order were not accepted at delivery: send them again or credit "
                "them before closing the order."
            ),
            code="dispute_open",
        )
    return _move(order, S.CLOSED, actor=actor, note=note)


# -- shipping (QC-2, SAL-6, SAL-7) ------------------------------------------------------------


@dataclass(frozen=True)
class ShipInput:
    """One line to ship. ``serials`` are the units, one per unit of a serial-tracked product:
    ``SerialNumber`` rows or the numbers as typed or scanned (``"SN-0001"``)."""

    order_line: OrderLine
    batch: Batch
    quantity: int
    serials: tuple[SerialNumber | str, ...] = ()


def serial_text(value: str) -> str:
    """A serial number as stored: NFKC (full-width ＳＮ００１ is SN001), trimmed, upper case."""
    return normalized_code(value).upper()


def serials_from_text(text: str) -> tuple[str, ...]:
    """The serial numbers of a text area: one per line (a barcode scanner types the number
    and presses Enter), or separated by spaces, commas or semicolons."""
    parts = re.split(r"[\s,;，；、]+", text or "")
    return tuple(serial_text(p) for p in parts if p.strip())


def _lock_serials(
    lines: list[ShipInput], errors: dict[str, list[str]]
) -> tuple[list[ShipInput], set[int]]:
    """The lines with their serials as locked, freshly read rows, and which of those serials
    have shipped already.

    A serial ships at most once: its row is locked (in one order, so two shipments cannot
    deadlock) before it is checked, and read afresh, so a shipment committing meanwhile is
    seen. Twenty concurrent shipments of one serial make one. Numbers that name no serial
    are reported on their line, by name."""
    texts = {
        serial_text(s) if isinstance(s, str) else s.serial for line in lines for s in line.serials
    }
    fresh = {
        s.serial: s
        for s in SerialNumber.objects.select_for_update()
        .filter(serial__in=sorted(texts))
        .order_by("pk")
    }
    locked = []
    for index, line in enumerate(lines):
        names = [serial_text(s) if isinstance(s, str) else s.serial for s in line.serials]
        unknown = [n for n in names if n not in fresh]
        if unknown:
            errors[f"lines[{index}].serials"] = [
                _("Unknown serial number: %(serials)s.") % {"serials": ", ".join(unknown)}
            ]
        locked.append(
            ShipInput(
                line.order_line,
                line.batch,
                line.quantity,
                tuple(fresh[n] for n in names if n in fresh),
            )
        )
    return locked, selectors.serials_shipped(s.pk for s in fresh.values())


def _check_serials(
    index: int,
    line: ShipInput,
    order_line: OrderLine,
    seen: set[int],
    shipped: set[int],
    errors: dict[str, list[str]],
) -> None:
    """A serial-tracked product ships with one serial per unit, each an existing unit of the
    line's batch and product, never sold, never shipped, and not twice in one delivery."""
    key = f"lines[{index}].serials"
    if key in errors or f"lines[{index}].quantity" in errors:
        return  # unknown numbers already named; no count against a quantity that is wrong
    tracked = order_line.product.serial_tracked
    if (tracked or line.serials) and len(line.serials) != line.quantity:
        errors[key] = [
            _("Give one serial number per unit: %(n)s for %(product)s, %(given)s given.")
            % {"n": line.quantity, "product": order_line.product, "given": len(line.serials)}
        ]
        return
    for serial in line.serials:
        if serial.pk in seen:
            problem = _("Serial %(serial)s is given twice.")
        elif serial.product_id != order_line.product_id:
            problem = _("Serial %(serial)s belongs to another product.")
        elif serial.batch_id != line.batch.pk:
            problem = _("Serial %(serial)s is not of batch %(batch)s.")
        elif serial.owner_id is not None:
            problem = _("Serial %(serial)s is already sold.")
        elif serial.pk in shipped:
            problem = _("Serial %(serial)s has already shipped.")
        else:
            problem = None
        seen.add(serial.pk)
        if problem:
            errors.setdefault(key, []).append(
                problem % {"serial": serial.serial, "batch": line.batch.batch_no}
            )


def _check_batches_released(lines: list[ShipInput]) -> None:
    """QC-2 after the input checks: a 409 names the batch and why. The batches are read afresh
    and locked, so a failing inspection recorded at this moment cannot slip by."""
    current = {
        b.pk: b
        for b in Batch.objects.select_for_update()
        .filter(pk__in={line.batch.pk for line in lines})
        .order_by("pk")
    }
    for line in lines:
        problem = batch_shippable_problem(current[line.batch.pk])
        if problem:
            raise Conflict(problem, code="batch_not_released")


def _write_shipment(
    *, actor, order: Order, lines: list[ShipInput], documents, planned_at
) -> tuple[Shipment, list[ShipmentLine]]:
    shipment = Shipment.objects.create(
        number=document_number_next(kind="delivery_note"),
        order=order,
        verified_by=actor,
        shipped_at=timezone.now(),
        documents=list(documents),
        planned_at=planned_at,
        place=order.delivery_place,
    )
    rows = []
    for line in lines:
        row = ShipmentLine.objects.create(
            shipment=shipment,
            order_line=line.order_line,
            batch=line.batch,
            quantity=line.quantity,
            customer_id=order.customer_id,
            shipped_at=shipment.shipped_at,
        )
        if line.serials:
            row.serials.set(line.serials)
        rows.append(row)
    return shipment, rows


def _check_documents(documents) -> None:
    unknown = [d for d in documents if d not in DOCUMENTS]
    if unknown:
        raise InvalidInput(
            fields={"documents": [_("Unknown document: %(d)s.") % {"d": ", ".join(unknown)}]}
        )


def _tell_customer_shipped(order: Order, shipment: Shipment) -> None:
    customer = order.customer
    message_customer(
        phone=customer.mobile,
        template="order_shipped",
        context={
            "name": customer.name,
            "number": order.number,
            "note": shipment.number,
            "url": tracking_url(order),
        },
        related=shipment.number,
    )


@transaction.atomic
def shipment_create(
    *,
    actor,
    order: Order,
    lines: list[ShipInput],
    documents: list[str] = (),
    planned_at: datetime | None = None,
) -> Shipment:
    """Ship from inspected batches only (QC-2); the warehouse keeper's check is recorded.
    A serial-tracked product ships with its serial numbers, one per unit."""
    _require(actor, *WAREHOUSE_ROLES)
    order = _locked(order)
    if order.status not in (S.APPROVED, S.IN_FULFILMENT, S.PARTIALLY_SHIPPED):
        raise Conflict(
            _("An order that is %(current)s cannot ship.")
            % {"current": order.get_status_display()},
            code="illegal_transition",
        )
    if not lines:
        raise InvalidInput(fields={"lines": [_("Ship at least one line.")]})
    _check_documents(documents)
    errors: dict[str, list[str]] = {}
    lines, shipped = _lock_serials(lines, errors)
    seen_serials: set[int] = set()
    asked: dict[int, int] = {}  # a line listed twice counts once against what is open
    for line in lines:
        asked[line.order_line.pk] = asked.get(line.order_line.pk, 0) + line.quantity
    for index, line in enumerate(lines):
        order_line = (
            OrderLine.objects.select_for_update()
            .select_related("product")
            .get(pk=line.order_line.pk)
        )
        if order_line.order_id != order.pk:
            errors[f"lines[{index}].order_line"] = [_("This line belongs to another order.")]
            continue
        if line.batch.product_id != order_line.product_id:
            errors[f"lines[{index}].batch"] = [_("The batch belongs to another product.")]
        if line.quantity < 1 or asked[order_line.pk] > order_line.open_quantity:
            errors[f"lines[{index}].quantity"] = [
                _("Ship from 1 to %(n)s.") % {"n": order_line.open_quantity}
            ]
        _check_serials(index, line, order_line, seen_serials, shipped, errors)
    if errors:
        raise InvalidInput(fields=errors)
    _check_batches_released(lines)
    shipment, _rows = _write_shipment(
        actor=actor, order=order, lines=lines, documents=documents, planned_at=planned_at
    )
    for line in lines:
        OrderLine.objects.filter(pk=line.order_line.pk).update(
            shipped_quantity=F("shipped_quantity") + line.quantity
        )
    everything = not order.lines.filter(shipped_quantity__lt=F("quantity")).exists()
    target = S.SHIPPED if everything else S.PARTIALLY_SHIPPED
    if order.status != target:
        _move(order, target, actor=actor, note=shipment.number)
    _tell_customer_shipped(order, shipment)
    return shipment


@transaction.atomic
def shipment_deliver(
    *,
    actor,
    shipment: Shipment,
    delivered_at: datetime | None = None,
    deliverer: str = "",
    carrier: str = "",
    handed_over: str = "",
    place: str = "",
) -> Shipment:
    """The delivery record (SAL-7). Serial numbers get their owner and warranty start."""
    _require(actor, *WAREHOUSE_ROLES)
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status != Shipment.Status.SHIPPED:
        raise Conflict(_("This delivery is already recorded."), code="already_delivered")
    delivered_at = delivered_at or timezone.now()
    if delivered_at < shipment.shipped_at:
        raise InvalidInput(fields={"delivered_at": [_("Delivery cannot be before shipping.")]})
    shipment.status = Shipment.Status.DELIVERED
    shipment.delivered_at = delivered_at
    shipment.deliverer = (deliverer or str(actor))[:60]
    shipment.carrier, shipment.handed_over = carrier[:100], handed_over[:300]
    shipment.place = (place or shipment.place)[:200]
    shipment._history_user = actor
    shipment.save()
    order = shipment.order
    day = timezone.localdate(delivered_at)
    for line in shipment.lines.prefetch_related("serials"):
        SerialNumber.objects.filter(pk__in=[s.pk for s in line.serials.all()]).update(
            owner=order.customer,
            warranty_start=day,
            sale_ref=order.number,
            delivery_ref=shipment.number,
        )
    # Other apps act on the delivery (the 三包 app issues a certificate per serial number).
    call_hook("shipment_delivered", shipment=shipment, actor=actor)
    order = _locked(order)
    all_delivered = not order.shipments.exclude(
        status__in=[
            Shipment.Status.DELIVERED,
            Shipment.Status.ACCEPTED,
            Shipment.Status.ACCEPTED_WITH_ISSUES,
        ]
    ).exists()
    if order.status == S.SHIPPED and all_delivered:
        _move(order, S.DELIVERED, actor=actor, note=shipment.number)
        # The feedback app schedules the satisfaction call (SAL-9, FB-1).
        call_hook("order_delivered", order=order, day=day, actor=actor)
    return shipment


@dataclass(frozen=True)
class AcceptInput:
    shipment_line: ShipmentLine
    accepted_quantity: int
    problem: str = ""  # "" | damage | shortage | wrong_specification
    note: str = ""


PROBLEMS = {"damage", "shortage", "wrong_specification"}


@transaction.atomic
def shipment_accept(
    *,
    actor,
    shipment: Shipment,
    lines: list[AcceptInput],
    photos=(),
    carrier_claim_ref: str = "",
    carrier_claim_amount: Decimal | None = None,
) -> Shipment:
    """The customer's check at delivery (SAL-8). A problem opens an after-sales case; a dealer
    receiving goods by carrier records its claim against the carrier (S8)."""
    _require(actor, *ACCEPT_ROLES)
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if shipment.status != Shipment.Status.DELIVERED:
        raise Conflict(_("Record the delivery before the acceptance."), code="not_delivered")
    given = {line.shipment_line.pk: line for line in lines}
    errors: dict[str, list[str]] = {}
    rows = list(shipment.lines.select_related("order_line__product"))
    for index, row in enumerate(rows):
        line = given.get(row.pk)
        if line is None:
            errors[f"lines[{index}]"] = [_("Record every line of the delivery.")]
            continue
        if not 0 <= line.accepted_quantity <= row.quantity:
            errors[f"lines[{index}].accepted_quantity"] = [
                _("From 0 to %(n)s.") % {"n": row.quantity}
            ]
        if line.problem and line.problem not in PROBLEMS:
            errors[f"lines[{index}].problem"] = [_("Unknown problem.")]
        if line.accepted_quantity < row.quantity and not line.problem:
            errors[f"lines[{index}].problem"] = [
                _("Say what is wrong with the goods not accepted.")
            ]
    if carrier_claim_amount is not None and (
        not carrier_claim_amount.is_finite()
        or not Decimal("0") <= carrier_claim_amount <= Decimal("9999999999.99")
    ):
        errors["carrier_claim_amount"] = [_("Enter an amount from 0 to 9,999,999,999.99.")]
    has_problem = any(given[r.pk].problem for r in rows if r.pk in given)
    if (carrier_claim_ref or carrier_claim_amount) and not has_problem:
        errors["carrier_claim_ref"] = [_("A carrier claim needs a damaged or missing line.")]
    if errors:
        raise InvalidInput(fields=errors)
    shipment.carrier_claim_ref = (carrier_claim_ref or "").strip()[:60]
    shipment.carrier_claim_amount = carrier_claim_amount
    issues = []
    for row in rows:
        line = given[row.pk]
        row.accepted_quantity, row.problem = line.accepted_quantity, line.problem
        row.problem_note = line.note[:300]
        row.save(update_fields=["accepted_quantity", "problem", "problem_note"])
        OrderLine.objects.filter(pk=row.order_line_id).update(
            accepted_quantity=F("accepted_quantity") + line.accepted_quantity
        )
        if line.problem:
            issues.append(row)
    for photo in photos:
        shipment.photos.create(image=photo)
    shipment.status = Shipment.Status.ACCEPTED_WITH_ISSUES if issues else Shipment.Status.ACCEPTED
    shipment._history_user = actor
    shipment.save(
        update_fields=["status", "carrier_claim_ref", "carrier_claim_amount", "updated_at"]
    )
    for row in issues:
        _report_problem(shipment, row, actor)
    order = _locked(shipment.order)
    pending = order.shipments.exclude(
        status__in=[Shipment.Status.ACCEPTED, Shipment.Status.ACCEPTED_WITH_ISSUES]
    ).exists()
    if order.status == S.DELIVERED and not pending:
        # Accepted once every unit is accepted, or was sent again or credited; units still
        # disputed keep the order "accepted with issues" until they are settled (SAL-8).
        _move(
            order,
            S.ACCEPTED_WITH_ISSUES if selectors.open_dispute_units(order) else S.ACCEPTED,
            actor=actor,
            note=shipment.number,
        )
    return shipment


def _report_problem(shipment: Shipment, row: ShipmentLine, actor) -> None:
    """Hand the problem to the after-sales service (SAL-8, SVC-1 "failed acceptance")."""
    handled = call_hook("acceptance_problem", shipment=shipment, line=row, actor=actor)
    case = next((h for h in handled if h), None)
    if case is not None:
        # The order shows the case it opened, linked (the service app's number).
        row.case_number = str(getattr(case, "number", "") or "")[:30]
        row.save(update_fields=["case_number"])
        return
    # No service app answered: make sure customer service hears of it.
    notify(
        recipients=_role_users(Role.CUSTOMER_SERVICE),
        title=_("Acceptance problem on %(note)s: %(product)s")
        % {"note": shipment.number, "product": row.order_line.product},
        body=f"{row.problem}: {row.problem_note}".strip(": "),
        link=reverse("sales:order-detail", args=[shipment.order_id]),
        level="danger",
    )


# -- goods not accepted at delivery (SAL-8) ---------------------------------------------------


@dataclass(frozen=True)
class ReshipInput:
    """Send disputed units of a delivery line again, from a batch (with serials when the
    product is serial-tracked)."""

    shipment_line: ShipmentLine
    batch: Batch
    quantity: int
    serials: tuple[SerialNumber | str, ...] = ()


def _require_dispute(order: Order) -> None:
    if order.status != S.ACCEPTED_WITH_ISSUES:
        raise Conflict(
            _(
                "Only goods not accepted at delivery are sent again or credited; this order "
                "is %(current)s."
            )
            % {"current": order.get_status_display()},
            code="no_open_dispute",
        )


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(fields={"note": [_("At most %(n)s characters.") % {"n": NOTE_MAX}]})
    return note


@transaction.atomic
def dispute_reship(
    *,
    actor,
    order: Order,
    lines: list[ReshipInput],
    documents: list[str] = (),
    note: str = "",
) -> Shipment:
    """Send the missing or damaged units again: a new delivery note for them, from a released
    batch, with serial numbers as any shipment. The order goes back to shipped and through
    delivery and acceptance again; the units count as settled on the disputed line."""
    _require(actor, *WAREHOUSE_ROLES)
    order = _locked(order)
    _require_dispute(order)
    if not lines:
        raise InvalidInput(fields={"lines": [_("Send at least one line again.")]})
    _check_documents(documents)
    note = _check_note(note)
    open_rows = {row.pk: row for row in selectors.dispute_lines(order)}
    errors: dict[str, list[str]] = {}
    asked: dict[int, int] = {}
    for line in lines:
        asked[line.shipment_line.pk] = asked.get(line.shipment_line.pk, 0) + line.quantity
    ship_inputs = []
    for index, line in enumerate(lines):
        row = open_rows.get(line.shipment_line.pk)
        if row is None or row.open_units < 1:
            errors[f"lines[{index}].shipment_line"] = [
                _("This delivery line has nothing left to settle.")
            ]
            continue
        if line.quantity < 1 or asked[row.pk] > row.open_units:
            errors[f"lines[{index}].quantity"] = [
                _("Send from 1 to %(n)s.") % {"n": row.open_units}
            ]
        if line.batch.product_id != row.order_line.product_id:
            errors[f"lines[{index}].batch"] = [_("The batch belongs to another product.")]
        ship_inputs.append(ShipInput(row.order_line, line.batch, line.quantity, line.serials))
    if errors:
        raise InvalidInput(fields=errors)
    ship_inputs, shipped = _lock_serials(ship_inputs, errors)
    seen: set[int] = set()
    for index, line in enumerate(ship_inputs):
        _check_serials(index, line, line.order_line, seen, shipped, errors)
    if errors:
        raise InvalidInput(fields=errors)
    _check_batches_released(ship_inputs)
    shipment, _rows = _write_shipment(
        actor=actor, order=order, lines=ship_inputs, documents=documents, planned_at=None
    )
    for line in lines:
        DisputeResolution.objects.create(
            shipment_line=open_rows[line.shipment_line.pk],
            kind=DisputeResolution.Kind.RESHIP,
            quantity=line.quantity,
            reship=shipment,
            note=note,
            actor=actor,
        )
    _move(
        order,
        S.SHIPPED,
        actor=actor,
        note=_("Sent again: %(note)s") % {"note": shipment.number},
    )
    _tell_customer_shipped(order, shipment)
    return shipment


@transaction.atomic
def dispute_credit(
    *, actor, order: Order, shipment_line: ShipmentLine, quantity: int, note: str = ""
) -> DisputeResolution:
    """The customer keeps fewer units: the disputed ones are returned (or never arrived) and
    credited at the line's unit price. Once nothing is left open the order is accepted."""
    _require(actor, *SELLER_ROLES, order=order)
    order = _locked(order)
    _require_dispute(order)
    note = _check_note(note)
    row = next((r for r in selectors.dispute_lines(order) if r.pk == shipment_line.pk), None)
    if row is None or row.open_units < 1:
        raise InvalidInput(
            fields={"shipment_line": [_("This delivery line has nothing left to settle.")]}
        )
    if not 1 <= quantity <= row.open_units:
        raise InvalidInput(
            fields={"quantity": [_("Credit from 1 to %(n)s.") % {"n": row.open_units}]}
        )
    amount = (Decimal(quantity) * row.order_line.unit_price).quantize(Decimal("0.01"))
    resolution = DisputeResolution.objects.create(
        shipment_line=row,
        kind=DisputeResolution.Kind.CREDIT,
        quantity=quantity,
        amount=amount,
        note=note,
        actor=actor,
    )
    if not selectors.open_dispute_units(order):
        _move(
            order,
            S.ACCEPTED,
            actor=actor,
            note=_("Settled: %(n)s × %(product)s credited, ¥%(amount)s")
            % {"n": quantity, "product": row.order_line.product, "amount": amount},
        )
    return resolution


def _role_users(role: Role):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(groups__name=role.value, is_active=True))


SCAN_MAGIC = {b"%PDF": ".pdf", b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png"}
SCAN_CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}
SCAN_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def order_attach_scan(*, actor, order: Order, scan) -> Order:
    """Attach the signed contract (PDF or photo, up to 10 MB) to the order (SAL-1)."""
    _require(actor, *SELLER_ROLES, order=order)
    order = _locked(order)
    if order.status in (S.CLOSED, S.CANCELLED):
        raise Conflict(
            _("A closed or cancelled order is not changed any more."), code="illegal_transition"
        )
    if scan.size > SCAN_MAX_BYTES:
        raise InvalidInput(fields={"signed_scan": [_("The file is larger than 10 MB.")]})
    head = scan.read(8)
    scan.seek(0)
    # Trust the bytes, not the declared type or the name: a disguised HTML file must not be
    # stored (and later served) as a contract.
    extension = next((ext for magic, ext in SCAN_MAGIC.items() if head.startswith(magic)), None)
    if extension is None:
        raise InvalidInput(fields={"signed_scan": [_("Attach a PDF, JPEG or PNG file.")]})
    order.signed_scan.save(f"{order.number}{extension}", scan, save=False)
    order.version += 1
    order._history_user = actor
    order.save(update_fields=["signed_scan", "version", "updated_at"])
    return order


# -- written promises (SAL-11, S2) ------------------------------------------------------------

P = WrittenPromise.Status

# The company's promise is its staff's own word: published by them, without review. A
# dealer's is submitted and published or rejected by the company; it may be withdrawn
# (rejected) after publication, and a change to its wording sends it back to review.
COMPANY_PROMISE_STEPS: dict[str, set[str]] = {P.DRAFT: {P.PUBLISHED}}
DEALER_PROMISE_STEPS: dict[str, set[str]] = {
    P.DRAFT: {P.SUBMITTED},
    P.SUBMITTED: {P.PUBLISHED, P.REJECTED},
    P.PUBLISHED: {P.SUBMITTED, P.REJECTED},
    P.REJECTED: {P.SUBMITTED},
}
PROMISE_FIELDS = {
    "title",
    "text",
    "kind",
    "category",
    "product",
    "active",
    "valid_from",
    "valid_until",
    "sort_order",
}
# What the customer is promised: changing any of these on a dealer's published promise needs
# the company's review again. Switching it off (or on again) or reordering does not.
PROMISE_WORDING = PROMISE_FIELDS - {"active", "sort_order"}
REVIEW_DECISIONS = ("approve", "reject")


def promise_can_move(promise: WrittenPromise, to: str) -> bool:
    steps = DEALER_PROMISE_STEPS if promise.dealer_id else COMPANY_PROMISE_STEPS
    return to in steps.get(promise.status, set())


def _promise_move(promise: WrittenPromise, to: str) -> None:
    """One step of the promise's table, or 409 ``illegal_transition`` saying what it is."""
    if not promise_can_move(promise, to):
        raise Conflict(
            _("A promise that is %(current)s cannot become %(target)s.")
            % {"current": promise.get_status_display(), "target": P(to).label},
            code="illegal_transition",
        )
    promise.status = to


def _promise_locked(promise: WrittenPromise, expected_version: int | None) -> WrittenPromise:
    locked = WrittenPromise.objects.select_for_update().get(pk=promise.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion()
    return locked


def _promise_fields(fields: dict) -> None:
    unknown = set(fields) - PROMISE_FIELDS
    if unknown:
        raise InvalidInput(fields={k: [_("This field cannot be changed.")] for k in unknown})


def _check_promise(promise: WrittenPromise) -> None:
    """Every problem of the promise at once, each on its field."""
    promise.title = (promise.title or "").strip()
    promise.text = (promise.text or "").strip()
    errors: dict[str, list[str]] = {}
    if promise.category_id and promise.product_id:
        errors["product"] = [
            _("Choose a category or a product, not both (neither: every product).")
        ]
    if promise.valid_from and promise.valid_until and promise.valid_until < promise.valid_from:
        errors["valid_until"] = [_("The promise cannot end before it starts.")]
    try:
        full_clean_or_invalid(promise, exclude=["version"])
    except InvalidInput as exc:
        found = dict(exc.fields)
        if "product" in errors:
            found.pop("__all__", None)  # the database's own words for the same rule
        errors = {**found, **errors}
    if errors:
        raise InvalidInput(fields=errors)


def _save_promise(promise: WrittenPromise, actor) -> WrittenPromise:
    promise.version += 1
    promise._history_user = actor
    promise.save()
    return promise


def _ask_for_review(promise: WrittenPromise, actor) -> None:
    promise.submitted_at, promise.submitted_by = timezone.now(), actor
    notify(
        recipients=_role_users(Role.SALES_VP),
        title=_("%(dealer)s asks to publish the promise “%(title)s”")
        % {"dealer": promise.dealer, "title": promise.title},
        link=reverse("sales:promise-detail", args=[promise.pk]),
    )


@transaction.atomic
def promise_create(*, actor, **fields) -> WrittenPromise:
    """A draft promise: the company's when its staff write it, their dealer's when a dealer's
    people do."""
    if not permissions.can_write_promises(actor):
        raise PermissionDenied()
    _promise_fields(fields)
    scoped, dealer = permissions.promise_dealer(actor)
    promise = WrittenPromise(author=actor, dealer=dealer if scoped else None, **fields)
    promise.status = P.DRAFT
    _check_promise(promise)
    promise._history_user = actor
    promise.save()
    return promise


@transaction.atomic
def promise_update(
    *, actor, promise: WrittenPromise, expected_version: int | None = None, **fields
) -> WrittenPromise:
    """Change a promise. A dealer's published promise whose wording changes goes back to the
    company's review (and off the public page until it is published again)."""
    if not permissions.can_edit_promise(actor, promise):
        raise PermissionDenied()
    _promise_fields(fields)
    promise = _promise_locked(promise, expected_version)
    changed = {name for name, value in fields.items() if getattr(promise, name) != value}
    if not changed:
        return promise
    for name in changed:
        setattr(promise, name, fields[name])
    _check_promise(promise)
    if promise.dealer_id and promise.status == P.PUBLISHED and changed & PROMISE_WORDING:
        _promise_move(promise, P.SUBMITTED)
        _ask_for_review(promise, actor)
    return _save_promise(promise, actor)


@transaction.atomic
def promise_submit(
    *, actor, promise: WrittenPromise, expected_version: int | None = None
) -> WrittenPromise:
    """A dealer's draft (or rejected) promise goes to the company's review; the company's own
    draft is published at once."""
    if not permissions.can_edit_promise(actor, promise):
        raise PermissionDenied()
    promise = _promise_locked(promise, expected_version)
    if promise.dealer_id is None:
        _promise_move(promise, P.PUBLISHED)
        promise.published_at = timezone.now()
    else:
        if promise.status == P.PUBLISHED:
            raise Conflict(_("This promise is already published."), code="illegal_transition")
        _promise_move(promise, P.SUBMITTED)
        _ask_for_review(promise, actor)
    return _save_promise(promise, actor)


@transaction.atomic
def promise_review(
    *,
    actor,
    promise: WrittenPromise,
    decision: str,
    reason: str = "",
    expected_version: int | None = None,
) -> WrittenPromise:
    """The company decides on a dealer's promise: ``approve`` publishes a submitted one (the
    reason is an optional comment), ``reject`` sends a submitted one back, or withdraws a
    published one, with a reason the dealer reads."""
    if not permissions.can_review_promises(actor):
        raise PermissionDenied()
    if decision not in REVIEW_DECISIONS:
        raise InvalidInput(fields={"decision": [_("Approve or reject.")]})
    reason = (reason or "").strip()
    if len(reason) > NOTE_MAX:
        raise InvalidInput(fields={"reason": [_("At most %(n)s characters.") % {"n": NOTE_MAX}]})
    promise = _promise_locked(promise, expected_version)
    if promise.dealer_id is None:
        raise Conflict(
            _("The company's own promises are published without review."),
            code="illegal_transition",
        )
    now = timezone.now()
    if decision == "approve":
        _promise_move(promise, P.PUBLISHED)
        promise.published_at = now
        title = _("Your promise “%(title)s” was published")
    else:
        if not reason:
            raise InvalidInput(fields={"reason": [_("Say why the promise is rejected.")]})
        _promise_move(promise, P.REJECTED)
        title = _("Your promise “%(title)s” was rejected")
    promise.reviewed_by, promise.reviewed_at, promise.review_reason = actor, now, reason
    _save_promise(promise, actor)
    notify(
        recipients=[promise.submitted_by or promise.author],
        title=title % {"title": promise.title},
        body=reason,
        link=reverse("sales:promise-detail", args=[promise.pk]),
        level="info" if decision == "approve" else "warning",
    )
    return promise
