from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import DepartmentFactory
from aftersales.staff.models import Attendance, Course, StaffPolicy, TrainingSession

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def department(db):
    return DepartmentFactory(code="after-sales", name="售后服务部")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="cs-dept", name="客服部")


@pytest.fixture
def head(make_user, department):
    user = make_user(Role.SERVICE, username="head1", full_name="杨主管", department=department)
    department.head = user
    department.save()
    return user


@pytest.fixture
def tech(make_user, department):
    return make_user(Role.SERVICE, username="tech1", full_name="陈杰", department=department)


@pytest.fixture
def tech2(make_user, department):
    return make_user(Role.SERVICE, username="tech2", full_name="王强", department=department)


@pytest.fixture
def agent(make_user, other_department):
    return make_user(
        Role.CUSTOMER_SERVICE, username="agent1", full_name="孙丽", department=other_department
    )


@pytest.fixture
def hr(make_user):
    return make_user(Role.HR, username="hr1", full_name="徐红")


@pytest.fixture
def vp(make_user):
    return make_user(Role.SALES_VP, username="vp1", full_name="刘洋")


@pytest.fixture
def policy(db):
    return StaffPolicy.objects.get(active=True)


def passed(person, code: str, held_on: date, *, valid_until: date | None = None, hr=None):
    """A pass of ``code`` on record (what ``session_record`` writes)."""
    course = Course.objects.get(code=code)
    session = TrainingSession.objects.create(
        number=f"PX-T-{TrainingSession.objects.count() + 1}",
        course=course,
        held_on=held_on,
        trainer_name="讲师",
        hours=course.hours,
        pass_mark=Decimal("60"),
        status=TrainingSession.Status.HELD,
        created_by=hr or person,
    )
    return Attendance.objects.create(
        session=session,
        user=person,
        attended=True,
        score=Decimal("90"),
        passed=True,
        valid_until=valid_until,
        certificate_no=f"{session.number}-01",
    )
