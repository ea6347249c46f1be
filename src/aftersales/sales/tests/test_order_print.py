"""The order or contract printout (issue 17): both parties, the lines and the total in figures
and capitals, the terms, and a signature block; from the order page, for whoever opens it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.services import company_profile_save
from aftersales.core.testing import (
    MARKUP_TEXTS,
    assert_pdf_prints_as_typed,
    assert_pdf_reads_well,
    no_missing_glyphs,
)
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.sales import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(make_user):
    return make_user(Role.SALES, username="zhangwei", full_name="张伟")


@pytest.fixture
def profile(make_user):
    return company_profile_save(
        actor=make_user(Role.ADMIN),
        data={
            "name": "华东精工电器有限公司",
            "short_name": "华东精工",
            "address": "上海市徐汇区漕溪北路88号",
            "phone": "400-820-1234",
            "credit_code": "91310104MA1FL5TQ06",
            "bank_name": "中国工商银行上海徐汇支行",
            "bank_account": "1001 2345 6789 0123 456",
        },
    )


@pytest.fixture
def order(seller):
    from aftersales.core.testing import soon

    customer = CustomerFactory(name="上海和平大酒店有限公司", mobile="13912345678")
    tv = ProductFactory(sku="TV-55A1", name="55英寸4K智能电视", unit="台")
    fridge = ProductFactory(sku="FR-450", name="450升风冷对开门冰箱", unit="台")
    return services.order_create(
        actor=seller,
        customer=customer,
        delivery_date=soon(),
        delivery_place="上海市徐汇区衡山路10号",
        quality_standard="GB/T 39051-2020",
        warranty_months=24,
        return_terms="到货 7 日内质量问题包退",
        lines=[
            services.LineInput(tv, 3, Decimal("3299.00")),
            services.LineInput(fridge, 2, Decimal("4599.50")),
        ],
    )


def test_the_contract_prints_both_parties_lines_and_terms(client, seller, profile, order):
    client.force_login(seller)
    with no_missing_glyphs():
        response = client.get(reverse("sales:order-print", args=[order.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = assert_pdf_reads_well(
        response.content,
        "销售合同（订单）",
        order.number,
        "上海和平大酒店有限公司",
        "55英寸4K智能电视",
        "450升风冷对开门冰箱",
        "TV-55A1",
        "9,897.00",  # 3 × 3,299.00
        "9,199.00",
        "¥19,096.00",
        "人民币壹万玖仟零玖拾陆元整",
        "GB/T 39051-2020",
        "自交付之日起 24 个月",
        "到货 7 日内质量问题包退",
        "13912345678",
        letterhead="华东精工电器有限公司",
    )
    for supplier in ("91310104MA1FL5TQ06", "中国工商银行上海徐汇支行", "1001 2345 6789 0123 456"):
        assert supplier in text
    assert "供方（盖章）" in text and "需方（盖章）" in text


def test_the_order_page_has_the_print_button(client, seller, order):
    client.force_login(seller)
    html = client.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    assert reverse("sales:order-print", args=[order.pk]) in html


def test_a_reader_who_does_not_call_customers_gets_the_phone_masked(client, make_user, order):
    client.force_login(make_user(Role.QUALITY))
    response = client.get(reverse("sales:order-print", args=[order.pk]))
    text = assert_pdf_reads_well(response.content, order.number)
    assert "139****5678" in text and "13912345678" not in text


def test_the_contract_prints_markup_like_text_as_typed(client, seller, order):
    image, link, less, amp = MARKUP_TEXTS
    order.customer.name = less
    order.customer.save()
    order.delivery_place, order.notes, order.return_terms = image, link, amp
    order.save()
    client.force_login(seller)
    response = client.get(reverse("sales:order-print", args=[order.pk]))
    assert_pdf_prints_as_typed(response.content, *MARKUP_TEXTS)


def test_the_contract_prints_its_number_terms_and_the_approval_comment(
    client, seller, make_user, profile
):
    """SAL-1/SAL-2: the contract's own number, payment and delivery terms, and the
    vice-president's comment are on the paper both sides sign."""
    from aftersales.core.testing import soon

    tv = ProductFactory(sku="TV-65B2", name="65英寸电视", unit="台")
    order = services.order_create(
        actor=seller,
        customer=CustomerFactory(name="杭州西湖宾馆"),
        delivery_date=soon(),
        delivery_place="杭州市西湖区北山街1号",
        contract_number="HT-2026-118",
        payment_terms="预付30%，到货验收后付清",
        delivery_terms="送货上门并安装，运费由供方承担",
        lines=[services.LineInput(tv, 40, Decimal("5999.00"))],
    )
    services.order_submit(actor=seller, order=order)
    vp = make_user(Role.SALES_VP, username="liuyang", full_name="刘洋")
    services.order_approve(actor=vp, order=order, note="同意，按期交付")
    client.force_login(seller)
    response = client.get(reverse("sales:order-print", args=[order.pk]))
    assert_pdf_reads_well(
        response.content,
        "HT-2026-118",
        order.number,
        "预付30%，到货验收后付清",
        "送货上门并安装，运费由供方承担",
        "审批意见：同意，按期交付",
    )
