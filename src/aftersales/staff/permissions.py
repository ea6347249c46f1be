"""Who sees and does what with people's training records and scorecards (SEC-1), in one
place for pages, API and exports.

- Everyone sees their own record and scorecards, and acknowledges or disputes their own.
- A department head sees the people of the departments they head, and reviews their
  scorecards (not their own: HR or the vice-president reviews a head's).
- Human resources and the sales vice-president see everyone; HR runs the training (courses,
  sessions, plans), computes the scorecards and corrects a final one.
- A dealer's people are not the company's staff: they have no record here.
"""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role, user_roles
from aftersales.accounts.roles import Role
from aftersales.customers.permissions import is_dealer_user

EVERYONE_ROLES = (Role.HR, Role.SALES_VP)
TRAINING_ROLES = (Role.HR,)


def is_staff_member(user) -> bool:
    return bool(user_roles(user)) and not is_dealer_user(user)


def sees_everyone(user) -> bool:
    return user_has_role(user, *EVERYONE_ROLES) and is_staff_member(user)


def can_run_training(user) -> bool:
    """Courses, sessions, attendance, plans and the requirement lists."""
    return user_has_role(user, *TRAINING_ROLES) and is_staff_member(user)


def can_compute_scorecards(user) -> bool:
    return user_has_role(user, Role.HR) and is_staff_member(user)


def headed_department_ids(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_headed_department_ids", None)
    if cached is None:
        cached = frozenset(user.headed_departments.filter(active=True).values_list("pk", flat=True))
        user._headed_department_ids = cached
    return cached


def can_view_people(user) -> bool:
    """The people list and the department ranking (someone else's records)."""
    return sees_everyone(user) or (is_staff_member(user) and bool(headed_department_ids(user)))


def can_view_person(user, person) -> bool:
    if not is_staff_member(user):
        return False
    if person.pk == user.pk or sees_everyone(user):
        return True
    return person.department_id is not None and person.department_id in headed_department_ids(user)


def can_view_scorecard(user, scorecard) -> bool:
    if not is_staff_member(user):
        return False
    if scorecard.user_id == user.pk or sees_everyone(user):
        return True
    return scorecard.department_id is not None and scorecard.department_id in headed_department_ids(
        user
    )


def can_review(user, scorecard) -> bool:
    """The supervisor: head of the person's department; a head's own card, and one whose
    department has no head, goes to HR or the vice-president. Nobody reviews their own."""
    if scorecard.user_id == user.pk or not is_staff_member(user):
        return False
    if scorecard.department_id is not None and scorecard.department_id in headed_department_ids(
        user
    ):
        return True
    return sees_everyone(user) and _without_other_head(scorecard)


def can_finalize(user, scorecard) -> bool:
    return can_review(user, scorecard) or (
        can_compute_scorecards(user) and scorecard.user_id != user.pk
    )


def can_answer(user, scorecard) -> bool:
    """Acknowledge or dispute: the person themselves."""
    return scorecard.user_id == user.pk


def can_correct(user, scorecard) -> bool:
    return can_compute_scorecards(user) and scorecard.user_id != user.pk


def _without_other_head(scorecard) -> bool:
    """The card's department has no head but the person themselves (or none at all)."""
    department = scorecard.department
    return department is None or department.head_id in (None, scorecard.user_id)
