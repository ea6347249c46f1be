"""Spare parts and their stock (WAR-15): the seller keeps parts of standard quality, uses them
on work orders and sells them over the counter.

Stock is a number per part and location that changes only through a stock move, the
append-only ledger: a receipt, a transfer, a part used on a work order (and its return), a
counter sale, a stock-take adjustment. Every change locks the part row and then the stock
rows it touches (``SELECT … FOR UPDATE OF`` the locked table only: PostgreSQL refuses to lock
the nullable side of an outer join), always in that order, so two technicians cannot take
the last unit twice and two moves of one part never deadlock. The database's CHECK
(quantity >= 0) is the last line of defence; the service refuses first, naming the part, the
location and what is there (409 ``out_of_stock``).

The re-order point counts what is on the shelf: warehouses and the repair centre (vans are
already in the field). The logistics department is told once, by the move that takes a part
from above its re-order point to at or below it, not by every move after that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next
from aftersales.customers.permissions import is_dealer_user

from ..models import (
    ChargeLine,
    CounterSale,
    CounterSaleLine,
    Location,
    SparePart,
    Stock,
    StockMove,
    WorkOrder,
    WorkOrderEvent,
)
from ..permissions import can_manage_stock, can_work_on
from .charges import charges_recalculate, free_by_default, line_amount

R = StockMove.Reason
ON_SHELF = (Location.Kind.WAREHOUSE, Location.Kind.REPAIR_CENTRE)
# A part is used on a work order while the technician works on it.
CONSUME_STATUSES = frozenset({WorkOrder.Status.IN_PROGRESS, WorkOrder.Status.AWAITING_PARTS})
# …and may go back unused until the work is completed.
RETURN_STATUSES = frozenset(
    {
        WorkOrder.Status.NEW,
        WorkOrder.Status.SCHEDULED,
        WorkOrder.Status.RECEIVED,
        WorkOrder.Status.IN_PROGRESS,
        WorkOrder.Status.AWAITING_PARTS,
        WorkOrder.Status.AWAITING_QUOTE,
    }
)
VIEW_ROLES = (Role.LOGISTICS, Role.SERVICE, Role.CUSTOMER_SERVICE, Role.ADMIN)


# -- who -------------------------------------------------------------------------------------


def can_view_parts(user) -> bool:
    """The company's own staff who keep, use or sell parts; dealers do not see our stock."""
    return user_has_role(user, *VIEW_ROLES) and not is_dealer_user(user)


def can_sell_parts(user) -> bool:
    """The desk sells parts to customers (WAR-15), and so do those who keep the stock."""
    return can_manage_stock(user) or (
        user_has_role(user, Role.CUSTOMER_SERVICE) and not is_dealer_user(user)
    )


def _stock_keeper(actor) -> None:
    if not can_manage_stock(actor):
        raise PermissionDenied(_("Only the warehouse and the after-sales department do this."))


# -- input -----------------------------------------------------------------------------------


def _money(value, field: str, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter an amount in CNY, e.g. 35.50.")]
        return None
    if not amount.is_finite() or amount < 0:
        errors[field] = [_("The amount cannot be negative.")]
        return None
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e10"):
        errors[field] = [_("Enter an amount in CNY, e.g. 35.50.")]
        return None
    return amount


# A move of more than this many parts is a typing error, and far beyond it a number no
# database column holds (the probe's 10**20 was a 500).
MAX_QUANTITY = 1_000_000


def _whole(
    value, field: str, errors: dict, minimum: int = 0, maximum: int = MAX_QUANTITY
) -> int | None:
    """A whole number from a form, JSON or code; ``None`` (and the field's error) if not."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
        number = int(value)
    if number is None:
        errors[field] = [_("Enter a whole number.")]
        return None
    if number < minimum:
        errors[field] = [_("Enter a number of at least %(minimum)d.") % {"minimum": minimum}]
        return None
    if number > maximum:
        errors[field] = [_("Enter a number of at most %(maximum)d.") % {"maximum": maximum}]
        return None
    return number


def _quantity(value, field: str = "quantity") -> int:
    errors: dict[str, list[str]] = {}
    number = _whole(value, field, errors, minimum=1)
    if errors or number is None:
        raise InvalidInput(fields=errors)
    return number


# -- parts -----------------------------------------------------------------------------------


@transaction.atomic
def part_save(
    *,
    actor,
    part_no: str,
    name: str,
    price,
    cost=0,
    warranty_months=3,
    reorder_point=0,
    unit: str = "个",
    products: Iterable = (),
    part: SparePart | None = None,
    expected_version: int | None = None,
) -> SparePart:
    """Create a spare part, or change ``part`` (``expected_version`` guards a stale copy)."""
    _stock_keeper(actor)
    errors: dict[str, list[str]] = {}
    part_no = (part_no or "").strip()
    name = (name or "").strip()
    unit = (unit or "").strip()
    if not part_no:
        errors["part_no"] = [_("Give the part number.")]
    elif len(part_no) > 40:
        errors["part_no"] = [_("At most 40 characters.")]
    else:
        taken = SparePart.objects.filter(part_no=part_no)
        if part is not None:
            taken = taken.exclude(pk=part.pk)
        if taken.exists():
            errors["part_no"] = [_("Another part has this number.")]
    if not name:
        errors["name"] = [_("Give the part's name.")]
    elif len(name) > 120:
        errors["name"] = [_("At most 120 characters.")]
    if not unit:
        errors["unit"] = [_("Give the unit, e.g. 个.")]
    elif len(unit) > 10:
        errors["unit"] = [_("At most 10 characters.")]
    price_v = _money(price, "price", errors)
    cost_v = _money(cost if cost not in (None, "") else 0, "cost", errors)
    months = _whole(warranty_months, "warranty_months", errors, maximum=120)
    if months is not None and months > 120:
        errors["warranty_months"] = [_("At most 120 months.")]
    point = _whole(reorder_point, "reorder_point", errors)
    if errors:
        raise InvalidInput(fields=errors)
    if part is None:
        row = SparePart(part_no=part_no)
    else:
        row = SparePart.objects.select_for_update(of=("self",)).get(pk=part.pk)
        if expected_version is not None and expected_version != row.version:
            raise StaleVersion()
        row.part_no = part_no
        row.version += 1
    row.name, row.price, row.cost, row.unit = name, price_v, cost_v, unit
    row.warranty_months, row.reorder_point = months, point
    row._history_user = actor
    row.save()
    row.products.set(list(products))
    return row


def products_by_sku(skus: Iterable[str], field: str = "products") -> list:
    """The products a part fits, from their SKUs (as typed on the page or sent to the API)."""
    from aftersales.catalog.models import Product

    wanted = list(dict.fromkeys(s.strip() for s in skus if s and s.strip()))
    found = list(Product.objects.filter(sku__in=wanted))
    missing = [s for s in wanted if s not in {p.sku for p in found}]
    if missing:
        raise InvalidInput(
            fields={field: [_("No product has the SKU %(skus)s.") % {"skus": ", ".join(missing)}]}
        )
    return found


# -- the ledger ------------------------------------------------------------------------------


def _lock_part(part: SparePart) -> SparePart:
    return SparePart.objects.select_for_update(of=("self",)).get(pk=part.pk)


def _lock_stock(part: SparePart, location: Location) -> Stock:
    """The stock row of the part at the location, created at 0 if missing, then locked."""
    row, _created = Stock.objects.get_or_create(part=part, location=location)
    return Stock.objects.select_for_update(of=("self",)).get(pk=row.pk)


def _on_shelf(part: SparePart) -> int:
    return (
        Stock.objects.filter(part=part, location__kind__in=ON_SHELF).aggregate(
            n=Coalesce(Sum("quantity"), 0)
        )["n"]
        or 0
    )


def _usable(location: Location | None, field: str) -> Location:
    if location is None:
        raise InvalidInput(fields={field: [_("Choose the stock location.")]})
    if not location.active:
        raise InvalidInput(
            fields={field: [_("The location %(name)s is closed.") % {"name": location.name}]}
        )
    return location


def _apply(
    *,
    actor,
    part: SparePart,
    quantity: int,
    reason: str,
    from_location: Location | None = None,
    to_location: Location | None = None,
    work_order: WorkOrder | None = None,
    reference: str = "",
) -> StockMove:
    """Write one move and change the stock it names. The caller runs it inside its atomic
    block; the part row is locked first, then the stock rows in location order."""
    locked_part = _lock_part(part)
    shelf_before = _on_shelf(locked_part)
    rows: dict[int, Stock] = {}
    for loc in sorted(
        (x for x in (from_location, to_location) if x is not None), key=lambda x: x.pk
    ):
        rows[loc.pk] = _lock_stock(locked_part, loc)
    shelf_after = shelf_before
    if from_location is not None:
        source = rows[from_location.pk]
        if source.quantity < quantity:
            raise Conflict(
                _("Not enough %(part)s at %(location)s: %(have)d %(unit)s there, %(want)d wanted.")
                % {
                    "part": f"{locked_part.part_no} {locked_part.name}",
                    "location": from_location.name,
                    "have": source.quantity,
                    "want": quantity,
                    "unit": locked_part.unit,
                },
                code="out_of_stock",
                fields={
                    "quantity": [
                        _("%(have)d at %(location)s.")
                        % {"have": source.quantity, "location": from_location.name}
                    ]
                },
            )
        source.quantity -= quantity
        source.save(update_fields=["quantity"])
        if from_location.kind in ON_SHELF:
            shelf_after -= quantity
    if to_location is not None:
        target = rows[to_location.pk]
        target.quantity += quantity
        target.save(update_fields=["quantity"])
        if to_location.kind in ON_SHELF:
            shelf_after += quantity
    move = StockMove.objects.create(
        part=locked_part,
        from_location=from_location,
        to_location=to_location,
        quantity=quantity,
        reason=reason,
        work_order=work_order,
        reference=(reference or "")[:60],
        actor=actor,
    )
    if shelf_before > locked_part.reorder_point >= shelf_after:
        _tell_logistics(locked_part, shelf_after)
    return move


def _tell_logistics(part: SparePart, on_shelf: int) -> None:
    people = get_user_model().objects.filter(groups__name=Role.LOGISTICS.value, is_active=True)
    notify(
        recipients=list(people.distinct()),
        title=_("Re-order %(part_no)s %(name)s") % {"part_no": part.part_no, "name": part.name},
        body=_(
            "%(on_shelf)d %(unit)s left in the warehouses and the repair centre; "
            "the re-order point is %(point)d."
        )
        % {"on_shelf": on_shelf, "unit": part.unit, "point": part.reorder_point},
        link=reverse("repairs:part-detail", args=[part.part_no]),
        level="warning",
    )


@transaction.atomic
def stock_receive(
    *, actor, part: SparePart, location: Location, quantity, reference: str = ""
) -> StockMove:
    """Parts received from the supplier into a location (the delivery note as reference)."""
    _stock_keeper(actor)
    _usable(location, "location")
    return _apply(
        actor=actor,
        part=part,
        quantity=_quantity(quantity),
        reason=R.RECEIPT,
        to_location=location,
        reference=reference.strip(),
    )


@transaction.atomic
def stock_transfer(
    *, actor, part: SparePart, from_location: Location, to_location: Location, quantity
) -> StockMove:
    """Move parts between locations, e.g. from the warehouse into a technician's van."""
    _stock_keeper(actor)
    _usable(from_location, "from_location")
    _usable(to_location, "to_location")
    if from_location.pk == to_location.pk:
        raise InvalidInput(fields={"to_location": [_("Choose another location.")]})
    return _apply(
        actor=actor,
        part=part,
        quantity=_quantity(quantity),
        reason=R.TRANSFER,
        from_location=from_location,
        to_location=to_location,
    )


@transaction.atomic
def stock_adjust(
    *, actor, part: SparePart, location: Location, counted, reason: str
) -> StockMove | None:
    """A stock-take: what was counted becomes the stock, through an adjustment move of the
    difference with the reason. Nothing is written when the count agrees."""
    _stock_keeper(actor)
    errors: dict[str, list[str]] = {}
    number = _whole(counted, "counted", errors)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the stock differs (e.g. the stock-take of 30 June).")]
    if errors or number is None:
        raise InvalidInput(fields=errors)
    _usable(location, "location")
    _lock_part(part)
    current = _lock_stock(part, location).quantity
    if number == current:
        return None
    return _apply(
        actor=actor,
        part=part,
        quantity=abs(number - current),
        reason=R.ADJUSTMENT,
        from_location=location if number < current else None,
        to_location=location if number > current else None,
        reference=reason,
    )


# -- on a work order -------------------------------------------------------------------------


def _default_location(actor, wo: WorkOrder) -> Location | None:
    """The actor's van, else the assigned technician's van, else the repair centre."""
    for user_id in (actor.pk, wo.technician_id):
        if user_id is None:
            continue
        van = Location.objects.filter(technician_id=user_id, active=True).first()
        if van is not None:
            return van
    return (
        Location.objects.filter(kind=Location.Kind.REPAIR_CENTRE, active=True)
        .order_by("code")
        .first()
    )


def _wo_event(wo: WorkOrder, actor, action: str, note: str) -> None:
    WorkOrderEvent.objects.create(work_order=wo, action=action, actor=actor, note=note[:500])


@transaction.atomic
def part_consume(
    *,
    actor,
    work_order: WorkOrder,
    part: SparePart,
    quantity,
    location: Location | None = None,
) -> ChargeLine:
    """A part used on a work order: it leaves the stock and becomes a charge line, free when
    the 三包 decision says the repair is free (WAR-9), at the part's price otherwise."""
    if not can_work_on(actor, work_order):
        raise PermissionDenied(_("This work order is not yours."))
    number = _quantity(quantity)
    wo = WorkOrder.objects.select_for_update(of=("self",)).get(pk=work_order.pk)
    if wo.status not in CONSUME_STATUSES:
        raise Conflict(
            _("Parts are recorded while the work is in progress; this work order is “%(s)s”.")
            % {"s": wo.get_status_display()},
            code="work_order_not_in_progress",
        )
    if not part.active:
        raise InvalidInput(fields={"part": [_("This part is no longer in use.")]})
    if location is None:
        location = _default_location(actor, wo)
        if location is None:
            raise InvalidInput(
                fields={"location": [_("You have no van; choose where the part comes from.")]}
            )
    _usable(location, "location")
    if (
        location.kind == Location.Kind.VAN
        and location.technician_id not in (actor.pk, wo.technician_id)
        and not can_manage_stock(actor)
    ):
        raise PermissionDenied(_("Take parts from your own van."))
    move = _apply(
        actor=actor,
        part=part,
        quantity=number,
        reason=R.CONSUMPTION,
        from_location=location,
        work_order=wo,
        reference=wo.number,
    )
    part = move.part  # as locked: today's price and name
    line = ChargeLine(
        work_order=wo,
        kind=ChargeLine.Kind.PART,
        part=part,
        description=part.name[:120],
        quantity=Decimal(number),
        unit_price=part.price,
        # In 三包 the part is free (WAR-9, R11), unless the 三包 answer puts parts on the
        # customer (S17): the same rule as a part line added by hand.
        free=free_by_default(wo, ChargeLine.Kind.PART),
        stock_move=move,
    )
    line.amount = line_amount(line)
    line.save()
    charges_recalculate(wo)
    work_order.charge_total = wo.charge_total
    _wo_event(wo, actor, "part", f"{part.part_no} ×{number}")
    return line


@transaction.atomic
def part_return_unused(*, actor, charge_line: ChargeLine) -> StockMove:
    """Undo a part's use before the work is completed: it goes back where it came from (a
    return move; the consumption stays in the ledger) and its charge line is removed."""
    wo = WorkOrder.objects.select_for_update(of=("self",)).get(pk=charge_line.work_order_id)
    if not can_work_on(actor, wo):
        raise PermissionDenied(_("This work order is not yours."))
    line = (
        ChargeLine.objects.select_for_update(of=("self",))
        .filter(pk=charge_line.pk, work_order=wo)
        .select_related("stock_move", "stock_move__from_location", "part")
        .first()
    )
    if line is None or line.stock_move is None:
        raise Conflict(_("This line is not a part taken from stock."), code="not_a_stock_part")
    if wo.status not in RETURN_STATUSES:
        raise Conflict(
            _("The work order is “%(s)s”: parts can no longer be returned to stock.")
            % {"s": wo.get_status_display()},
            code="work_order_finished",
        )
    used = line.stock_move
    back = _apply(
        actor=actor,
        part=line.part,
        quantity=used.quantity,
        reason=R.RETURN,
        to_location=used.from_location,
        work_order=wo,
        reference=wo.number,
    )
    line.delete()
    charges_recalculate(wo)
    _wo_event(wo, actor, "part_return", f"{line.part.part_no} ×{used.quantity}")
    return back


# -- over the counter ------------------------------------------------------------------------


@transaction.atomic
def counter_sale_create(
    *,
    actor,
    location: Location,
    lines: list[tuple[SparePart, int]],
    customer=None,
    buyer: str = "",
) -> CounterSale:
    """Parts sold to a customer at the counter (WAR-15): numbered, taken from the location's
    stock at today's price."""
    if not can_sell_parts(actor):
        raise PermissionDenied(_("You may not sell parts."))
    errors: dict[str, list[str]] = {}
    buyer = (buyer or "").strip()
    if customer is None and not buyer:
        errors["buyer"] = [_("Give the customer or the buyer's name.")]
    if not lines:
        errors["lines"] = [_("Add at least one part.")]
    checked: list[tuple[SparePart, int]] = []
    for index, (part, qty) in enumerate(lines or []):
        line_errors: dict[str, list[str]] = {}
        number = _whole(qty, "quantity", line_errors, minimum=1)
        if part is not None and not part.active:
            line_errors["part"] = [_("This part is no longer in use.")]
        if part is None:
            line_errors["part"] = [_("There is no such part.")]
        for name, msgs in line_errors.items():
            errors[f"lines[{index}].{name}"] = msgs
        if not line_errors:
            checked.append((part, number))
    if errors:
        raise InvalidInput(fields=errors)
    _usable(location, "location")
    sale = CounterSale(
        number=document_number_next(kind="counter_sale"),
        customer=customer,
        buyer=buyer[:60],
        location=location,
        sold_by=actor,
    )
    sale._history_user = actor
    sale.save()
    # Lock the parts in one order whatever order the lines are in: no deadlock between sales.
    for part in sorted({p.pk: p for p, _n in checked}.values(), key=lambda p: p.pk):
        _lock_part(part)
    total = Decimal("0.00")
    for part, number in checked:
        move = _apply(
            actor=actor,
            part=part,
            quantity=number,
            reason=R.SALE,
            from_location=location,
            reference=sale.number,
        )
        CounterSaleLine.objects.create(
            sale=sale, part=part, quantity=number, unit_price=part.price, stock_move=move
        )
        total += (part.price * number).quantize(Decimal("0.01"))
    sale.total = total
    sale.save(update_fields=["total", "updated_at"])
    return sale


# -- reading ---------------------------------------------------------------------------------


def _shelf_sum():
    return Coalesce(
        Sum("stock__quantity", filter=Q(stock__location__kind__in=ON_SHELF)),
        Value(0),
        output_field=IntegerField(),
    )


def part_list(*, q: str = "", include_inactive: bool = False) -> QuerySet[SparePart]:
    """Parts with ``total_stock`` (everywhere, vans included) and ``on_shelf`` (warehouses and
    the repair centre, what the re-order point counts), in one query. ``q`` matches the part
    number, the name or the SKU of a product it fits (through a subquery, so the sums are not
    multiplied by the join)."""
    qs = SparePart.objects.all()
    if not include_inactive:
        qs = qs.filter(active=True)
    q = (q or "").strip()
    if q:
        fits = SparePart.products.through.objects.filter(product__sku__icontains=q).values(
            "sparepart_id"
        )
        qs = qs.filter(Q(part_no__icontains=q) | Q(name__icontains=q) | Q(pk__in=fits))
    return qs.annotate(
        total_stock=Coalesce(Sum("stock__quantity"), Value(0), output_field=IntegerField()),
        on_shelf=_shelf_sum(),
    ).order_by("part_no")


def part_get(part_no: str) -> SparePart | None:
    return (
        part_list(include_inactive=True)
        .filter(part_no=part_no)
        .prefetch_related("products")
        .first()
    )


def part_stock(part: SparePart) -> QuerySet[Stock]:
    """The part's stock at each location that has or had some."""
    return (
        Stock.objects.filter(part=part)
        .select_related("location", "location__technician")
        .order_by("location__kind", "location__code")
    )


def part_moves(part: SparePart) -> QuerySet[StockMove]:
    """The part's ledger, newest first (paginate it)."""
    return (
        StockMove.objects.filter(part=part)
        .select_related("from_location", "to_location", "work_order", "actor")
        .order_by("-at", "-id")
    )


def locations_active() -> QuerySet[Location]:
    return Location.objects.filter(active=True).order_by("kind", "code")


def location_get(code: str) -> Location | None:
    return Location.objects.filter(code=code).first() if code else None


@dataclass(frozen=True)
class _Alert:
    part: SparePart
    on_shelf: int

    def as_dict(self) -> dict:
        return {
            "part": self.part,
            "part_no": self.part.part_no,
            "name": self.part.name,
            "unit": self.part.unit,
            "on_shelf": self.on_shelf,
            "reorder_point": self.part.reorder_point,
            "shortfall": self.part.reorder_point - self.on_shelf,
        }


def reorder_alerts() -> list[dict]:
    """Active parts with a re-order point whose stock in the warehouses and the repair centre
    is at or below it; ``shortfall`` is how far below (0 when exactly at the point). Parts
    whose re-order point is 0 are not watched."""
    rows = part_list().filter(reorder_point__gt=0, on_shelf__lte=F("reorder_point"))
    alerts = [_Alert(p, p.on_shelf) for p in rows]
    alerts.sort(key=lambda a: (a.on_shelf - a.part.reorder_point, a.part.part_no))
    return [a.as_dict() for a in alerts]
