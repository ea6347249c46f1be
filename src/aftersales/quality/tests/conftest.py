"""The people and goods most quality tests start from."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import ProductFactory

from .factories import BatchFactory, plan_with_items


@pytest.fixture
def people(make_user):
    return {
        "inspector": make_user(Role.QUALITY_INSPECTION, username="qi1", full_name="陈静"),
        "quality": make_user(Role.QUALITY, username="qm1", full_name="周敏"),
        "sales": make_user(Role.SALES, username="sales1", full_name="张伟"),
        "vp": make_user(Role.SALES_VP, username="vp1", full_name="刘洋"),
        "logistics": make_user(Role.LOGISTICS, username="wh1", full_name="赵磊"),
        "cs": make_user(Role.CUSTOMER_SERVICE, username="cs1", full_name="孙丽"),
        "service": make_user(Role.SERVICE, username="eng1", full_name="吴刚"),
        "admin": make_user(Role.ADMIN, username="admin1", full_name="管理员甲"),
    }


@pytest.fixture
def tv(db):
    return ProductFactory(sku="TV-55", name="55英寸电视", model="E55", serial_tracked=True)


@pytest.fixture
def batch(tv):
    """A batch fresh from the line, waiting for inspection."""
    return BatchFactory(product=tv, batch_no="B-20261101")


@pytest.fixture
def plan(tv):
    return plan_with_items(tv)
