"""三包 certificates (三包凭证, R4, R10, WAR-10) and their repair records (R7).

The certificate freezes the policy's terms for the product's category at issue time: a later
change to the policy must not change what the customer was promised on paper. The reads that
pages and the API share (``card_list_for_user``, ``card_get_for_user``) live here too, beside
the writes, so the dealer scope is decided in one module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from aftersales.core.numbering import document_number_next
from aftersales.core.selectors import clean_query
from aftersales.customers.permissions import is_dealer_user
from aftersales.workdays import current_calendar

from ..engine.periods import Periods, days_in_repair
from ..models import RepairRecord, WarrantyCard
from ..permissions import can_issue_card, can_view_warranty, dealer_scope
from .policies import policy_for

FAULT_MAX = 200
PART_MAX = 60
WORK_MAX = 300
REPAIRER_MAX = 60


# --- permissions and scope --------------------------------------------------------------------


def _in_scope(user, customer) -> bool:
    """Company staff reach every customer; a dealer's people only the dealer's own customers
    (a dealer user not yet attached to a dealer reaches none)."""
    if not is_dealer_user(user):
        return True
    own = dealer_scope(user)
    return own is not None and customer.dealer_id == own.pk


def can_issue_card_for(user, customer) -> bool:
    """May ``user`` issue a certificate to ``customer``, or add a repair record to one."""
    return can_issue_card(user) and _in_scope(user, customer)


# --- reads --------------------------------------------------------------------------------------


def card_list_for_user(user, *, q: str = "") -> QuerySet[WarrantyCard]:
    """The certificates ``user`` may see, newest first, searched by certificate number, serial
    number (prefixes) or the start of the customer's name."""
    if not can_view_warranty(user):
        return WarrantyCard.objects.none()
    cards = WarrantyCard.objects.select_related("product", "serial", "customer")
    if is_dealer_user(user):
        own = dealer_scope(user)
        if own is None:
            return WarrantyCard.objects.none()
        cards = cards.filter(customer__dealer=own)
    q = clean_query(q)
    if q:
        cards = cards.filter(
            Q(number__istartswith=q)
            | Q(serial__serial__istartswith=q)
            | Q(customer__name__startswith=q)
        )
    return cards.order_by("-created_at", "-id")


def card_get_for_user(user, *, number: str) -> WarrantyCard:
    """One certificate with what its page and PDF show; out of scope looks like missing."""
    card = (
        card_list_for_user(user)
        .select_related("order", "replaces", "issued_by", "product__category")
        .filter(number=number)
        .first()
    )
    if card is None:
        raise NotFound()
    return card


def card_for_serial(serial) -> WarrantyCard | None:
    """The certificate currently in force for a serial number (a ``SerialNumber`` or its
    text): the newest one that no exchange has replaced."""
    cards = WarrantyCard.objects.filter(void=False)
    if isinstance(serial, str):
        cards = cards.filter(serial__serial=serial)
    else:
        cards = cards.filter(serial=serial)
    return cards.select_related("product", "customer", "serial").order_by("-created_at").first()


# --- periods ------------------------------------------------------------------------------------


def repair_days(card: WarrantyCard, repairs, *, today: date | None = None) -> int:
    """Days the item spent in repair or waiting for parts since the period started (R2: they
    lengthen the period). A repair still open counts up to today. The engine's convention
    decides how the days are counted, so the certificate and the decisions agree."""
    today = today or timezone.localdate()
    return days_in_repair(
        [(r.sent_on, r.returned_on or today) for r in repairs], since=card.starts_on
    )


@dataclass(frozen=True)
class PartPeriod:
    name: str
    months: int | None
    ends_on: date | None


@dataclass(frozen=True)
class CardPeriods:
    """The periods printed on a certificate, with their end dates as of today."""

    starts_on: date
    whole_unit_months: int | None
    whole_unit_ends_on: date | None
    main_parts: list[PartPeriod] = field(default_factory=list)
    components: list[PartPeriod] = field(default_factory=list)
    repair_days: int = 0
    # Where the whole-unit period comes from (WAR-1, S5, issue 18 B1): "law", "catalogue" or
    # "contract", and the months of each (empty: the policy's period alone).
    whole_unit_source: str = "law"
    whole_unit_sources: list[SourcePeriod] = field(default_factory=list)
    contract_number: str = ""


@dataclass(frozen=True)
class SourcePeriod:
    source: str  # law | catalogue | contract
    months: int | None
    applies: bool


def card_periods(card: WarrantyCard, *, repairs=None, today: date | None = None) -> CardPeriods:
    """End dates of the whole-unit, main-part and component periods of ``card``, each
    lengthened by the days spent in repair (R2)."""
    if repairs is None:
        repairs = list(card.repairs.all())
    extra = repair_days(card, repairs, today=today)
    terms = card.terms or {}
    periods = Periods(current_calendar())

    def end(months) -> date | None:
        if not months:
            return None
        try:
            return periods.months_end(card.starts_on, int(months), extra)
        except ValueError:  # beyond the years the calendar knows
            return None

    def parts(rows) -> list[PartPeriod]:
        return [
            PartPeriod(
                name=str(r.get("name", "")), months=r.get("months"), ends_on=end(r.get("months"))
            )
            for r in rows or []
        ]

    whole = terms.get("whole_unit_months")
    source = terms.get("whole_unit_source") or "law"
    sources = terms.get("whole_unit_sources") or {}
    return CardPeriods(
        starts_on=card.starts_on,
        whole_unit_months=whole,
        whole_unit_ends_on=end(whole),
        main_parts=parts(terms.get("main_parts")),
        components=parts(terms.get("components")),
        repair_days=extra,
        whole_unit_source=source,
        whole_unit_sources=[
            SourcePeriod(source=s, months=sources.get(s), applies=s == source)
            for s in SOURCES
            if s in sources and (s == "law" or sources.get(s))
        ],
        contract_number=terms.get("contract_number") or "",
    )


# --- terms --------------------------------------------------------------------------------------


def _policy(policy_key: str | None):
    """The policy object for ``policy_key`` (None: the default), or an error on the field."""
    try:
        return policy_for(policy_key)
    except (LookupError, ValueError, NotFound) as exc:
        raise InvalidInput(
            fields={"policy_key": [_("There is no Three Guarantees (三包) policy with this key.")]},
            code="unknown_policy",
        ) from exc


def terms_for_product(product, *, policy_key: str | None = None) -> dict:
    """The policy's terms for the product's category, as a certificate freezes them and the
    public promises page states them (WAR-1, S2), with the policy's key."""
    from .evaluation import category_for

    policy = _policy(policy_key)
    category = category_for(product.category if product.category_id else None, policy_key)
    terms = _own_main_parts(policy, category, dict(policy.terms_for(category)))
    terms["policy_key"] = getattr(policy, "key", None) or policy_key or ""
    return terms


def _own_main_parts(policy, category: str, terms: dict) -> dict:
    """A company policy that names the main parts of a category describes its product: a 4K
    LCD TV has a panel, a backlight, a main board and a power board, not the picture tube and
    flyback transformer of the 1995 catalogue. The certificate then lists the company's main
    parts (each at least as long as a statutory period of the same name); the statutory list
    is kept beside them in ``statutory_main_parts``, and every decision still applies it (the
    engine layers the company's periods on the law's, R1)."""
    if getattr(policy, "base", None) is None:
        return terms
    own = policy.categories.get(category)
    if own is None or not own.main_parts:
        return terms
    names = {name for name, _months in own.main_parts}
    listed = terms.get("main_parts") or []
    terms["main_parts"] = [p for p in listed if p["name"] in names]
    terms["statutory_main_parts"] = [p for p in listed if p["name"] not in names]
    return terms


# --- the company's own periods (WAR-1, S5, issue 18 B1) ------------------------------------------

SOURCES = ("law", "catalogue", "contract")  # on a tie the first wins: the law before a promise


def catalogue_months(product) -> int | None:
    """The catalogue's own whole-unit period for the product: its category's warranty policy
    (the nearest up the tree), if it has one."""
    category = product.category if product is not None and product.category_id else None
    policy = category.effective_warranty_policy() if category is not None else None
    return policy.warranty_months if policy is not None and policy.warranty_months else None


def whole_unit_periods(terms: dict, *, product, order=None) -> dict:
    """The whole-unit period of a unit sold on ``order``: the longest of the policy's (the
    statutory floor, ``terms``), the catalogue's own and the order's contract period. The
    company may give more than the law, never less (S5): a shorter contract or catalogue
    period never shortens the law's. Returns the keys a certificate's terms keep."""
    months = {
        "law": terms.get("whole_unit_months"),
        "catalogue": catalogue_months(product),
        "contract": order.warranty_months if order is not None else None,
    }
    source = max(SOURCES, key=lambda s: (months[s] or 0, -SOURCES.index(s)))
    return {
        "whole_unit_months": months[source] or None,
        "whole_unit_source": source if months[source] else "law",
        "whole_unit_sources": months,
        "contract_number": order.number if order is not None else "",
    }


def agreed_basis(source: str, months: int, contract_number: str = "") -> str:
    """Where an agreed period comes from, as the engine's answer cites it."""
    if source == "contract":
        return f"合同 {contract_number} 约定质保 {months} 个月"
    return f"产品目录约定质保 {months} 个月"


def agreed_warranty(terms: dict) -> dict | None:
    """The engine fact ``agreed_warranty`` for a certificate's terms (None: the law's period
    applies, or is the longest)."""
    source = (terms or {}).get("whole_unit_source")
    if source not in ("catalogue", "contract"):
        return None
    months = terms["whole_unit_sources"][source]
    return {"months": months, "basis": agreed_basis(source, months, terms.get("contract_number"))}


def _with_company_periods(terms: dict, *, product, order) -> dict:
    """``terms`` with the whole-unit period's source, when the catalogue or the order has a
    period of its own (else the terms are the policy's, unchanged)."""
    periods = whole_unit_periods(terms, product=product, order=order)
    sources = periods["whole_unit_sources"]
    if not (sources["catalogue"] or sources["contract"]):
        return terms
    terms.update(periods)
    source = periods["whole_unit_source"]
    if source != "law":
        basis = agreed_basis(source, periods["whole_unit_months"], periods["contract_number"])
        terms["promises"] = [*terms.get("promises", []), f"{basis}，整机质保期内质量问题免费修理"]
    return terms


# --- writes -------------------------------------------------------------------------------------


@transaction.atomic
def card_issue(
    *,
    actor,
    product,
    customer,
    invoice_date: date,
    serial=None,
    order=None,
    starts_on: date | None = None,
    policy_key: str | None = None,
    replaces: WarrantyCard | None = None,
) -> WarrantyCard:
    """Issue a 三包 certificate (R4; the seller hands it over with the invoice, R13, WAR-10).

    The period starts on the invoice date (R2) unless ``starts_on`` says otherwise. After an
    exchange (``replaces``), the period restarts on the exchange date (R10): ``starts_on``
    then defaults to today and the old certificate is marked replaced, in the same
    transaction, so one serial number never has two certificates in force.
    """
    if not can_issue_card(actor):
        raise PermissionDenied(_("You may not issue Three Guarantees (三包) certificates."))
    if not _in_scope(actor, customer):
        raise PermissionDenied(_("A dealer issues certificates to its own customers only."))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if invoice_date is None:
        errors["invoice_date"] = [_("Give the invoice date.")]
    elif invoice_date > today:
        errors["invoice_date"] = [_("The invoice date cannot be in the future.")]
    if starts_on is None and invoice_date is not None:
        starts_on = today if replaces is not None else invoice_date
    if starts_on is not None and invoice_date is not None and "invoice_date" not in errors:
        if starts_on < invoice_date:
            errors["starts_on"] = [_("The period cannot start before the invoice date.")]
        elif starts_on > today:
            errors["starts_on"] = [_("The period cannot start in the future.")]
    if serial is not None and serial.product_id != product.pk:
        errors["serial"] = [_("This serial number belongs to another product.")]
    elif serial is not None and serial.owner_id not in (None, customer.pk) and replaces is None:
        errors["serial"] = [_("This serial number is already someone else's.")]
    if order is not None and order.customer_id != customer.pk:
        errors["order"] = [_("This order belongs to another customer.")]
    if replaces is not None:
        replaces = WarrantyCard.objects.select_for_update().get(pk=replaces.pk)
        if replaces.void:
            raise Conflict(
                _("Certificate %(number)s has already been replaced.")
                % {"number": replaces.number},
                code="card_replaced",
            )
        if replaces.customer_id != customer.pk:
            errors["replaces"] = [_("The certificate replaced belongs to another customer.")]
    if serial is not None and "serial" not in errors:
        current = (
            WarrantyCard.objects.filter(serial=serial, void=False)
            .exclude(pk=replaces.pk if replaces is not None else None)
            .first()
        )
        if current is not None:
            errors["serial"] = [
                _(
                    "Serial number %(serial)s already has certificate %(number)s; issue a "
                    "replacement for it instead."
                )
                % {"serial": serial.serial, "number": current.number}
            ]
    if errors:
        raise InvalidInput(fields=errors)
    terms = _with_company_periods(
        terms_for_product(product, policy_key=policy_key), product=product, order=order
    )
    card = WarrantyCard.objects.create(
        number=document_number_next(kind="warranty_card"),
        product=product,
        serial=serial,
        customer=customer,
        order=order,
        invoice_date=invoice_date,
        starts_on=starts_on,
        policy_key=terms["policy_key"],
        terms=terms,
        replaces=replaces,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if replaces is not None:
        replaces.void = True
        replaces.save(update_fields=["void", "updated_at"])
    return card


def _text(value: str, name: str, limit: int, errors: dict, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = [_("This field is required.")]
    elif len(value) > limit:
        errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
    return value


@transaction.atomic
def card_repair_add(
    *,
    actor,
    card: WarrantyCard,
    sent_on: date,
    fault: str,
    repairer: str,
    returned_on: date | None = None,
    part: str = "",
    work_done: str = "",
    waiting_for_parts: bool = False,
    case=None,
) -> RepairRecord:
    """Record a repair on the certificate (R7: two failed repairs open an exchange, and the
    consumer proves them with this record). Its days lengthen the period (R2)."""
    if not can_issue_card_for(actor, card.customer):
        raise PermissionDenied(_("You may not add repair records to this certificate."))
    if card.void:
        raise Conflict(
            _("This certificate has been replaced; record repairs on the new one."),
            code="card_replaced",
        )
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if sent_on is None:
        errors["sent_on"] = [_("Give the date the item was handed in.")]
    elif sent_on > today:
        errors["sent_on"] = [_("The hand-in date cannot be in the future.")]
    elif sent_on < card.starts_on:
        errors["sent_on"] = [_("The hand-in date is before the certificate's period starts.")]
    if returned_on is not None:
        if returned_on > today:
            errors["returned_on"] = [_("The return date cannot be in the future.")]
        elif sent_on is not None and returned_on < sent_on:
            errors["returned_on"] = [_("The item cannot be returned before it was handed in.")]
    fault = _text(fault, "fault", FAULT_MAX, errors, required=True)
    repairer = _text(repairer, "repairer", REPAIRER_MAX, errors, required=True)
    part = _text(part, "part", PART_MAX, errors)
    work_done = _text(work_done, "work_done", WORK_MAX, errors)
    if case is not None and getattr(case, "customer_id", card.customer_id) != card.customer_id:
        errors["case"] = [_("This case belongs to another customer.")]
    if errors:
        raise InvalidInput(fields=errors)
    return RepairRecord.objects.create(
        card=card,
        sent_on=sent_on,
        returned_on=returned_on,
        fault=fault,
        part=part,
        work_done=work_done,
        waiting_for_parts=bool(waiting_for_parts),
        repairer=repairer,
        case=case,
    )


def card_issue_by_reference(
    *,
    actor,
    product_sku: str,
    customer_id: int | None,
    invoice_date: date | None,
    serial_no: str = "",
    order_no: str = "",
    starts_on: date | None = None,
    policy_key: str | None = None,
    replaces_no: str = "",
) -> WarrantyCard:
    """``card_issue`` from what a person types or an integration sends: the product's SKU,
    the customer's id, the serial, order and certificate numbers. Each reference is looked up
    within the actor's scope, so another dealer's customer reads as unknown; every unknown
    one is named in a single error."""
    from aftersales.catalog.models import Product, SerialNumber
    from aftersales.customers.selectors import customer_list_for_user
    from aftersales.sales.selectors import order_list_for_user

    if not can_issue_card(actor):
        raise PermissionDenied(_("You may not issue Three Guarantees (三包) certificates."))
    errors: dict[str, list[str]] = {}
    product_sku, serial_no = (product_sku or "").strip(), (serial_no or "").strip()
    order_no, replaces_no = (order_no or "").strip(), (replaces_no or "").strip()
    product = Product.objects.select_related("category").filter(sku=product_sku).first()
    if not product_sku:
        errors["product_sku"] = [_("Give the product's SKU.")]
    elif product is None:
        errors["product_sku"] = [_("There is no product with this SKU.")]
    customer = None
    if customer_id:
        customer = customer_list_for_user(actor, include_merged=True).filter(pk=customer_id).first()
    if customer is None:
        errors["customer"] = [
            _("Choose the customer.") if not customer_id else _("Unknown customer.")
        ]
    elif customer.merged_into_id:
        errors["customer"] = [_("This customer was merged into another; choose that one.")]
    serial = None
    if serial_no:
        serial = SerialNumber.objects.filter(serial=serial_no).first()
        if serial is None:
            errors["serial"] = [_("There is no serial number %(serial)s.") % {"serial": serial_no}]
    order = None
    if order_no:
        order = order_list_for_user(actor).filter(number=order_no).first()
        if order is None:
            errors["order"] = [_("There is no order %(number)s.") % {"number": order_no}]
    replaces = None
    if replaces_no:
        replaces = card_list_for_user(actor).filter(number=replaces_no).first()
        if replaces is None:
            errors["replaces"] = [
                _("There is no certificate %(number)s.") % {"number": replaces_no}
            ]
    if invoice_date is None:
        errors["invoice_date"] = [_("Give the invoice date.")]
    if errors:
        raise InvalidInput(fields=errors)
    return card_issue(
        actor=actor,
        product=product,
        customer=customer,
        invoice_date=invoice_date,
        serial=serial,
        order=order,
        starts_on=starts_on,
        policy_key=policy_key or None,
        replaces=replaces,
    )


def cards_for_delivery(*, shipment, actor) -> list[WarrantyCard]:
    """R13, WAR-10: the seller hands over the 三包 certificate with the goods — one per serial
    number delivered, dated the delivery day (the serial's warranty start). A serial that
    already has a certificate in force keeps it."""
    order = shipment.order
    day = timezone.localdate(shipment.delivered_at)
    issued = []
    for line in shipment.lines.select_related("order_line__product").prefetch_related("serials"):
        for serial in line.serials.all():
            if WarrantyCard.objects.filter(serial=serial, void=False).exists():
                continue
            issued.append(
                card_issue(
                    actor=actor,
                    product=serial.product,
                    customer=order.customer,
                    invoice_date=day,
                    serial=serial,
                    order=order,
                )
            )
    return issued
