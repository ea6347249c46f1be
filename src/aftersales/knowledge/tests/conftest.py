"""The world of the knowledge tests (FB-4): a technical department whose head reviews the
articles of 电子产品 (电视 and 冰箱 below it), two TVs and a fridge, the fault code
"tv-screen-lines", a writer from customer service and a dealer's person."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import DepartmentFactory
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
from aftersales.customers.tests.factories import DealerFactory, dealer_user
from aftersales.service.services.intake import IntakeInput, case_intake
from aftersales.service.services.workflow import case_transition

from .factories import FaultCodeFactory

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 21, 10, 0, tzinfo=SH)


@pytest.fixture
def reviewer(make_user):
    """Heads the technical department, which owns the knowledge of 电子产品."""
    head = make_user(Role.SERVICE, username="head1", full_name="技术部长")
    DepartmentFactory(code="tech", name="技术部", head=head)
    return head


@pytest.fixture
def writer(make_user):
    return make_user(Role.CUSTOMER_SERVICE, username="writer1", full_name="孙丽")


@pytest.fixture
def categories(reviewer):
    from aftersales.accounts.models import Department

    electronics = CategoryFactory(
        code="electronics", name="电子产品", owner_department=Department.objects.get(code="tech")
    )
    return {
        "electronics": electronics,
        "tv": CategoryFactory(code="tv", name="电视", parent=electronics),
        "fridge": CategoryFactory(code="fridge", name="冰箱", parent=electronics),
    }


@pytest.fixture
def tv(categories):
    return ProductFactory(sku="TV-55A1", name="液晶电视", model="55A1", category=categories["tv"])


@pytest.fixture
def other_tv(categories):
    return ProductFactory(sku="TV-65B2", name="激光电视", model="65B2", category=categories["tv"])


@pytest.fixture
def fridge(categories):
    return ProductFactory(
        sku="BCD-330", name="双门冰箱", model="330", category=categories["fridge"]
    )


@pytest.fixture
def screen_lines(categories):
    return FaultCodeFactory(
        code="tv-screen-lines",
        name="屏幕横线/条纹",
        category=categories["tv"],
        keywords="横线 竖线 条纹 花屏",
    )


@pytest.fixture
def dealer(db):
    return DealerFactory(code="d-pudong", name="浦东经销店")


@pytest.fixture
def dealer_person(make_user, dealer):
    return dealer_user(make_user, dealer, username="dealer1", full_name="经销店员")


def take_case(actor, description, *, product=None, phone="13912345678", name="王小明", **more):
    return case_intake(
        actor=actor,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name=name,
            customer_phone=phone,
            description=description,
            product_sku=product.sku if product is not None else "",
            **more,
        ),
    )[0]


def solve(actor, case, solution: str):
    case = case_transition(actor=actor, case=case, action="accept")
    return case_transition(actor=actor, case=case, action="resolve", solution=solution)
