"""Reading 三包 records, with who may see what applied in one place."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import Application, Remedy, Rulebook
from .permissions import can_view_warranty, dealer_scope


def application_list_for_user(user) -> QuerySet[Application]:
    if not can_view_warranty(user):
        return Application.objects.none()
    qs = Application.objects.all()
    dealer = dealer_scope(user)
    if dealer is not None:
        # Whatever came in on the dealer's cases (the case app scopes by the case's dealer),
        # and, without a case, its customers' applications: the views of a dealer's work
        # agree, also after a customer moved from one dealer to another.
        qs = qs.filter(Q(case__dealer=dealer) | Q(case__isnull=True, customer__dealer=dealer))
    elif getattr(user, "is_authenticated", False) and _is_dealer_without_dealer(user):
        return Application.objects.none()
    return qs


def _is_dealer_without_dealer(user) -> bool:
    from aftersales.customers.permissions import is_dealer_user

    return is_dealer_user(user)


def application_filter(
    user,
    *,
    status: str = "",
    q: str = "",
    overridden: bool = False,
    late: bool = False,
    refund_due: bool = False,
) -> QuerySet[Application]:
    """The applications a list shows; ``refund_due``: goods back, a return decided, and the
    refund not recorded yet (the "refund" step waits for it)."""
    qs = application_list_for_user(user)
    if status == "all":
        pass
    elif status == "open":
        qs = qs.exclude(status__in=(Application.Status.CLOSED, Application.Status.CANCELLED))
    elif status:
        qs = qs.filter(status=status)
    if overridden:
        qs = qs.filter(overridden=True)
    if late:
        # WAR-12: refunds not made by their due day, and refunds made after it.
        today = timezone.localdate()
        qs = qs.filter(
            Q(refunded_at__isnull=True, refund_due_on__lt=today)
            | Q(refunded_at__date__gt=F("refund_due_on"))
        )
    if refund_due:
        qs = qs.filter(
            status=Application.Status.GOODS_RECEIVED, remedy=Remedy.RETURN, refunded_at__isnull=True
        )
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(number__iexact=q)
            | Q(case__number__iexact=q)
            | Q(serial__serial=q)
            | Q(customer__name__icontains=q)
        )
    return qs


def application_get_for_user(user, number: str, *, queryset=None) -> Application | None:
    return (
        (queryset if queryset is not None else application_list_for_user(user))
        .select_related(
            "customer",
            "product",
            "product__category",
            "serial",
            "order",
            "case",
            "reviewed_by",
            "created_by",
            "replacement_serial",
            "nonconformance",
        )
        .filter(number=number)
        .first()
    )


def rulebooks() -> QuerySet[Rulebook]:
    return Rulebook.objects.order_by("-is_default", "key")
