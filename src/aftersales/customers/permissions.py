"""Who sees which customers, and whose phone numbers are shown in full (SEC-1)."""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role, user_roles
from aftersales.accounts.roles import Role

# Roles whose daily work is calling customers.
FULL_PHONE_ROLES = {
    Role.ADMIN,
    Role.CUSTOMER_SERVICE,
    Role.SERVICE,
    Role.SALES,
    Role.LOGISTICS,
    Role.DEALER,
}
EDIT_ROLES = {Role.ADMIN, Role.CUSTOMER_SERVICE, Role.SALES, Role.DEALER}


def dealer_of(user):
    """The dealer a dealer user acts for, or None for company staff."""
    member = getattr(user, "dealer_member", None) if user.is_authenticated else None
    return member.dealer if member is not None else None


def is_dealer_user(user) -> bool:
    """Scoped to one dealer: a member of a dealer (whatever other roles they hold), or someone
    with the dealer role but no dealer yet (who then sees nothing)."""
    if not user.is_authenticated or user.is_superuser:
        return False
    return dealer_of(user) is not None or Role.DEALER.value in user_roles(user)


def can_view_customers(user) -> bool:
    return bool(user_roles(user))


def can_edit_customers(user) -> bool:
    return user_has_role(user, *EDIT_ROLES)


def can_see_full_phone(user) -> bool:
    return user_has_role(user, *FULL_PHONE_ROLES)


def can_merge_customers(user) -> bool:
    return user_has_role(user, Role.ADMIN, Role.CUSTOMER_SERVICE)


def can_export_customers(user) -> bool:
    return user_has_role(user, Role.ADMIN, Role.CUSTOMER_SERVICE, Role.SALES, Role.DEALER)
