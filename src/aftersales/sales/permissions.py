"""Who may sell, ship and settle disputed deliveries. The services check the same rules
(``services._require``); pages use these predicates to decide what to offer."""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role

SELLER_ROLES = (Role.SALES, Role.ADMIN, Role.DEALER)
WAREHOUSE_ROLES = (Role.LOGISTICS, Role.ADMIN)


def can_sell(user) -> bool:
    """Create orders (SAL-1)."""
    return user_has_role(user, *SELLER_ROLES)


def can_sell_to(user, customer) -> bool:
    """Create an order for this customer: a seller, never for a merged-away record, and a
    dealer's people only for their dealer's own customers (as ``order_create`` insists)."""
    from aftersales.customers.permissions import dealer_of, is_dealer_user

    if not can_sell(user) or customer.merged_into_id:
        return False
    if is_dealer_user(user):
        own = dealer_of(user)
        return own is not None and customer.dealer_id == own.pk
    return True


def can_reship(user) -> bool:
    """Send disputed goods again: the warehouse, as any shipment."""
    return user_has_role(user, *WAREHOUSE_ROLES)


def can_credit(user, order) -> bool:
    """Credit disputed goods: the seller of the order (a dealer for its own sales only)."""
    from aftersales.customers.permissions import dealer_of, is_dealer_user

    if not can_sell(user):
        return False
    if is_dealer_user(user):
        own = dealer_of(user)
        return own is not None and order.dealer_id == own.pk
    return True
