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


# -- written promises (SAL-11) ------------------------------------------------------------------

# The company's sales staff write, publish and review promises; a dealer's people write their
# dealer's own, which the company reviews.
PROMISE_STAFF_ROLES = (Role.SALES, Role.SALES_VP, Role.ADMIN)
PROMISE_ROLES = (*PROMISE_STAFF_ROLES, Role.DEALER)


def can_view_promises(user) -> bool:
    """Open the written promises (a dealer's people: their dealer's own only)."""
    return user_has_role(user, *PROMISE_ROLES)


def promise_dealer(user):
    """Whose promises the person writes: ``(True, dealer)`` for a dealer's people (the dealer
    is None for one not attached to a dealer yet, who may write nothing), ``(False, None)``
    for the company's staff."""
    from aftersales.customers.permissions import dealer_of, is_dealer_user

    if is_dealer_user(user):
        return True, dealer_of(user)
    return False, None


def can_write_promises(user) -> bool:
    """Write a new promise: the company's staff, or a person of a dealer."""
    if not can_view_promises(user):
        return False
    scoped, dealer = promise_dealer(user)
    return dealer is not None if scoped else True


def can_edit_promise(user, promise) -> bool:
    """Change a promise: the company's staff its own promises, a dealer's people their
    dealer's. Nobody changes another publisher's words (the company reviews a dealer's)."""
    if not can_view_promises(user):
        return False
    scoped, dealer = promise_dealer(user)
    if scoped:
        return dealer is not None and promise.dealer_id == dealer.pk
    return promise.dealer_id is None


def can_review_promises(user) -> bool:
    """Publish or reject dealers' promises: the company's sales staff, never a dealer."""
    return user_has_role(user, *PROMISE_STAFF_ROLES) and not promise_dealer(user)[0]
