"""Who may do what in the feedback loop, in one place for pages and API (SEC).

- Customer service works the follow-up queue and records survey answers; a salesperson
  calls the customers of their own deliveries (SAL-9); administrators do everything.
- The satisfaction register and statistics are for those who answer for the service:
  customer service, the after-sales department, quality, the sales vice-president and
  administrators. A department head sees them too (the dissatisfied alerts link there).
- The complaint analysis and its improvement proposals: customer service, quality, the
  sales vice-president and administrators.
"""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.customers.permissions import is_dealer_user

QUEUE_ROLES = (Role.CUSTOMER_SERVICE, Role.ADMIN)
SURVEY_ROLES = (Role.CUSTOMER_SERVICE, Role.SERVICE, Role.QUALITY, Role.SALES_VP, Role.ADMIN)
ANALYSIS_ROLES = (Role.CUSTOMER_SERVICE, Role.QUALITY, Role.SALES_VP, Role.ADMIN)


def _company_staff(user) -> bool:
    """A dealer's people see their own dealer's records only, whatever other roles they hold:
    the company-wide queue, answers and analysis are not theirs."""
    return not is_dealer_user(user)


def can_work_queue(user) -> bool:
    """Sees and works every follow-up."""
    return user_has_role(user, *QUEUE_ROLES) and _company_staff(user)


def can_view_follow_ups(user) -> bool:
    """The queue page: the whole queue, or a salesperson's own delivery calls."""
    return can_work_queue(user) or user_has_role(user, Role.SALES, Role.DEALER)


def can_work_follow_up(user, follow_up) -> bool:
    if can_work_queue(user):
        return True
    return follow_up.assignee_id is not None and follow_up.assignee_id == user.pk


def can_view_surveys(user) -> bool:
    """Every answer, or (for a department head without such a role) the answers of the
    department's cases: see ``selectors.survey_list_for_user``."""
    return can_view_all_surveys(user) or (_company_staff(user) and _heads_a_department(user))


def can_view_all_surveys(user) -> bool:
    return user_has_role(user, *SURVEY_ROLES) and _company_staff(user)


def can_record_survey(user) -> bool:
    return can_work_queue(user)


def can_analyse_complaints(user) -> bool:
    return user_has_role(user, *ANALYSIS_ROLES) and _company_staff(user)


def can_manage_questionnaires(user) -> bool:
    return user_has_role(user, Role.ADMIN)


def _heads_a_department(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_heads_department", None)
    if cached is None:
        cached = user.headed_departments.filter(active=True).exists()
        user._heads_department = cached
    return cached
