from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import DepartmentFactory
from aftersales.service.services import workflow
from aftersales.service.services.intake import IntakeInput, case_intake

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def department(db):
    return DepartmentFactory(code="after-sales", name="售后服务部")


@pytest.fixture
def head(make_user, department):
    user = make_user(Role.SERVICE, username="head1", full_name="赵主管", department=department)
    department.head = user
    department.save()
    return user


@pytest.fixture
def agent(make_user):
    return make_user(Role.CUSTOMER_SERVICE, username="agent1", full_name="孙丽")


@pytest.fixture
def technician(make_user, department):
    return make_user(Role.SERVICE, username="tech1", full_name="陈杰", department=department)


@pytest.fixture
def new_case(agent, technician, department):
    def make(
        kind="repair", *, phone="13912345678", name="王小明", description="洗衣机漏水，地面全是水"
    ):
        case, _ = case_intake(
            actor=agent,
            data=IntakeInput(
                channel="phone",
                kind=kind,
                customer_name=name,
                customer_phone=phone,
                description=description,
            ),
        )
        case.department, case.assignee = department, technician
        case.save(update_fields=["department", "assignee"])
        return case

    return make


@pytest.fixture
def close_case(agent):
    def close(case):
        workflow.case_transition(actor=agent, case=case, action="accept")
        workflow.case_transition(actor=agent, case=case, action="resolve", solution="更换进水阀")
        return workflow.case_transition(actor=agent, case=case, action="close")

    return close


@pytest.fixture
def closed_case(new_case, close_case):
    def make(kind="repair", **kwargs):
        return close_case(new_case(kind, **kwargs))

    return make
