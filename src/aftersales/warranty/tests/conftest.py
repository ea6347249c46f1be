from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory


@pytest.fixture
def agent(make_user):
    return make_user(Role.CUSTOMER_SERVICE, username="agent1", full_name="孙丽")


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.SERVICE, username="svc1", full_name="周敏")


@pytest.fixture
def logistics(make_user):
    return make_user(Role.LOGISTICS, username="wh1", full_name="赵强")


@pytest.fixture
def tv(db):
    category = CategoryFactory(code="tv", name="电视", sanbao_category="彩色电视机")
    return ProductFactory(
        sku="TV-55X", name="55 寸智能电视", model="55X", category=category,
        list_price=Decimal("2999.00"), serial_tracked=True,
    )  # fmt: skip


@pytest.fixture
def tv_case(api_as, agent, tv):
    """A TV bought five days ago, with a fault reported today."""
    bought = timezone.localdate() - timedelta(days=5)
    response = api_as(agent).post(
        "/api/v1/tickets/",
        {
            "channel": "phone",
            "kind": "return",
            "customer": {"name": "王小明", "phone": "13912345678"},
            "description": "电视开机后屏幕有横线，要求退货",
            "product_sku": tv.sku,
            "purchase_date": bought.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    from aftersales.service.models import Case

    return Case.objects.get(number=response.json()["number"])
