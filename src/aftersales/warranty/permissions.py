"""Who may do what with 三包 applications, certificates, policies and dealer claims, decided
here for pages, API and navigation alike."""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.customers.permissions import dealer_of, is_dealer_user

# Who takes an application in: the desk, service staff, dealers (for their own customers).
APPLY_ROLES = (Role.CUSTOMER_SERVICE, Role.SERVICE, Role.DEALER, Role.SALES, Role.ADMIN)
# Who decides it: the after-sales department and administrators.
REVIEW_ROLES = (Role.SERVICE, Role.ADMIN)
# Who receives returned goods and ships replacements.
GOODS_ROLES = (Role.LOGISTICS, Role.SERVICE, Role.ADMIN)
# Who records a refund.
REFUND_ROLES = (Role.SERVICE, Role.SALES_VP, Role.ADMIN)
# Who issues a 三包 certificate (at delivery, or after an exchange).
CARD_ROLES = (
    Role.SALES,
    Role.LOGISTICS,
    Role.SERVICE,
    Role.CUSTOMER_SERVICE,
    Role.DEALER,
    Role.ADMIN,
)
# Who decides a dealer's claim against the manufacturer (S8: the quality department judges).
CLAIM_DECIDE_ROLES = (Role.QUALITY, Role.SALES_VP, Role.ADMIN)
VIEW_ROLES = tuple(r for r in Role if r != Role.QUALITY_INSPECTION)
# Who reads the compliance register (WAR-14, S14 六): refusals, overrides and late refunds
# with what each may cost. The quality department, the after-sales service, the
# vice-president and administrators; not a dealer's people.
COMPLIANCE_ROLES = (Role.QUALITY, Role.SERVICE, Role.SALES_VP, Role.ADMIN)


def can_view_warranty(user) -> bool:
    return user_has_role(user, *VIEW_ROLES)


def can_view_compliance(user) -> bool:
    return user_has_role(user, *COMPLIANCE_ROLES) and not is_dealer_user(user)


def can_apply(user) -> bool:
    return user_has_role(user, *APPLY_ROLES)


def can_review(user) -> bool:
    return user_has_role(user, *REVIEW_ROLES) and not is_dealer_user(user)


def can_handle_goods(user) -> bool:
    return user_has_role(user, *GOODS_ROLES) and not is_dealer_user(user)


def can_refund(user) -> bool:
    return user_has_role(user, *REFUND_ROLES) and not is_dealer_user(user)


def can_issue_card(user) -> bool:
    return user_has_role(user, *CARD_ROLES)


def can_edit_policies(user) -> bool:
    return user_has_role(user, Role.ADMIN)


def can_submit_claim(user) -> bool:
    """A dealer's people claim for their own dealer; staff may enter one on a dealer's behalf."""
    return user_has_role(user, Role.DEALER, Role.SERVICE, Role.ADMIN)


def can_decide_claim(user) -> bool:
    return user_has_role(user, *CLAIM_DECIDE_ROLES) and not is_dealer_user(user)


def dealer_scope(user):
    """The dealer whose records alone this user sees, or None for company staff."""
    return dealer_of(user) if is_dealer_user(user) else None


def can_settle_claim(user) -> bool:
    """Paying the dealer is the manufacturer's business: the sales vice-president (who owns the
    dealer accounts) and administrators record it."""
    return user_has_role(user, Role.SALES_VP, Role.ADMIN) and not is_dealer_user(user)


def can_view_claims(user) -> bool:
    return can_submit_claim(user) or can_decide_claim(user) or can_settle_claim(user)


# Extended warranties (S14 五、2): sold by those who sell and by the desk, plans kept by the
# sales vice-president and administrators; the register and its revenue read by them and the
# after-sales service.
EXTENDED_SELL_ROLES = (
    Role.SALES,
    Role.CUSTOMER_SERVICE,
    Role.SERVICE,
    Role.DEALER,
    Role.SALES_VP,
    Role.ADMIN,
)
EXTENDED_PLAN_ROLES = (Role.SALES_VP, Role.ADMIN)
EXTENDED_REGISTER_ROLES = (Role.SALES, Role.SERVICE, Role.SALES_VP, Role.ADMIN, Role.DEALER)


def can_sell_extended(user) -> bool:
    return user_has_role(user, *EXTENDED_SELL_ROLES)


def can_edit_extended_plans(user) -> bool:
    return user_has_role(user, *EXTENDED_PLAN_ROLES) and not is_dealer_user(user)


def can_view_extended(user) -> bool:
    return user_has_role(user, *EXTENDED_REGISTER_ROLES)


def can_judge_photos(user) -> bool:
    """WAR-6, S8 三、10: the quality department judges a furniture defect from the photos."""
    return user_has_role(user, Role.QUALITY, Role.ADMIN) and not is_dealer_user(user)


def can_record_plan_answer(user) -> bool:
    """The customer's answer to a handling plan, given by phone or in writing (S2), is
    recorded by those who deal with the customer."""
    return user_has_role(user, Role.CUSTOMER_SERVICE, Role.SERVICE, Role.ADMIN) and not (
        is_dealer_user(user)
    )
