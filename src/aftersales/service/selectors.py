"""Reads of cases, scoped to what the reader may see: a dealer's people see their dealer's
cases only (SEC-1)."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.accounts.permissions import user_roles
from aftersales.customers.permissions import dealer_of, is_dealer_user

from .models import Case


def case_list_for_user(user) -> QuerySet[Case]:
    if not user_roles(user):
        return Case.objects.none()
    cases = Case.objects.select_related(
        "customer", "product", "serial", "batch", "order", "shipment", "assignee", "department"
    )
    if is_dealer_user(user):
        own = dealer_of(user)
        return cases.filter(dealer=own) if own is not None else Case.objects.none()
    return cases


def case_get_for_user(user, *, number: str) -> Case | None:
    return case_list_for_user(user).filter(number=number).first()
