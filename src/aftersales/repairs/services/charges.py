"""What a work order costs the customer (WAR-9): labour, parts and travel lines, free when the
三包 decision says so; paid work waits for the customer's accepted quotation.

* In warranty (the work order's 三包 decision) the repair is free, parts and labour; the 三包
  answer's fees may still put an item on the customer (S17: parts and travel), and a line may
  be marked free or paid by hand.
* Out of warranty (or undecided) the work is paid, priced from the ``ServiceRate`` list.
* Paid work needs a quotation the customer accepted (``quote_send`` → ``quote_accept``);
  ``work_order_complete`` refuses while ``quote_needed``. A declined quotation means the paid
  work is not done: its lines come off the work order.
* Who carries the cost of free work (S8): the quality department's verdict on the case —
  the manufacturer's fault in full, transport or dealer handling shared by the policy's
  ``dealer_split``, the customer's misuse or no defect not at all.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.messaging import message_customer
from aftersales.core.times import local_text

from ..models import ChargeLine, ServiceRate, WorkOrder
from ..permissions import can_dispatch, can_work_on
from .work_orders import _event as record_event
from .work_orders import _locked, _save

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal("1.00")
S = WorkOrder.Status
CLOSED = frozenset({S.COMPLETED, S.RETURNED, S.CANCELLED})
# The kinds a person adds here; parts lines come from ``parts.part_consume`` (stock moves).
ADDABLE_KINDS = (ChargeLine.Kind.LABOUR, ChargeLine.Kind.TRAVEL, ChargeLine.Kind.OTHER)
RATE_FOR_KIND = {
    ChargeLine.Kind.LABOUR: ServiceRate.Kind.LABOUR_HOUR,
    ChargeLine.Kind.TRAVEL: ServiceRate.Kind.TRAVEL,
}
# The 三包 answer's fee items (``answer["fees"]``) by line kind.
FEE_FOR_KIND = {
    ChargeLine.Kind.LABOUR: "labour",
    ChargeLine.Kind.PART: "parts",
    ChargeLine.Kind.TRAVEL: "travel",
}
QUOTE_ACTIONS = ("send", "accept", "decline")


# -- amounts (contracts used by the work-order flow and the parts module) ------------------


def line_amount(line: ChargeLine) -> Decimal:
    """What the customer pays for one line: nothing when it is free."""
    if line.free:
        return Decimal("0.00")
    return (line.quantity * line.unit_price).quantize(CENT)


def line_value(line: ChargeLine) -> Decimal:
    """What the line is worth, whoever pays it (the cost of free work, S8)."""
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


def free_by_default(work_order: WorkOrder, kind: str) -> bool:
    """Whether a new line of ``kind`` is free: in warranty, unless the 三包 answer puts that
    fee item on the customer (S17: parts and travel)."""
    if work_order.in_warranty is not True:
        return False
    fees = (work_order.warranty_answer or {}).get("fees") or {}
    item = FEE_FOR_KIND.get(kind)
    return not (item and fees.get(item) == "consumer")


def rate_for(kind: str) -> Decimal | None:
    """The price list's amount for a line kind (labour per hour, travel per visit)."""
    rate_kind = RATE_FOR_KIND.get(kind)
    if rate_kind is None:
        return None
    return ServiceRate.objects.filter(kind=rate_kind).values_list("amount", flat=True).first()


# -- permissions ---------------------------------------------------------------------------


def can_charge(user, work_order: WorkOrder) -> bool:
    """Dispatchers and the work order's technician add and remove charges and send quotes."""
    return can_work_on(user, work_order)


def can_accept_quote(user, work_order: WorkOrder, *, by_customer: bool) -> bool:
    """The technician records the customer's answer given on site; otherwise a dispatcher
    records it (by phone, in writing)."""
    if by_customer:
        return can_work_on(user, work_order)
    return can_dispatch(user)


# -- helpers -------------------------------------------------------------------------------


def _event(wo: WorkOrder, actor, action: str, note: str = "") -> None:
    record_event(wo, actor, action, note=note)


def _open(wo: WorkOrder) -> None:
    if wo.status in CLOSED:
        raise Conflict(
            _("The work order is “%(status)s”: its charges can no longer change.")
            % {"status": wo.get_status_display()},
            code="work_order_closed",
        )


def _decimal(value, field: str, errors: dict, *, message: str) -> Decimal | None:
    try:
        number = Decimal(str(value))
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, TypeError, ValueError):
        errors[field] = [message]
        return None
    return number


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT):,.2f}"


def _after_change(wo: WorkOrder) -> None:
    charges_recalculate(wo)


# -- lines ---------------------------------------------------------------------------------


@transaction.atomic
def charge_add(
    *,
    actor,
    work_order: WorkOrder,
    kind: str,
    description: str = "",
    quantity=1,
    unit_price=None,
    free: bool | None = None,
) -> ChargeLine:
    """Add labour, travel or another charge (WAR-9). The price defaults from the rate list;
    ``free`` from the 三包 decision (``free_by_default``). A free line keeps its price: it is
    the cost the business carries (S8)."""
    if not can_charge(actor, work_order):
        raise PermissionDenied(_("Only the dispatchers and the work order's technician charge."))
    wo = _locked(work_order)
    _open(wo)
    default_free = free_by_default(wo, kind)
    overriding = (free is not None and bool(free) != default_free) or (
        unit_price not in (None, "") and rate_for(kind) is not None
    )
    if overriding and not can_dispatch(actor):
        # WAR-9: the technician charges by the rules; waiving or re-pricing is the office's.
        raise PermissionDenied(
            _("Only the after-sales department waives a charge or changes a rate's price.")
        )
    errors: dict[str, list[str]] = {}
    if kind == ChargeLine.Kind.PART:
        errors["kind"] = [_("Parts are charged when they are used from stock.")]
    elif kind not in ADDABLE_KINDS:
        errors["kind"] = [_("Choose labour, travel or other.")]
    qty = _decimal(quantity, "quantity", errors, message=_("Enter a quantity like 1.5."))
    if qty is not None and (qty <= 0 or qty >= Decimal("1000000")):
        errors["quantity"] = [_("The quantity must be more than 0.")]
    if free is None:
        free = free_by_default(wo, kind)
    price = None
    if unit_price not in (None, ""):
        price = _decimal(unit_price, "unit_price", errors, message=_("Enter a price like 120.00."))
        if price is not None and price < 0:
            errors["unit_price"] = [_("A price cannot be negative.")]
    elif "kind" not in errors:
        price = rate_for(kind)
        if price is None and free:
            price = ZERO
        elif price is None:
            errors["unit_price"] = [_("There is no rate for this; give the price.")]
    description = (description or "").strip()
    if not description and kind == ChargeLine.Kind.OTHER:
        errors["description"] = [_("Say what the charge is for.")]
    if errors:
        raise InvalidInput(fields=errors)
    if not description:
        description = str(ChargeLine.Kind(kind).label)
    line = ChargeLine(
        work_order=wo,
        kind=kind,
        description=description[:120],
        quantity=qty.quantize(CENT),
        unit_price=price.quantize(CENT),
        free=bool(free),
    )
    line.amount = line_amount(line)
    line.save()
    _after_change(wo)
    paid = _("free") if line.free else _("paid")
    _event(wo, actor, "charge_add", f"{line.description} × {line.quantity} ({paid})")
    work_order.charge_total = wo.charge_total
    return line


@transaction.atomic
def charge_remove(*, actor, work_order: WorkOrder, line_id: int) -> None:
    """Take a labour, travel or other line off. Parts lines go back through the parts stock
    (their stock move stays)."""
    if not can_charge(actor, work_order):
        raise PermissionDenied(_("Only the dispatchers and the work order's technician charge."))
    wo = _locked(work_order)
    _open(wo)
    line = wo.charges.filter(pk=line_id).first()
    if line is None:
        raise InvalidInput(fields={"line": [_("The work order has no such charge.")]})
    if line.stock_move_id is not None:
        raise Conflict(
            _("A part used from stock is taken off by returning it to stock."),
            code="part_line",
        )
    note = f"{line.description} × {line.quantity}"
    line.delete()
    _after_change(wo)
    _event(wo, actor, "charge_remove", note)
    work_order.charge_total = wo.charge_total


def charge_lines(work_order: WorkOrder) -> list[ChargeLine]:
    return list(work_order.charges.select_related("part"))


# -- the quotation -------------------------------------------------------------------------


def _quote_text(lines: list[ChargeLine]) -> str:
    paid = [ln for ln in lines if not ln.free and line_amount(ln) > 0]
    return "；".join(
        f"{ln.description} {ln.quantity.normalize():f}×{_money(ln.unit_price)}" for ln in paid
    )


@transaction.atomic
def quote_send(*, actor, work_order: WorkOrder) -> WorkOrder:
    """Quote the paid work to the customer: the amount they pay and its lines, by SMS and
    e-mail. A new quotation replaces an earlier answer. The work order's status does not
    change (waiting for the answer is ``work_order_pause(waiting_for="quote")``)."""
    if not can_charge(actor, work_order):
        raise PermissionDenied(_("Only the dispatchers and the work order's technician quote."))
    wo = _locked(work_order)
    _open(wo)
    total = charges_recalculate(wo)
    if total <= 0:
        raise Conflict(
            _("Nothing on this work order is paid: there is nothing to quote."),
            code="nothing_to_quote",
        )
    lines = charge_lines(wo)
    wo.quote_total = total
    wo.quote_sent_at = timezone.now()
    wo.quote_accepted_at = None
    wo.quote_declined_at = None
    _save(wo, actor, ["quote_total", "quote_sent_at", "quote_accepted_at", "quote_declined_at"])
    _event(wo, actor, "quote_send", f"¥{_money(total)}")
    customer = wo.customer
    phone = wo.contact_phone if wo.contact_phone.startswith("1") else customer.mobile
    message_customer(
        phone=phone or "",
        email=customer.email,
        template="work_order_quote",
        context={
            "name": customer.name,
            "number": wo.number,
            "amount": _money(total),
            "lines": _quote_text(lines),
        },
        related=wo.number,
    )
    _refresh(work_order, wo)
    return work_order


def _answerable(wo: WorkOrder) -> None:
    if wo.quote_sent_at is None or wo.quote_total is None:
        raise Conflict(_("No quotation has been sent yet."), code="quote_not_sent")


@transaction.atomic
def quote_accept(
    *, actor, work_order: WorkOrder, by_customer: bool = False, by_link: bool = False
) -> WorkOrder:
    """The customer accepts the quotation: on site, recorded by the technician
    (``by_customer``), through the signed link of their case (``by_link``; ``actor`` is then
    None and the caller checked the link), or by phone or in writing, recorded by a
    dispatcher. A quotation is out of date once the paid lines cost more than it said."""
    if not by_link and not can_accept_quote(actor, work_order, by_customer=by_customer):
        raise PermissionDenied(
            _("The technician records the customer's answer on site; otherwise a dispatcher.")
        )
    wo = _locked(work_order)
    _open(wo)
    _answerable(wo)
    if wo.quote_accepted_at is not None:
        raise Conflict(_("The quotation is already accepted."), code="quote_answered")
    payable = charges_recalculate(wo)
    if payable > wo.quote_total:
        raise Conflict(
            _("The charges have grown since the quotation was sent; send a new quotation."),
            code="quote_outdated",
        )
    wo.quote_accepted_at = timezone.now()
    wo.quote_declined_at = None
    _save(wo, actor, ["quote_accepted_at", "quote_declined_at"])
    how = (
        _("by the customer through their link")
        if by_link
        else _("by the customer on site")
        if by_customer
        else _("recorded by the office")
    )
    _event(wo, actor, "quote_accept", f"¥{_money(wo.quote_total)} {how}")
    _refresh(work_order, wo)
    return work_order


@transaction.atomic
def quote_decline(
    *,
    actor,
    work_order: WorkOrder,
    by_customer: bool = False,
    note: str = "",
    by_link: bool = False,
) -> WorkOrder:
    """The customer declines: the refusal is recorded and the paid work is not done, so its
    labour, travel and other lines come off (listed in the event). Paid parts already used
    stay until they are returned to stock."""
    if not by_link and not can_accept_quote(actor, work_order, by_customer=by_customer):
        raise PermissionDenied(
            _("The technician records the customer's answer on site; otherwise a dispatcher.")
        )
    wo = _locked(work_order)
    _open(wo)
    _answerable(wo)
    if wo.quote_declined_at is not None:
        raise Conflict(_("The quotation is already declined."), code="quote_answered")
    dropped = [ln for ln in wo.charges.all() if not ln.free and ln.stock_move_id is None]
    removed = "；".join(f"{ln.description} ¥{_money(line_amount(ln))}" for ln in dropped)
    ChargeLine.objects.filter(pk__in=[ln.pk for ln in dropped]).delete()
    charges_recalculate(wo)
    wo.quote_declined_at = timezone.now()
    wo.quote_accepted_at = None
    _save(wo, actor, ["quote_declined_at", "quote_accepted_at"])
    text = " ".join(t for t in ((note or "").strip(), removed) if t)
    _event(wo, actor, "quote_decline", text)
    _refresh(work_order, wo)
    return work_order


def _refresh(target: WorkOrder, source: WorkOrder) -> None:
    """The caller's copy follows the saved row (its version, quote and totals)."""
    for name in (
        "version",
        "quote_total",
        "quote_sent_at",
        "quote_accepted_at",
        "quote_declined_at",
        "charge_total",
        "manufacturer_share",
        "updated_at",
    ):
        setattr(target, name, getattr(source, name))


def quote_state(work_order: WorkOrder) -> str:
    """none · sent · accepted · declined · outdated (the charges grew after acceptance)."""
    if work_order.quote_declined_at is not None:
        return "declined"
    if work_order.quote_accepted_at is not None:
        return "outdated" if quote_needed(work_order) else "accepted"
    if work_order.quote_sent_at is not None:
        return "sent"
    return "none"


# -- who carries the cost (S8) -------------------------------------------------------------


def cost_split(work_order: WorkOrder) -> dict:
    """The manufacturer's and the dealer's part of what the business carries for the work
    order (its free lines' value), from the quality verdict on the work order's case:
    manufacturer's fault → 100 %; transport or dealer handling → the policy's dealer split
    (S8: 50 %); customer's misuse or no defect → 0. Without a verdict ``share`` is None."""
    from aftersales.quality.services.judgements import judgement_for
    from aftersales.warranty.services.claims import manufacturer_share_for

    cost = sum((line_value(ln) for ln in work_order.charges.all() if ln.free), ZERO)
    judgement = judgement_for(work_order.case) if work_order.case_id else None
    share = None
    if judgement is not None:
        policy = (work_order.warranty_answer or {}).get("policy") or None
        share = manufacturer_share_for(judgement.verdict, policy_key=policy)
    manufacturer = (cost * share).quantize(CENT) if share is not None else None
    return {
        "cost": cost,
        "judgement": judgement,
        "verdict": judgement.verdict if judgement else None,
        "verdict_label": judgement.get_verdict_display() if judgement else "",
        "share": share,
        "manufacturer": manufacturer,
        "dealer": cost - manufacturer if manufacturer is not None else None,
        "recorded": work_order.manufacturer_share,
    }


@transaction.atomic
def cost_split_record(*, actor, work_order: WorkOrder) -> WorkOrder:
    """Store the manufacturer's share the verdict gives (a dispatcher, once quality judged)."""
    if not can_dispatch(actor):
        raise PermissionDenied(_("Only the after-sales department records the cost split."))
    wo = _locked(work_order)
    split = cost_split(wo)
    if split["share"] is None:
        raise Conflict(
            _("The quality department has not judged the case's responsibility yet."),
            code="judgement_missing",
        )
    wo.manufacturer_share = split["share"]
    _save(wo, actor, ["manufacturer_share"])
    _event(wo, actor, "cost_split", f"{split['verdict_label']}: {split['share']}")
    _refresh(work_order, wo)
    return work_order


# -- the charge sheet (收费单) --------------------------------------------------------------


def charge_sheet_pdf(work_order: WorkOrder, *, reader=None) -> bytes:
    """收费单: who and what, the 三包 decision and its basis, every line free or paid, the
    total, the quotation's acceptance, and a line for the customer's signature
    (``repairs/print/charge_sheet.html``, see ``core.pdf``)."""
    from aftersales.core.pdf import render_pdf
    from aftersales.customers.masking import phone_for

    def when(value) -> str:
        return local_text(value, empty="—")

    wo = work_order
    customer, product = wo.customer, wo.product
    if wo.in_warranty is True:
        decision = "三包期内，免费修理"
    elif wo.in_warranty is False:
        decision = "不在三包范围，收费修理"
    else:
        decision = "未判定"
    kinds = {"labour": "工时", "part": "配件", "travel": "上门", "other": "其他"}
    lines = charge_lines(wo)
    total = sum((line_amount(ln) for ln in lines), ZERO)
    free_value = sum((line_value(ln) for ln in lines if ln.free), ZERO)
    quoted = _money(wo.quote_total or ZERO)
    if wo.quote_accepted_at:
        quote = f"报价 ¥{quoted}，顾客于 {when(wo.quote_accepted_at)} 确认接受"
    elif wo.quote_declined_at:
        quote = f"报价 ¥{quoted}，顾客于 {when(wo.quote_declined_at)} 拒绝"
    elif wo.quote_sent_at:
        quote = f"报价 ¥{quoted} 已于 {when(wo.quote_sent_at)} 发出，待顾客确认"
    else:
        quote = "无需报价" if total <= 0 else "尚未报价"
    return render_pdf(
        "repairs/print/charge_sheet.html",
        {
            "wo": wo,
            "customer": customer,
            "product": product,
            "day": local_text(timezone.now(), "%Y-%m-%d"),
            "phone": phone_for(reader, wo.contact_phone or customer.mobile, customer=customer),
            "decision": decision,
            "lines": [
                {
                    "description": ln.description,
                    "kind": kinds.get(ln.kind, ln.kind),
                    "quantity": f"{ln.quantity.normalize():f}",
                    "price": _money(ln.unit_price),
                    "free": ln.free,
                    "amount": _money(line_amount(ln)),
                }
                for ln in lines
            ],
            "total": _money(total),
            "free_value": _money(free_value) if free_value > 0 else "",
            "quote": quote,
        },
        title=f"收费单 {wo.number}",
    )
