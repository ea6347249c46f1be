"""Addresses in one line (issue 17, item 11): a municipality is a province and a city at
once, and is written once."""

import pytest

from aftersales.customers.addresses import format_address
from aftersales.customers.tests.factories import CustomerFactory


@pytest.mark.parametrize(
    ("parts", "line"),
    [
        (("上海市", "上海市", "徐汇区", "漕溪北路88号"), "上海市徐汇区漕溪北路88号"),
        (("北京市", "北京市", "朝阳区", "建国路1号"), "北京市朝阳区建国路1号"),
        (("天津", "天津市", "和平区", ""), "天津和平区"),
        (("重庆市", "重庆市", "", ""), "重庆市"),
        (("浙江省", "杭州市", "西湖区", "文三路90号"), "浙江省杭州市西湖区文三路90号"),
        (("吉林省", "吉林市", "船营区", ""), "吉林省吉林市船营区"),
        (("", "", "", "张江路 88 号"), "张江路 88 号"),
        (("", "", "", ""), ""),
    ],
)
def test_format_address(parts, line):
    assert format_address(*parts) == line


@pytest.mark.django_db
def test_a_customer_in_shanghai_has_shanghai_once():
    customer = CustomerFactory(
        province="上海市", city="上海市", district="闵行区", street="莘松路55弄"
    )
    assert customer.address == "上海市闵行区莘松路55弄"
