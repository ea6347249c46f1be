"""Who may read and write the support knowledge, in one place for pages and API (FB-4, SEC).

- Readers: the public reads public articles on the help centre; a dealer's people read public
  and dealers' articles; the company's own staff read every published article. Drafts and
  versions in review are for the writers and reviewers.
- Writers: customer service, after-sales service (technicians and engineers), quality and
  administrators, when they are the company's own staff.
- Reviewers: the head of the article's owner department (the product category's owner, or
  the after-sales service department), and administrators. Nobody approves their own
  version unless they are an administrator.
- The common-problem analysis is for the writers and the sales vice-president.
"""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role, user_roles
from aftersales.accounts.roles import Role
from aftersales.customers.permissions import is_dealer_user

from .models import Visibility

WRITER_ROLES = (Role.CUSTOMER_SERVICE, Role.SERVICE, Role.QUALITY, Role.ADMIN)
ANALYSIS_ROLES = (*WRITER_ROLES, Role.SALES_VP)


def _staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user_roles(user)) and not (
        is_dealer_user(user)
    )


def visible_levels(user) -> tuple[str, ...]:
    """The visibilities this reader may see (anyone not signed in: public only)."""
    if _staff(user):
        return tuple(Visibility.values)
    if getattr(user, "is_authenticated", False) and is_dealer_user(user):
        return (Visibility.PUBLIC, Visibility.DEALERS)
    return (Visibility.PUBLIC,)


def can_open_knowledge(user) -> bool:
    """The staff pages of the knowledge base (a dealer reads its articles there too)."""
    return bool(getattr(user, "is_authenticated", False) and user_roles(user))


def can_write(user) -> bool:
    return user_has_role(user, *WRITER_ROLES) and _staff(user)


def can_see_drafts(user) -> bool:
    return can_write(user) or _heads_a_department(user)


def can_review(user, article) -> bool:
    if not _staff(user):
        return False
    if user_has_role(user, Role.ADMIN):
        return True
    department = article.owner_department
    return department is not None and department.head_id == user.pk


def can_approve(user, version) -> bool:
    """The reviewer, and not the version's own writer (administrators excepted)."""
    if not can_review(user, version.article):
        return False
    return version.written_by_id != user.pk or user_has_role(user, Role.ADMIN)


def can_analyse(user) -> bool:
    return user_has_role(user, *ANALYSIS_ROLES) and _staff(user)


def can_use_on_case(user, case) -> bool:
    """Attach a suggestion to a case or send it to the customer: whoever handles the case."""
    from aftersales.service.services.workflow import can_handle

    return can_handle(user, case)


def _heads_a_department(user) -> bool:
    if not _staff(user):
        return False
    return user.headed_departments.exists()
