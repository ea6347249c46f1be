"""The work order's page (issue 17, item 11): the customer named once, the address of a
municipality written once, the 三包 basis in the reader's language."""

import re

import pytest

from aftersales.repairs.services.work_orders import work_order_create
from aftersales.warranty.engine.rules import B_R11
from aftersales.warranty.presentation import BASIS_TITLES

pytestmark = pytest.mark.django_db


def _customer_line(html: str) -> str:
    return re.search(r'data-testid="wo-customer">(.*?)</dd>', html, re.S).group(1)


def test_the_customer_is_named_once_and_the_address_once(client, dispatcher, customer):
    wo = work_order_create(
        actor=dispatcher, kind="onsite_repair", customer=customer, problem="空调不制冷"
    )
    assert wo.address == "上海市浦东新区张江路 88 号"  # not 上海市上海市
    client.force_login(dispatcher)
    html = client.get(wo.get_absolute_url()).content.decode()
    line = _customer_line(html)
    assert line.count("王小明") == 1
    assert "上海市上海市" not in html


def test_a_different_contact_is_named_beside_the_customer(client, dispatcher, customer):
    wo = work_order_create(
        actor=dispatcher,
        kind="onsite_repair",
        customer=customer,
        problem="空调不制冷",
        contact_name="王大明",
    )
    client.force_login(dispatcher)
    line = _customer_line(client.get(wo.get_absolute_url()).content.decode())
    assert "王小明 · 王大明" in line


def test_the_sanbao_basis_reads_in_english_with_its_chinese_original(client, dispatcher, customer):
    wo = work_order_create(
        actor=dispatcher,
        kind="onsite_repair",
        customer=customer,
        problem="电视黑屏",
        in_warranty=True,
        warranty_basis=B_R11,
    )
    client.force_login(dispatcher)
    client.cookies["aftersales_language"] = "en"
    html = client.get(wo.get_absolute_url()).content.decode()
    warranty = re.search(r'data-testid="wo-warranty">(.*?)</dd>', html, re.S).group(1)
    assert "<dt" not in warranty
    assert BASIS_TITLES["B_R11"] in warranty
    assert f'<div lang="zh-Hans">{B_R11}</div>' in warranty
    assert "Three Guarantees (三包)" in html
