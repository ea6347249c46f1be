"""Routing (SVC-5): rules by kind, category, product category, region and dealer choose the
department; the least-loaded member gets the case and is told."""

import pytest

from aftersales.accounts.models import Department
from aftersales.accounts.roles import Role
from aftersales.catalog.models import Category
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.errors import InvalidInput
from aftersales.core.models import Notification

from ..models import CaseCategory, RoutingRule
from ..services.intake import IntakeInput, case_intake
from ..services.routing import case_assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    return {
        "service": Department.objects.create(code="svc", name="售后服务部"),
        "quality": Department.objects.create(code="qa", name="品质部"),
    }


def take(agent, **fields):
    data = {
        "channel": "phone",
        "kind": "repair",
        "customer_name": "王小明",
        "customer_phone": "13912345678",
        "description": "不制冷",
        **fields,
    }
    return case_intake(actor=agent, data=IntakeInput(**data))[0]


def test_the_first_matching_rule_decides_and_the_least_loaded_member_gets_it(
    agent, make_user, departments
):
    busy = make_user(Role.SERVICE, username="busy", department=departments["service"])
    free = make_user(Role.SERVICE, username="free", department=departments["service"])
    RoutingRule.objects.create(
        name="维修", position=10, kind="repair", department=departments["service"]
    )
    first = take(agent)
    second = take(agent)
    assert first.department == departments["service"]
    assert {first.assignee, second.assignee} == {busy, free}  # one each: by load
    assert Notification.objects.filter(
        recipient=first.assignee, title__contains=first.number
    ).exists()
    assert first.events.filter(action="assign").exists()


def test_conditions_on_category_product_category_region_and_dealer(agent, departments):
    tv_parent = Category.objects.create(code="electronics-x", name="电子")
    tv = Category.objects.create(code="tv-x", name="电视", parent=tv_parent)
    ProductFactory(sku="TV-R1", category=tv)
    quality_cat = CaseCategory.objects.create(code="quality-x", name="质量")
    RoutingRule.objects.create(
        name="电子类质量投诉 → 品质部",
        position=10,
        kind="complaint",
        category=quality_cat,
        product_category=tv_parent,
        department=departments["quality"],
        assign_person=False,
    )
    RoutingRule.objects.create(
        name="其余投诉", position=20, kind="complaint", department=departments["service"]
    )
    match = take(agent, kind="complaint", category="quality-x", product_sku="TV-R1")
    other = take(agent, kind="complaint", product_sku="TV-R1")
    assert match.department == departments["quality"] and match.assignee is None
    assert other.department == departments["service"]
    RoutingRule.objects.filter(position=20).update(region="浙江省")
    none = take(agent, kind="complaint", customer_phone="13700000000", customer_name="新客户")
    assert none.department is None  # no rule: customer service's shared queue


def test_assigning_by_hand_checks_the_person_is_in_the_department(agent, make_user, departments):
    case = take(agent)
    outsider = make_user(Role.SERVICE, username="out", department=departments["quality"])
    with pytest.raises(InvalidInput) as refused:
        case_assign(actor=agent, case=case, department=departments["service"], assignee=outsider)
    assert "assignee" in refused.value.fields
    case = case_assign(actor=agent, case=case, department=departments["quality"], assignee=outsider)
    assert case.assignee == outsider


def test_assign_through_the_api(api_as, agent, make_user, departments):
    case = take(agent)
    tech = make_user(
        Role.SERVICE, username="tech9", full_name="吴刚", department=departments["service"]
    )
    response = api_as(agent).post(
        f"/api/v1/tickets/{case.number}/assign/",
        {"department": "svc", "assignee": tech.pk},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["department"] == "svc" and response.json()["assignee"] == "吴刚"
