"""Extended warranties (S14 五、2 延保, WAR-1, issue 18 B2): plans as data, a plan sold on one
unit with its order or within the plan's days after the purchase, the engine applying it after
the statutory period, and the register with the claims made under it and the revenue by month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from aftersales.core.numbering import document_number_next
from aftersales.core.search import clean_query
from aftersales.customers.permissions import is_dealer_user
from aftersales.workdays import current_calendar

from ..engine.periods import Periods
from ..models import Application, ExtendedWarranty, ExtendedWarrantyPlan
from ..permissions import (
    can_edit_extended_plans,
    can_sell_extended,
    can_view_extended,
    dealer_scope,
)

PLAN_FIELDS = (
    "code",
    "name",
    "price",
    "months",
    "covers_parts",
    "covers_labour",
    "exclusions",
    "transferable",
    "sale_window_days",
    "category",
    "active",
)


# -- plans -----------------------------------------------------------------------------------


def plans_on_sale(product=None) -> list[ExtendedWarrantyPlan]:
    """The plans on sale, for ``product`` when given: those for its category or one above it,
    and those for every product."""
    plans = ExtendedWarrantyPlan.objects.filter(active=True).select_related("category")
    if product is None:
        return list(plans)
    tree = {c.pk for c in product.category.path()} if product.category_id else set()
    return [p for p in plans if p.category_id is None or p.category_id in tree]


def _money(value, field: str, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        errors.setdefault(field, []).append(_("Enter an amount in yuan, e.g. 399.00."))
        return None
    if amount < 0 or amount > Decimal("99999999"):
        errors.setdefault(field, []).append(_("Enter an amount from 0 to 99,999,999."))
        return None
    return amount


@transaction.atomic
def plan_save(*, actor, plan: ExtendedWarrantyPlan | None = None, **data) -> ExtendedWarrantyPlan:
    """Create a plan, or change one (contracts already sold keep the terms they were sold
    with). Every field is checked before anything is written."""
    if not can_edit_extended_plans(actor):
        raise PermissionDenied(_("Only the sales vice-president and administrators keep plans."))
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise InvalidInput(fields={k: [_("Unknown field.")] for k in sorted(unknown)})
    plan = plan or ExtendedWarrantyPlan()
    errors: dict[str, list[str]] = {}
    values = {k: getattr(plan, k) for k in PLAN_FIELDS if k != "category"}
    values["category"] = plan.category if plan.pk else None
    values.update(data)
    code = str(values.get("code") or "").strip().lower()
    if not code or len(code) > 40 or not code.replace("-", "").replace("_", "").isalnum():
        errors["code"] = [_("Give a code of letters, digits and hyphens (up to 40).")]
    elif ExtendedWarrantyPlan.objects.filter(code=code).exclude(pk=plan.pk).exists():
        errors["code"] = [_("Another plan has this code.")]
    name = str(values.get("name") or "").strip()
    if not name or len(name) > 80:
        errors["name"] = [_("Give the plan's name (up to 80 characters).")]
    price = _money(values.get("price"), "price", errors)
    months = values.get("months")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
        errors["months"] = [_("Give the extra months, from 1 to 120.")]
    window = values.get("sale_window_days")
    if isinstance(window, bool) or not isinstance(window, int) or not 0 <= window <= 3650:
        errors["sale_window_days"] = [_("Give the days after the purchase, from 0 to 3650.")]
    exclusions = "\n".join(
        line.strip() for line in str(values.get("exclusions") or "").splitlines() if line.strip()
    )
    if any(len(line) > 60 for line in exclusions.splitlines()) or len(exclusions) > 2000:
        errors["exclusions"] = [_("One part per line, each up to 60 characters.")]
    if errors:
        raise InvalidInput(fields=errors)
    plan.code, plan.name, plan.price, plan.months = code, name, price, months
    plan.sale_window_days = window
    plan.exclusions = exclusions
    plan.category = values.get("category")
    for flag in ("covers_parts", "covers_labour", "transferable", "active"):
        setattr(plan, flag, bool(values.get(flag)))
    if plan.pk:
        plan.version += 1
    plan._history_user = actor
    plan.save()
    return plan


def plan_terms(plan: ExtendedWarrantyPlan) -> dict:
    return {
        "code": plan.code,
        "name": plan.name,
        "months": plan.months,
        "parts": plan.covers_parts,
        "labour": plan.covers_labour,
        "exclusions": plan.excluded_parts,
        "transferable": plan.transferable,
    }


# -- selling ---------------------------------------------------------------------------------


def active_extended_warranty(serial) -> ExtendedWarranty | None:
    if serial is None:
        return None
    return (
        ExtendedWarranty.objects.filter(serial=serial, status=ExtendedWarranty.Status.ACTIVE)
        .select_related("plan")
        .first()
    )


def extended_fact(serial) -> dict | None:
    """The engine's ``extended_warranty`` fact for the unit, or None."""
    contract = active_extended_warranty(serial)
    return contract.fact if contract is not None else None


def sale_last_day(plan: ExtendedWarrantyPlan, purchased_on: date) -> date:
    from datetime import timedelta

    return purchased_on + timedelta(days=plan.sale_window_days)


@transaction.atomic
def extended_warranty_sell(
    *,
    actor,
    serial,
    plan: ExtendedWarrantyPlan,
    order=None,
    price=None,
) -> ExtendedWarranty:
    """Sell ``plan`` on the unit ``serial``. The unit must be sold, with its 三包 certificate
    in force: the contract belongs to the certificate's customer. Sold with the unit's own
    order it may be bought any time until the statutory period ends; otherwise within the
    plan's days after the purchase (the certificate's invoice date). One plan per unit."""
    from ..models import WarrantyCard
    from .cards import _in_scope

    if not can_sell_extended(actor):
        raise PermissionDenied(_("You may not sell extended warranties."))
    errors: dict[str, list[str]] = {}
    if serial is None:
        raise InvalidInput(fields={"serial": [_("Give the unit's serial number.")]})
    card = (
        WarrantyCard.objects.filter(serial=serial, void=False)
        .select_related("customer", "order", "product")
        .order_by("-created_at")
        .first()
    )
    if card is None:
        raise InvalidInput(
            fields={
                "serial": [
                    _(
                        "Serial %(serial)s has no Three Guarantees (三包) certificate: it is "
                        "not sold yet, or its certificate was not issued."
                    )
                    % {"serial": serial.serial}
                ]
            }
        )
    if not _in_scope(actor, card.customer):
        raise NotFound()
    if plan is None or not plan.active:
        errors["plan"] = [_("Choose a plan on sale.")]
    elif plan not in plans_on_sale(card.product):
        errors["plan"] = [
            _("Plan %(plan)s is not for %(product)s.")
            % {"plan": plan.name, "product": card.product.name}
        ]
    if order is not None and order.pk != card.order_id:
        errors["order"] = [
            _("Serial %(serial)s was not sold on order %(order)s.")
            % {"serial": serial.serial, "order": order.number}
        ]
    amount = plan.price if (price in (None, "") and plan is not None) else None
    if price not in (None, ""):
        amount = _money(price, "price", errors)
    if errors:
        raise InvalidInput(fields=errors)
    today = timezone.localdate()
    from .cards import card_periods

    periods = card_periods(card, today=today)
    statutory_end = periods.whole_unit_ends_on
    if statutory_end is not None and today > statutory_end:
        raise Conflict(
            _("The Three Guarantees (三包) period of %(serial)s ended on %(day)s.")
            % {"serial": serial.serial, "day": statutory_end.isoformat()},
            code="extended_sale_closed",
            fields={"serial": [_("The period is over.")]},
        )
    if order is None and today > sale_last_day(plan, card.invoice_date):
        last = sale_last_day(plan, card.invoice_date)
        raise Conflict(
            _(
                "Plan %(plan)s is sold within %(days)s days of the purchase (until %(day)s); "
                "later, only with the unit's order."
            )
            % {"plan": plan.name, "days": plan.sale_window_days, "day": last.isoformat()},
            code="extended_sale_closed",
            fields={"plan": [_("The sale window is over.")]},
        )
    contract = ExtendedWarranty(
        number=document_number_next(kind="extended_warranty"),
        plan=plan,
        serial=serial,
        customer=card.customer,
        order=order or card.order,
        price=amount,
        sold_on=today,
        terms=plan_terms(plan),
        sold_by=actor,
    )
    contract._history_user = actor
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError:
        raise Conflict(
            _("Serial %(serial)s already has an extended warranty.") % {"serial": serial.serial},
            code="extended_already_sold",
        ) from None
    return contract


@transaction.atomic
def extended_warranty_cancel(*, actor, contract: ExtendedWarranty, reason: str) -> ExtendedWarranty:
    """Cancel a contract sold in error or taken back, before anything was claimed under it."""
    if not can_edit_extended_plans(actor):
        raise PermissionDenied(_("Only the sales vice-president and administrators cancel."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Give the reason for cancelling.")]})
    locked = ExtendedWarranty.objects.select_for_update().get(pk=contract.pk)
    if locked.status != ExtendedWarranty.Status.ACTIVE:
        raise Conflict(_("The contract is already cancelled."), code="illegal_transition")
    if locked.claims.exists():
        raise Conflict(
            _("A claim was made under this contract: it cannot be cancelled."),
            code="extended_has_claims",
        )
    locked.status = ExtendedWarranty.Status.CANCELLED
    locked._history_user = actor
    locked._change_reason = reason[:100]
    locked.save(update_fields=["status", "updated_at"])
    return locked


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractPeriod:
    statutory_end: date | None
    starts_on: date | None
    ends_on: date | None


def contract_period(contract: ExtendedWarranty, *, today: date | None = None) -> ContractPeriod:
    """When the plan runs, as the certificate stands today: from the day after its whole-unit
    period ends (days in repair included, R2), for the plan's months."""
    from datetime import timedelta

    from .cards import card_for_serial, card_periods

    card = card_for_serial(contract.serial)
    if card is None:
        return ContractPeriod(None, None, None)
    end = card_periods(card, today=today).whole_unit_ends_on
    if end is None:
        return ContractPeriod(None, None, None)
    last = Periods(current_calendar()).months_end(end, contract.terms["months"])
    return ContractPeriod(end, end + timedelta(days=1), last)


def _scoped(user) -> QuerySet[ExtendedWarranty]:
    if not can_view_extended(user):
        return ExtendedWarranty.objects.none()
    rows = ExtendedWarranty.objects.all()
    if is_dealer_user(user):
        own = dealer_scope(user)
        if own is None:
            return ExtendedWarranty.objects.none()
        rows = rows.filter(customer__dealer=own)
    return rows


def extended_list_for_user(user, *, q: str = "", status: str = "") -> QuerySet[ExtendedWarranty]:
    rows = _scoped(user).select_related("plan", "serial__product", "customer")
    rows = rows.annotate(claim_count=Count("claims"))
    if status in ExtendedWarranty.Status.values:
        rows = rows.filter(status=status)
    q = clean_query(q)
    if q:
        from django.db.models import Q

        rows = rows.filter(
            Q(number__istartswith=q)
            | Q(serial__serial__istartswith=q)
            | Q(customer__name__startswith=q)
        )
    return rows.order_by("-sold_on", "-id")


def extended_get_for_user(user, *, number: str) -> ExtendedWarranty:
    found = extended_list_for_user(user).filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


def extended_claims_for_user(user) -> QuerySet[Application]:
    """Applications the engine answered under an extended warranty."""
    rows = Application.objects.filter(extended_warranty__isnull=False).select_related(
        "extended_warranty", "customer", "product"
    )
    if not can_view_extended(user):
        return rows.none()
    if is_dealer_user(user):
        own = dealer_scope(user)
        if own is None:
            return rows.none()
        rows = rows.filter(customer__dealer=own)
    return rows.order_by("-created_at", "-id")


def extended_revenue_by_month(user, *, year: int | None = None) -> list[dict]:
    """Contracts in force or cancelled, by the month they were sold: how many, the revenue
    of those still in force, and the claims made under them. One grouped query."""
    rows = _scoped(user)
    if year is not None:
        rows = rows.filter(sold_on__year=year)
    active = ExtendedWarranty.Status.ACTIVE
    from django.db.models import Q

    grouped = (
        rows.annotate(month=TruncMonth("sold_on"))
        .values("month")
        .annotate(
            sold=Count("id", filter=Q(status=active), distinct=True),
            cancelled=Count("id", filter=~Q(status=active), distinct=True),
            revenue=Sum("price", filter=Q(status=active)),
        )
        .order_by("month")
    )
    claims = dict(
        extended_claims_for_user(user)
        .filter(extended_warranty__in=rows.values("pk"))
        .order_by()
        .annotate(month=TruncMonth("extended_warranty__sold_on"))
        .values_list("month")
        .annotate(n=Count("id"))
    )
    out = []
    for g in grouped:
        month = g["month"]
        month = month.date() if hasattr(month, "date") else month
        out.append(
            {
                "month": month.strftime("%Y-%m"),
                "sold": g["sold"],
                "cancelled": g["cancelled"],
                "revenue": (g["revenue"] or Decimal("0")).quantize(Decimal("0.01")),
                "claims": claims.get(g["month"], 0),
            }
        )
    return out
