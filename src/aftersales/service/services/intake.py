"""Taking a case in (SVC-1, SVC-2): from any channel, with the customer matched by phone or
created, the product, serial, batch, order and delivery resolved from what the caller gave,
the SLA clocks started and the customer told the case number."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.permissions import user_roles
from aftersales.accounts.roles import Role
from aftersales.catalog.models import FaultCode, Product, SerialNumber
from aftersales.core.errors import InvalidInput, PermissionDenied, Unprocessable
from aftersales.core.hooks import call_hook
from aftersales.core.locks import name_lock
from aftersales.core.messaging import message_customer
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next
from aftersales.customers.models import Customer
from aftersales.customers.permissions import dealer_of, is_dealer_user
from aftersales.customers.selectors import PHONE_FIELDS, with_phone
from aftersales.customers.validators import LANDLINE_RE, MOBILE_RE, normalise_phone
from aftersales.sales.models import Order, ShipmentLine

from ..models import Case, CaseCategory, CaseEvent, Channel, Kind, Priority
from .routing import announce_route, plan_route, routing_still_fits
from .search import complaint_keywords, search_text_for, segment
from .sla import clock_policy, start_clocks
from .tracking import tracking_url

MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class IntakeInput:
    channel: str
    kind: str
    customer_name: str
    customer_phone: str
    description: str
    product_sku: str = ""
    serial_no: str = ""
    order_no: str = ""
    priority: str = Priority.NORMAL
    requested_remedy: str = ""
    category: str = ""
    purchase_date: date | None = None
    is_complaint: bool = False
    fault_code: str = ""


def field_errors(*, actor, raw: dict, dealer=None) -> dict[str, list[str]]:
    """The business checks (phone, serial, SKU, order, category, dates) on a request whose
    shape was wrong elsewhere: the API then names every bad field in one answer. Values are
    taken as far as they can be read; nothing is written. ``dealer``: an outside caller's
    (``OutsideCaller.dealer``)."""

    def text(value) -> str:
        return value.strip() if isinstance(value, str) else ""

    customer = raw.get("customer") if isinstance(raw.get("customer"), dict) else {}
    try:
        bought = date.fromisoformat(text(raw.get("purchase_date")))
    except ValueError:
        bought = None
    data = IntakeInput(
        channel=text(raw.get("channel")) or Channel.PHONE,
        kind=text(raw.get("kind")) or Kind.REPAIR,
        customer_name=text(customer.get("name")) or "-",
        customer_phone=text(customer.get("phone")),
        description=text(raw.get("description")) or "-",
        product_sku=text(raw.get("product_sku")),
        serial_no=text(raw.get("serial_no")),
        order_no=text(raw.get("order_no")),
        priority=text(raw.get("priority")) or Priority.NORMAL,
        requested_remedy=text(raw.get("requested_remedy")),
        category=text(raw.get("category")),
        fault_code=text(raw.get("fault_code")),
        purchase_date=bought,
    )
    errors = _errors(data, phone_required=False)
    _resolve(data, errors, actor, dealer)
    return errors


def can_take_cases(user) -> bool:
    """Anyone of the company or a dealer may take a case in (SVC-1: every channel); a dealer's
    person only once they belong to a dealer."""
    if is_dealer_user(user):
        return dealer_of(user) is not None
    return bool(user_roles(user))


def _errors(data: IntakeInput, *, phone_required: bool = True) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.channel not in Channel.values:
        errors["channel"] = [_("Choose a channel from the list.")]
    if data.kind not in Kind.values:
        errors["kind"] = [_("Choose a kind of case from the list.")]
    if not data.customer_name.strip():
        errors["customer.name"] = [_("Give the customer's name.")]
    phone = normalise_phone(data.customer_phone)
    if not phone:
        if phone_required:
            errors["customer.phone"] = [_("Give the customer's phone number.")]
    elif not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
        errors["customer.phone"] = [_("Not a mainland mobile or landline number.")]
    if not data.description.strip():
        errors["description"] = [_("Describe the problem.")]
    if data.priority not in Priority.values:
        errors["priority"] = [_("Choose low, normal, high or urgent.")]
    if len(data.requested_remedy) > 300:
        errors["requested_remedy"] = [_("At most 300 characters.")]
    if data.purchase_date and data.purchase_date > timezone.localdate():
        errors["purchase_date"] = [_("The purchase date is in the future.")]
    return errors


@dataclass
class _Links:
    product: Product | None = None
    serial: SerialNumber | None = None
    order: Order | None = None
    line: ShipmentLine | None = None
    category: CaseCategory | None = None
    fault_code: FaultCode | None = None


def _resolve(data: IntakeInput, errors: dict, actor=None, dealer=None) -> _Links:
    """Product, serial, order and delivery from what the caller gave: the serial names the
    product and batch; the order names the delivery that carried the product. A dealer's
    people (and an outside caller acting for a dealer) reach only their own dealer's orders
    and units (SEC-1)."""
    links = _Links()
    serials, orders = SerialNumber.objects.all(), Order.objects.all()
    if dealer is not None or _dealer_actor(actor):
        own = dealer or dealer_of(actor)
        serials = serials.filter(owner__dealer=own)
        orders = orders.filter(dealer=own) | orders.filter(customer__dealer=own)
    if data.serial_no.strip():
        links.serial = (
            serials.select_related("product", "batch", "owner")
            .filter(serial__iexact=data.serial_no.strip())
            .first()
        )
        if links.serial is None:
            errors["serial_no"] = [_("No product has this serial number.")]
        else:
            links.product = links.serial.product
    if data.product_sku.strip():
        product = Product.objects.filter(sku__iexact=data.product_sku.strip()).first()
        if product is None:
            errors["product_sku"] = [_("No product has this SKU.")]
        elif links.product and product != links.product:
            errors["product_sku"] = [_("The serial number belongs to another product.")]
        else:
            links.product = product
    if data.order_no.strip():
        links.order = orders.filter(number__iexact=data.order_no.strip()).first()
        if links.order is None:
            errors["order_no"] = [_("No order has this number.")]
    if data.category.strip():
        links.category = CaseCategory.objects.filter(
            code=data.category.strip(), active=True
        ).first()
        if links.category is None:
            errors["category"] = [_("Choose a complaint category from the list.")]
    if data.fault_code.strip():
        links.fault_code = FaultCode.objects.filter(
            code=data.fault_code.strip(), active=True
        ).first()
        if links.fault_code is None:
            errors["fault_code"] = [_("Choose a fault code from the list.")]
    if links.order is not None:
        lines = ShipmentLine.objects.filter(shipment__order=links.order).select_related(
            "shipment", "batch", "order_line__product"
        )
        if links.serial is not None:
            lines = lines.filter(serials=links.serial) or lines
        if links.product is not None:
            lines = lines.filter(order_line__product=links.product)
        links.line = lines.order_by("-shipped_at", "-id").first()
        if links.product is None and links.line is not None:
            links.product = links.line.order_line.product
    elif links.serial is not None:
        links.line = (
            ShipmentLine.objects.filter(serials=links.serial)
            .select_related("shipment", "shipment__order", "batch")
            .order_by("-shipped_at")
            .first()
        )
        if links.line is not None:
            links.order = links.line.shipment.order
    return links


def _customer(data: IntakeInput, actor, dealer=None) -> Customer:
    """Match by phone (mobile, second mobile or landline), else a new customer, not yet
    saved (``pk`` is None): intake saves it with the case. ``dealer``: an outside caller's,
    whose customers alone are matched, as a dealer's people's are."""
    phone = normalise_phone(data.customer_phone)
    mine = Customer.objects.filter(merged_into__isnull=True)
    scoped = dealer is not None or _dealer_actor(actor)
    if scoped:
        dealer = dealer or dealer_of(actor)
        mine = mine.filter(dealer=dealer)
    # A mobile match wins over a second mobile, which wins over a landline. One indexed
    # query per number (an OR of the three makes SQLite scan the table); of several records
    # on one number (a switchboard) the oldest, found on the index (MIN, not ORDER BY id,
    # which would tempt the planner into a scan by id).
    for field in PHONE_FIELDS:
        oldest = with_phone(mine, field, phone).aggregate(pk=Min("pk"))["pk"]
        if oldest is not None:
            return Customer.objects.get(pk=oldest)
    is_mobile = bool(MOBILE_RE.match(phone))
    customer = Customer(
        name=data.customer_name.strip()[:120],
        mobile=phone if is_mobile else "",
        landline="" if is_mobile else phone,
        dealer=dealer if scoped else None,
    )
    customer.mobile_reversed = customer.mobile[::-1]
    customer._history_user = actor
    return customer


def case_intake(
    *, actor, data: IntakeInput, idempotency_key: str = "", customer: Customer | None = None
) -> tuple[Case, bool]:
    """Take a case in. Returns the case and whether it was created now: a retried request with
    the same ``Idempotency-Key`` gets the first case back instead of a duplicate.

    Everything that only reads (checks, links, the caller, routing, the SLA policy, the search
    words) happens before the transaction; the transaction only writes. On SQLite the write
    lock is held from its first statement, so a short one lets intakes follow each other."""
    if not can_take_cases(actor):
        raise PermissionDenied(_("You may not take cases in."))
    return _take(actor, data, idempotency_key=idempotency_key, customer=customer)


def case_intake_public(*, data: IntakeInput) -> Case:
    """A request a customer makes without an account (the help centre's form): the same
    intake, with no staff member as its author."""
    case, _created = _take(None, data)
    return case


@dataclass(frozen=True)
class OutsideCaller:
    """A system that takes cases in with no staff member as their author (a partner's API
    key; the app that knows it answers the ``intake_outside_caller`` hook). ``source`` keeps
    its ``Idempotency-Key`` values apart from every other caller's; ``dealer`` (optional) is
    the dealer it acts for: the case is that dealer's, and the customer, order and unit are
    looked up among the dealer's own, as for a dealer's people. ``taken(case)`` is called
    inside the intake's transaction once a new case is saved (to record who took it in)."""

    source: str
    dealer: object = None
    taken: Callable[[Case], None] | None = None


def outside_caller(user) -> OutsideCaller | None:
    """The outside caller a request's user stands for, or None for a person."""
    found = [c for c in call_hook("intake_outside_caller", user=user) if c is not None]
    return found[0] if found else None


def case_intake_outside(
    *, caller: OutsideCaller, data: IntakeInput, idempotency_key: str = ""
) -> tuple[Case, bool]:
    """Take a case in for an outside caller: the same intake, with no staff member as its
    author. Returns the case and whether it was created now (see ``case_intake``)."""
    return _take(
        None,
        data,
        idempotency_key=idempotency_key,
        source=caller.source,
        dealer=caller.dealer,
        taken=caller.taken,
    )


def _dealer_actor(actor) -> bool:
    return actor is not None and is_dealer_user(actor)


def _take(
    actor,
    data: IntakeInput,
    *,
    idempotency_key: str = "",
    customer: Customer | None = None,
    source: str = "",
    dealer=None,
    taken: Callable[[Case], None] | None = None,
) -> tuple[Case, bool]:
    key, fingerprint = "", ""
    if idempotency_key:
        if len(idempotency_key) > MAX_KEY_LENGTH:
            raise InvalidInput(
                fields={"Idempotency-Key": [_("At most %(n)s characters.") % {"n": MAX_KEY_LENGTH}]}
            )
        key = f"{source or (actor.pk if actor else 0)}:{idempotency_key}"
        fingerprint = _fingerprint(data, customer)
        earlier = Case.objects.filter(intake_key=key).first()
        if earlier is not None:
            return _same_request(earlier, fingerprint), False
    # A known customer (an e-mail sender, a delivery's customer) needs no phone to be found.
    errors = _errors(data, phone_required=customer is None)
    links = _resolve(data, errors, actor, dealer)
    if errors:
        raise InvalidInput(fields=errors)
    customer = customer or _customer(data, actor, dealer)
    case = _new_case(data, actor, customer, links, key, dealer)
    if key:
        case.intake_fingerprint = fingerprint
    words = search_text_for(case)  # the number is added once it is given
    # Routed before the first write: the case is inserted once, already with its handler.
    rule, pick = plan_route(case)
    if rule is not None:
        case.department, case.assignee = rule.department, pick.person
    policy = clock_policy(case)
    try:
        with transaction.atomic():
            if customer.pk is None:
                # Looked up again under the transaction and a lock on the number: two first
                # calls from one number at the same moment make one customer, not two.
                name_lock(f"customer-phone:{normalise_phone(data.customer_phone)}")
                customer = _customer(data, actor, dealer)
                if customer.pk is None:
                    customer.save()
                else:  # the other call's customer: its region and dealer count
                    case.region = customer.province
                    if dealer is None and not _dealer_actor(actor) and customer.dealer_id:
                        case.dealer = customer.dealer
                case.customer = customer
            if rule is not None and not routing_still_fits(pick):
                rule, pick = plan_route(case)  # the person filled up meanwhile
                case.department = rule.department if rule else None
                case.assignee = pick.person if rule else None
            case.number = document_number_next(kind="case")
            case.search_text = f"{segment(case.number)} {words}"
            _save_new(case, key)
            if taken is not None:
                taken(case)
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                action="created",
                to_status=case.status,
                customer_visible=True,
            )
            case.started_clocks = start_clocks(case, at=case.created_at, policy=policy)
            if rule is not None:
                announce_route(case, rule, pick, actor=actor)
            message_customer(
                phone=customer.mobile or "",
                email=customer.email,
                template="case_received",
                context={"name": customer.name, "number": case.number, "url": tracking_url(case)},
                related=case.number,
            )
            # Other apps act on a new case after the commit (a partner's webhooks).
            call_hook("case_created", case=case, actor=actor)
    except _SameKey as raced:
        # The same key raced in from a retry: the whole transaction is undone (no number
        # spent, no customer left behind) and the first case answers.
        return _same_request(raced.earlier, fingerprint), False
    return case, True


def _fingerprint(data: IntakeInput, customer: Customer | None) -> str:
    import hashlib
    import json
    from dataclasses import asdict

    body = {**asdict(data), "known_customer": customer.pk if customer is not None else None}
    text = json.dumps(body, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _same_request(earlier: Case, fingerprint: str) -> Case:
    """A retry gets the first case back; the same key with another body is a mistake the
    client must hear about (422), not a silent answer about another case."""
    if earlier.intake_fingerprint and earlier.intake_fingerprint != fingerprint:
        raise Unprocessable(
            _("This Idempotency-Key was used for a different request (case %(number)s).")
            % {"number": earlier.number},
            code="idempotency_key_reused",
        )
    return earlier


class _SameKey(Exception):
    def __init__(self, earlier: Case):
        self.earlier = earlier


def _save_new(case: Case, key: str) -> None:
    if not key:
        case.save()
        return
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        earlier = Case.objects.filter(intake_key=key).first()
        if earlier is None:
            raise
        raise _SameKey(earlier) from None


def _new_case(
    data: IntakeInput, actor, customer: Customer, links: _Links, key: str, dealer=None
) -> Case:
    order = links.order
    case = Case(
        channel=data.channel,
        kind=data.kind,
        category=links.category,
        fault_code=links.fault_code,
        priority=data.priority,
        customer=customer,
        contact_name=data.customer_name.strip()[:60],
        contact_phone=normalise_phone(data.customer_phone),
        dealer=(
            dealer
            if dealer is not None
            else dealer_of(actor)
            if _dealer_actor(actor)
            else customer.dealer or (order.dealer if order else None)
        ),
        region=customer.province,
        product=links.product,
        serial=links.serial,
        batch=(links.serial.batch if links.serial else None)
        or (links.line.batch if links.line else None),
        order=order,
        shipment=links.line.shipment if links.line else None,
        purchase_date=data.purchase_date
        or (timezone.localtime(order.created_at).date() if order else None)
        or (links.serial.warranty_start if links.serial else None),
        description=data.description.strip(),
        requested_remedy=data.requested_remedy.strip(),
        created_by=actor,
        intake_key=key or None,
        is_complaint=data.is_complaint or data.kind == Kind.COMPLAINT,
        keywords=complaint_keywords(data.description),
    )
    if case.batch is not None:
        case.packer_no, case.packing_list_ref = case.batch.packer_no, case.batch.packing_list_ref
    case._history_user = actor
    return case


# SAL-8: a problem found when the customer accepts a delivery opens a case at once.
ACCEPTANCE_KINDS = {"damage": Kind.EXCHANGE, "shortage": Kind.COMPLAINT}
ACCEPTANCE_PROBLEMS = {
    "damage": gettext_lazy("damaged"),
    "shortage": gettext_lazy("short"),
    "wrong_specification": gettext_lazy("wrong specification"),
}


def case_from_acceptance(*, shipment, line, actor) -> Case:
    """The ``acceptance_problem`` hook of the sales app: damage, a shortage or the wrong
    specification recorded at delivery becomes a case on that order and product."""
    order = shipment.order
    customer = order.customer
    data = IntakeInput(
        channel=Channel.DELIVERY_ACCEPTANCE,
        kind=ACCEPTANCE_KINDS.get(line.problem, Kind.EXCHANGE),
        customer_name=customer.name,
        customer_phone=order.contact_phone or customer.mobile or customer.landline,
        description=_("Found at delivery %(note)s: %(problem)s. %(details)s")
        % {
            "note": shipment.number,
            "problem": ACCEPTANCE_PROBLEMS.get(line.problem, line.problem),
            "details": line.problem_note,
        },
        product_sku=line.order_line.product.sku,
        order_no=order.number,
    )
    case, _created = case_intake(
        actor=actor, data=data, customer=customer, idempotency_key=f"acceptance:{line.pk}"
    )
    if line.batch_id and case.batch_id != line.batch_id:
        case.batch = line.batch
        case.packer_no, case.packing_list_ref = line.batch.packer_no, line.batch.packing_list_ref
        case.save(update_fields=["batch", "packer_no", "packing_list_ref", "updated_at"])
    if _created:
        notify(
            recipients=list(
                get_user_model().objects.filter(
                    groups__name=Role.CUSTOMER_SERVICE.value, is_active=True
                )
            ),
            title=_("Problem at delivery %(note)s: case %(number)s opened")
            % {"note": shipment.number, "number": case.number},
            body=case.description,
            link=case.get_absolute_url(),
            level="danger",
        )
    return case
