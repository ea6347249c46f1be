"""Who may do what in field service, decided here for pages, API and navigation alike."""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.customers.permissions import dealer_of, is_dealer_user

# The after-sales department's dispatchers (and administrators) plan and assign the work.
DISPATCH_ROLES = (Role.SERVICE, Role.ADMIN)
# Who turns a case into work: the desk, the after-sales department, dealers for their own.
CREATE_ROLES = (Role.CUSTOMER_SERVICE, Role.SERVICE, Role.DEALER, Role.ADMIN)
VIEW_ROLES = (Role.CUSTOMER_SERVICE, Role.SERVICE, Role.LOGISTICS, Role.DEALER, Role.ADMIN)
# Parts: the warehouse receives and moves stock; the after-sales department too.
STOCK_ROLES = (Role.LOGISTICS, Role.SERVICE, Role.ADMIN)


def is_field_technician(user) -> bool:
    """Someone who goes out on visits and does not dispatch: they act on their own work only."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_repairs_field_technician", None)
    if cached is None:
        profile = getattr(user, "technician_profile", None)
        cached = profile is not None and profile.active and not profile.dispatcher
        user._repairs_field_technician = cached  # asked many times per request
    return cached


def can_view_work_orders(user) -> bool:
    """Everyone's work orders (a field technician sees their own, see selectors)."""
    return user_has_role(user, *VIEW_ROLES) and not is_field_technician(user)


def can_create_work_order(user) -> bool:
    return user_has_role(user, *CREATE_ROLES)


def can_dispatch(user) -> bool:
    """The after-sales department's planners: its people who are not field technicians (or
    technicians marked as dispatching), and administrators."""
    if is_dealer_user(user):
        return False
    if user_has_role(user, Role.ADMIN):
        return True
    return user_has_role(user, Role.SERVICE) and not is_field_technician(user)


def can_work_on(user, work_order) -> bool:
    """The technician it is assigned to, and the dispatchers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return work_order.technician_id == user.pk or can_dispatch(user)


def can_manage_stock(user) -> bool:
    """Receiving, moving and counting stock: the warehouse and the dispatchers, not a field
    technician (who uses parts from their own van on their own work)."""
    if is_dealer_user(user) or is_field_technician(user):
        return False
    return user_has_role(user, *STOCK_ROLES)


def dealer_scope(user):
    return dealer_of(user) if is_dealer_user(user) else None
