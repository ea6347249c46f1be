"""Who may do what in quality work, decided here for pages, API and navigation alike.
The emergency-release rules live with the batch in ``catalog.permissions``."""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.catalog.permissions import can_decide_release, can_request_release
from aftersales.customers.permissions import is_dealer_user

INSPECTOR_ROLES = (Role.QUALITY_INSPECTION, Role.QUALITY, Role.ADMIN)
MANAGER_ROLES = (Role.QUALITY, Role.ADMIN)
# Staff who see quality records and may raise a nonconformance or a liaison form: everyone
# of the company. Dealers are outside it (they see only their own customers and cases).
STAFF_ROLES = tuple(r for r in Role if r != Role.DEALER)


def is_staff_member(user) -> bool:
    """Company staff. Someone scoped to a dealer stays outside, whatever other roles they
    hold: quality records name every dealer's customers (SEC-1)."""
    return user_has_role(user, *STAFF_ROLES) and not is_dealer_user(user)


def can_view_quality(user) -> bool:
    return is_staff_member(user)


def can_inspect(user) -> bool:
    return user_has_role(user, *INSPECTOR_ROLES)


def can_manage_quality(user) -> bool:
    """Plans, nonconformances, judgements, recalls: the quality department (品质部)."""
    return user_has_role(user, *MANAGER_ROLES)


def can_complete_action(user, action) -> bool:
    return action.owner_id == user.pk or can_manage_quality(user)


def can_handle_liaison(user, form) -> bool:
    """The department the form was sent to records the analysis and measures."""
    return form.department_id == user.department_id or user_has_role(user, Role.ADMIN)


def can_verify_liaison(user, form) -> bool:
    """The originator or the quality department verifies the result (QC-8)."""
    return form.originator_id == user.pk or can_manage_quality(user)


RECALL_ROLES = (Role.QUALITY, Role.CUSTOMER_SERVICE, Role.SALES_VP, Role.ADMIN)


def can_work_recall(user) -> bool:
    """See recall lists (with contacts) and record the outcome of each call."""
    return user_has_role(user, *RECALL_ROLES)


__all__ = [
    "can_complete_action",
    "can_decide_release",
    "can_handle_liaison",
    "can_inspect",
    "can_manage_quality",
    "can_request_release",
    "can_verify_liaison",
    "can_view_quality",
    "can_work_recall",
    "is_staff_member",
]
