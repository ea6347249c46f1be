"""Who opens the management cockpit and its reports: the vice-president, administrators,
the quality department (which answers for the figures' quality side), and the head of any
department (each runs a part of what the figures show). Never a dealer's people."""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role

COCKPIT_ROLES = (Role.SALES_VP, Role.ADMIN, Role.QUALITY)


def is_department_head(user) -> bool:
    from aftersales.accounts.models import Department

    if not getattr(user, "is_authenticated", False):
        return False
    return Department.objects.filter(head=user, active=True).exists()


def can_open_cockpit(user) -> bool:
    from aftersales.customers.permissions import is_dealer_user

    if not getattr(user, "is_authenticated", False) or is_dealer_user(user):
        return False
    return user_has_role(user, *COCKPIT_ROLES) or is_department_head(user)


def can_make_report(user) -> bool:
    """Make (or make again) a month's management report by hand."""
    return user_has_role(user, Role.SALES_VP, Role.ADMIN)
