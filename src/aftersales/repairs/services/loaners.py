"""Loaners (备用机, WAR-7, R15): a unit lent while the customer's own is being repaired.

A unit is lent only while available, and at most once at a time (the database's
``repairs_one_open_loan_per_unit`` holds even when two people lend it at the same moment);
the loan records the condition out and back. Whether a loaner is owed is policy (R15 gives it
for some categories only, the 三包 answer says so in ``fees.loaner``), so lending is never
refused for want of a rule. Overdue loans are told to the dispatchers every day.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.customers.permissions import is_dealer_user

from ..models import LoanerIssue, LoanerUnit, WorkOrder
from ..permissions import can_dispatch, can_manage_stock, can_view_work_orders

U = LoanerUnit.Status


def can_view_loaners(user) -> bool:
    """The company's people who see work orders (not the dealers: the units are ours)."""
    return can_view_work_orders(user) and not is_dealer_user(user)


def can_manage_loaners(user) -> bool:
    """The after-sales department lends and takes back; the warehouse keeps the units."""
    return can_dispatch(user) or can_manage_stock(user)


def _manager(actor) -> None:
    if not can_manage_loaners(actor):
        raise PermissionDenied(_("Only the after-sales department and the warehouse lend units."))


# -- reads ---------------------------------------------------------------------------------


def loaner_units(*, status: str = "") -> QuerySet[LoanerUnit]:
    units = LoanerUnit.objects.select_related("product")
    if status:
        units = units.filter(status=status)
    return units.order_by("code")


def open_loans() -> QuerySet[LoanerIssue]:
    return LoanerIssue.objects.filter(returned_at__isnull=True).select_related(
        "unit", "unit__product", "customer", "work_order", "issued_by"
    )


def loaners_overdue(today: date | None = None) -> QuerySet[LoanerIssue]:
    """Loans not back by their due day."""
    today = today or timezone.localdate()
    return open_loans().filter(due_back_on__lt=today).order_by("due_back_on", "id")


def loans_by_unit(units) -> dict[int, LoanerIssue]:
    """Each listed unit's open loan, one query."""
    ids = [u.pk for u in units]
    return {loan.unit_id: loan for loan in open_loans().filter(unit_id__in=ids)}


# -- writes --------------------------------------------------------------------------------


@transaction.atomic
def loaner_unit_create(
    *, actor, code: str, product, serial: str = "", condition: str = ""
) -> LoanerUnit:
    _manager(actor)
    code = (code or "").strip()
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("Give the loaner a number.")]
    elif LoanerUnit.objects.filter(code=code).exists():
        errors["code"] = [_("Another loaner has this number.")]
    if product is None:
        errors["product"] = [_("Choose the product.")]
    if errors:
        raise InvalidInput(fields=errors)
    unit = LoanerUnit(
        code=code[:40],
        product=product,
        serial=(serial or "").strip()[:60],
        condition=(condition or "").strip()[:200],
    )
    unit._history_user = actor
    unit.save()
    return unit


@transaction.atomic
def loaner_issue(
    *,
    actor,
    unit: LoanerUnit,
    customer,
    due_back_on: date,
    condition_out: str,
    work_order: WorkOrder | None = None,
) -> LoanerIssue:
    """Lend an available unit to a customer until ``due_back_on``, noting its condition."""
    _manager(actor)
    errors: dict[str, list[str]] = {}
    condition_out = (condition_out or "").strip()
    if not condition_out:
        errors["condition_out"] = [_("Note the unit's condition as it leaves.")]
    if due_back_on is None:
        errors["due_back_on"] = [_("Give the day it is due back.")]
    elif due_back_on < timezone.localdate():
        errors["due_back_on"] = [_("The day it is due back cannot be in the past.")]
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    elif work_order is not None and work_order.customer_id != customer.pk:
        errors["work_order"] = [_("The work order is another customer's.")]
    if errors:
        raise InvalidInput(fields=errors)
    locked = LoanerUnit.objects.select_for_update(of=("self",)).get(pk=unit.pk)
    if locked.status != U.AVAILABLE:
        raise Conflict(
            _("Loaner %(code)s is not available (%(status)s).")
            % {"code": locked.code, "status": locked.get_status_display()},
            code="loaner_unavailable",
        )
    issue = LoanerIssue(
        unit=locked,
        work_order=work_order,
        customer=customer,
        issued_at=timezone.now(),
        due_back_on=due_back_on,
        condition_out=condition_out[:200],
        issued_by=actor,
    )
    issue._history_user = actor
    try:
        with transaction.atomic():
            issue.save()
    except IntegrityError:
        raise Conflict(
            _("Loaner %(code)s is already lent out.") % {"code": locked.code},
            code="loaner_out",
        ) from None
    locked.status = U.OUT
    locked._history_user = actor
    locked.save(update_fields=["status", "updated_at"])
    unit.status = locked.status
    return issue


@transaction.atomic
def loaner_return(
    *, actor, issue: LoanerIssue, condition_in: str, retire: bool = False
) -> LoanerIssue:
    """The unit comes back: its condition is noted, and it is available again — or retired
    when it is no longer fit to lend (``retire``)."""
    _manager(actor)
    condition_in = (condition_in or "").strip()
    if not condition_in:
        raise InvalidInput(fields={"condition_in": [_("Note the unit's condition as it returns.")]})
    locked = LoanerIssue.objects.select_for_update(of=("self",)).get(pk=issue.pk)
    if locked.returned_at is not None:
        raise Conflict(_("This loan is already returned."), code="loan_returned")
    unit = LoanerUnit.objects.select_for_update(of=("self",)).get(pk=locked.unit_id)
    locked.returned_at = timezone.now()
    locked.condition_in = condition_in[:200]
    locked.received_by = actor
    locked._history_user = actor
    locked.save(update_fields=["returned_at", "condition_in", "received_by", "updated_at"])
    unit.status = U.RETIRED if retire else U.AVAILABLE
    unit.condition = condition_in[:200]
    unit._history_user = actor
    unit.save(update_fields=["status", "condition", "updated_at"])
    issue.returned_at, issue.condition_in = locked.returned_at, locked.condition_in
    issue.received_by = actor
    return locked


def loaners_overdue_notify(today: date | None = None) -> int:
    """Daily: tell the dispatchers (the after-sales department) which loans are late.
    Returns how many are."""
    from aftersales.core.notifications import notify

    late = list(loaners_overdue(today))
    if not late:
        return 0
    people = get_user_model().objects.filter(groups__name=Role.SERVICE.value, is_active=True)
    lines = [
        f"{loan.unit.code} · {loan.customer.name} · {loan.due_back_on.isoformat()}"
        for loan in late[:50]
    ]
    notify(
        recipients=list(people.distinct()),
        title=_("%(n)s loaners are overdue") % {"n": len(late)},
        body="\n".join(lines),
        link=reverse("repairs:loaner-list") + "?overdue=1",
        level="warning",
    )
    return len(late)
