"""Who may do what in quality work (QC-1 … QC-8), role by role. Pages, API and navigation
all ask these predicates, so this table is what every screen shows."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import DepartmentFactory
from aftersales.quality import permissions as perms
from aftersales.quality.models import CorrectiveAction, LiaisonForm

pytestmark = pytest.mark.django_db

CHECKS = (
    "can_inspect",
    "can_manage_quality",
    "can_request_release",
    "can_decide_release",
    "can_work_recall",
    "can_view_quality",
)

# role → the checks that hold for it (the others do not)
MATRIX = {
    Role.SALES: {"can_request_release", "can_view_quality"},
    Role.SALES_VP: {
        "can_request_release",
        "can_decide_release",
        "can_work_recall",
        "can_view_quality",
    },
    Role.QUALITY_INSPECTION: {"can_inspect", "can_view_quality"},
    Role.QUALITY: {"can_inspect", "can_manage_quality", "can_work_recall", "can_view_quality"},
    Role.LOGISTICS: {"can_request_release", "can_view_quality"},
    Role.SERVICE: {"can_view_quality"},
    Role.CUSTOMER_SERVICE: {"can_work_recall", "can_view_quality"},
    Role.DEALER: set(),
    Role.HR: {"can_view_quality"},  # company staff read quality records
    # An administrator runs the system, but the emergency release is the vice-president's
    # decision by office (QC-3).
    Role.ADMIN: {
        "can_inspect",
        "can_manage_quality",
        "can_request_release",
        "can_work_recall",
        "can_view_quality",
    },
}


def test_every_role_is_in_the_matrix():
    assert set(MATRIX) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_what_each_role_may_do(make_user, role):
    user = make_user(role)
    allowed = {name for name in CHECKS if getattr(perms, name)(user)}
    assert allowed == MATRIX[role]


def test_a_superuser_may_do_what_an_administrator_may_and_nobody_without_a_role_anything(
    make_user,
):
    boss = make_user(is_superuser=True)
    assert {name for name in CHECKS if getattr(perms, name)(boss)} == MATRIX[Role.ADMIN]
    nobody = make_user()
    assert not any(getattr(perms, name)(nobody) for name in CHECKS)


def test_a_deactivated_person_may_do_nothing(make_user):
    gone = make_user(Role.QUALITY, is_active=False)
    assert not any(getattr(perms, name)(gone) for name in CHECKS)


def test_roles_add_up(make_user):
    both = make_user(Role.SALES, Role.QUALITY_INSPECTION)
    assert perms.can_inspect(both) and perms.can_request_release(both)
    assert not perms.can_decide_release(both)


def test_qc7_an_action_is_completed_by_its_owner_or_quality(make_user):
    owner = make_user(Role.LOGISTICS)
    action = CorrectiveAction(owner=owner)
    assert perms.can_complete_action(owner, action)
    assert perms.can_complete_action(make_user(Role.QUALITY), action)
    assert not perms.can_complete_action(make_user(Role.LOGISTICS), action)
    assert not perms.can_complete_action(make_user(Role.QUALITY_INSPECTION), action)


def test_qc8_the_department_handles_and_the_originator_or_quality_verifies(make_user):
    dept = DepartmentFactory()
    member = make_user(Role.LOGISTICS, department=dept)
    originator = make_user(Role.CUSTOMER_SERVICE)
    form = LiaisonForm(department=dept, originator=originator)
    assert perms.can_handle_liaison(member, form)
    assert not perms.can_handle_liaison(originator, form)
    assert perms.can_handle_liaison(make_user(Role.ADMIN), form)
    assert not perms.can_handle_liaison(make_user(Role.QUALITY), form)

    assert perms.can_verify_liaison(originator, form)
    assert perms.can_verify_liaison(make_user(Role.QUALITY), form)
    assert not perms.can_verify_liaison(member, form)


def test_qc8_someone_without_a_department_handles_nothing(make_user):
    form = LiaisonForm(department=DepartmentFactory(), originator=make_user(Role.SALES))
    loner = make_user(Role.LOGISTICS, department=None)
    assert not perms.can_handle_liaison(loner, form)
