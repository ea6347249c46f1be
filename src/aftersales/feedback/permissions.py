"""Who may do what in the feedback loop, in one place for pages and API (SEC).

- Customer service works the follow-up queue and records survey answers; a salesperson
  calls the customers of their own deliveries (SAL-9); administrators do everything.
- The satisfaction register and statistics are for those who answer for the service:
  customer service, the after-sales department, quality, the sales vice-president and
  administrators. A department head sees them too (the dissatisfied alerts link there).
- The complaint analysis and its improvement proposals: customer service, quality, the
  sales vice-president and administrators.
- Self-inspection (FB-5): customer service (its head is the monthly inspector by default),
  quality and administrators run them; the sales vice-president reads them. An inspection
  is worked by its inspector, or by quality and administrators; an unassigned one by anyone
  who may run them.
- Service meetings (FB-5): the managers of the service hold them and record the minutes:
  customer service, the after-sales department's people who are not field technicians,
  quality, the sales vice-president and administrators. An attendee, and the owner of an
  action item, reads the meeting; an owner (or a manager) marks the action done. Everyone of
  the company sees their own action items.
"""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role, user_roles
from aftersales.accounts.roles import Role
from aftersales.customers.permissions import is_dealer_user

QUEUE_ROLES = (Role.CUSTOMER_SERVICE, Role.ADMIN)
SURVEY_ROLES = (Role.CUSTOMER_SERVICE, Role.SERVICE, Role.QUALITY, Role.SALES_VP, Role.ADMIN)
ANALYSIS_ROLES = (Role.CUSTOMER_SERVICE, Role.QUALITY, Role.SALES_VP, Role.ADMIN)
SELF_INSPECTION_ROLES = (Role.CUSTOMER_SERVICE, Role.QUALITY, Role.ADMIN)
SELF_INSPECTION_READERS = (*SELF_INSPECTION_ROLES, Role.SALES_VP)
MEETING_ROLES = (Role.CUSTOMER_SERVICE, Role.SERVICE, Role.QUALITY, Role.SALES_VP, Role.ADMIN)


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


# -- self-inspection and service meetings (FB-5) -----------------------------------------------


def can_view_self_inspections(user) -> bool:
    return user_has_role(user, *SELF_INSPECTION_READERS) and _company_staff(user)


def can_run_self_inspections(user) -> bool:
    """Starts one, and works those assigned to them (or to nobody)."""
    return user_has_role(user, *SELF_INSPECTION_ROLES) and _company_staff(user)


def can_work_self_inspection(user, inspection) -> bool:
    """Records the results and finishes it: its inspector; quality and administrators for
    anyone; whoever may run them when nobody is assigned."""
    if not can_run_self_inspections(user) or inspection.status != "open":
        return False
    if inspection.inspector_id in (None, user.pk):
        return True
    return user_has_role(user, Role.QUALITY, Role.ADMIN)


def _field_technician(user) -> bool:
    from aftersales.repairs.permissions import is_field_technician

    return is_field_technician(user)


def can_manage_meetings(user) -> bool:
    """Holds service meetings, records and edits them, sees them all. A field technician
    holds the after-sales role too, and is not a manager (they read the meetings they are
    in)."""
    if not (user_has_role(user, *MEETING_ROLES) and _company_staff(user)):
        return False
    if user_has_role(user, Role.CUSTOMER_SERVICE, Role.QUALITY, Role.SALES_VP, Role.ADMIN):
        return True
    return not _field_technician(user)


def can_see_meeting_actions(user) -> bool:
    """The list of action items: one's own, for everyone of the company."""
    return bool(user_roles(user)) and _company_staff(user)


def can_complete_meeting_action(user, action) -> bool:
    return (action.owner_id == user.pk and can_see_meeting_actions(user)) or can_manage_meetings(
        user
    )
