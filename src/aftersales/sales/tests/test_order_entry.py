"""Issue 17 item 5 (orders as a salesperson expects): the customer picker, "New order" on the
customer's page, the contract's terms on the order, the vice-president's comment."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.testing import soon
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.sales import services
from aftersales.sales.models import Order, OrderEvent, SalesPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    dealer = DealerFactory(code="sh", name="上海店")
    return {
        "wang": CustomerFactory(name="王小明", mobile="13812345678", dealer=dealer),
        "wang2": CustomerFactory(name="王大力", mobile="13900001111"),
        "li": CustomerFactory(name="李秀英", mobile="13700002222"),
        "dealer": dealer,
    }


def picked(client, q: str) -> str:
    response = client.get("/customers/picker/", {"customer_search": q}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_picker_finds_by_name_or_phone_as_you_type(client, make_user, people):
    client.force_login(make_user(Role.SALES))
    html = picked(client, "王")
    assert "王小明" in html and "王大力" in html and "李秀英" not in html
    assert f'data-pick-value="{people["wang"].pk}"' in html
    assert "13812345678" in html  # sales calls customers: numbers in full
    assert "李秀英" in picked(client, "1370000")  # a mobile's first digits
    assert "李秀英" in picked(client, "2222")  # or its last four
    assert 'data-testid="no-customer"' in picked(client, "赵")
    assert picked(client, "").strip() == ""  # nothing typed, nothing listed


def test_the_picker_keeps_to_the_readers_scope_and_masking(client, make_user, people):
    client.force_login(dealer_user(make_user, people["dealer"]))
    html = picked(client, "王")
    assert "王小明" in html and "王大力" not in html  # a dealer: its own customers
    client.force_login(make_user(Role.SALES_VP))
    html = picked(client, "王小明")
    assert "138****5678" in html and "13812345678" not in html  # the VP sees numbers masked


def test_the_picker_lists_in_a_few_queries(
    client, make_user, people, django_assert_max_num_queries
):
    for n in range(30):
        CustomerFactory(name=f"王{n:02d}")
    client.force_login(make_user(Role.SALES))
    with django_assert_max_num_queries(8):
        html = picked(client, "王")
    assert html.count('data-testid="pick-customer"') == 10


def test_new_order_from_the_customers_page(client, make_user, people):
    sales = make_user(Role.SALES)
    client.force_login(sales)
    page = client.get(f"/customers/{people['wang'].pk}/").content.decode()
    assert f'href="/orders/new/?customer={people["wang"].pk}"' in page
    form = client.get("/orders/new/", {"customer": people["wang"].pk}).content.decode()
    assert f'name="customer" value="{people["wang"].pk}"' in form
    assert 'value="王小明 · 13812345678"' in form and 'data-testid="customer-chosen"' in form
    for role in (Role.CUSTOMER_SERVICE, Role.QUALITY, Role.SALES_VP):
        client.force_login(make_user(role))
        page = client.get(f"/customers/{people['wang'].pk}/").content.decode()
        assert 'data-testid="new-order-for-customer"' not in page
    seller = dealer_user(make_user, people["dealer"])
    client.force_login(seller)
    assert (
        'data-testid="new-order-for-customer"'
        in client.get(f"/customers/{people['wang'].pk}/").content.decode()
    )


def test_a_customer_out_of_scope_is_not_filled_in(client, make_user, people):
    client.force_login(dealer_user(make_user, people["dealer"]))
    form = client.get("/orders/new/", {"customer": people["li"].pk}).content.decode()
    assert 'name="customer" value=""' in form and "李秀英" not in form


def order_post(customer, product, **extra) -> dict:
    return {
        "customer": customer.pk,
        "channel": "offline",
        "delivery_date": soon().isoformat(),
        "delivery_place": "上海",
        "delivery_method": "our_delivery",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "100",
        "lines-0-product": product.pk,
        "lines-0-quantity": "1",
        "lines-0-unit_price": "3299.00",
        **extra,
    }


def test_the_contracts_terms_on_the_form_the_page_and_the_api(client, api_as, make_user, people):
    sales = make_user(Role.SALES)
    tv = ProductFactory(sku="TV-55", name="55英寸电视", list_price=Decimal("3299.00"))
    client.force_login(sales)
    signed = timezone.localdate() - timedelta(days=2)
    response = client.post(
        "/orders/new/",
        order_post(
            people["wang"],
            tv,
            contract_number="HT-2026-118",
            signed_on=signed.isoformat(),
            payment_terms="预付30%，到货付清",
            delivery_terms="送货上门并安装，运费我方承担",
        ),
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.contract_number, order.signed_on) == ("HT-2026-118", signed)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    for text in ("HT-2026-118", signed.isoformat(), "预付30%，到货付清", "送货上门并安装"):
        assert text in page
    body = api_as(sales).get(f"/api/v1/orders/{order.pk}/").json()
    assert body["contract_number"] == "HT-2026-118" and body["signed_on"] == signed.isoformat()
    assert body["payment_terms"] == "预付30%，到货付清" and body["disputes"] == []
    edit = client.get(f"/orders/{order.pk}/edit/").content.decode()
    assert 'value="HT-2026-118"' in edit and f'value="{signed.isoformat()}"' in edit
    changed = api_as(sales).patch(
        f"/api/v1/orders/{order.pk}/", {"delivery_terms": "客户自提"}, format="json"
    )
    assert changed.json()["delivery_terms"] == "客户自提"
    future = api_as(sales).patch(
        f"/api/v1/orders/{order.pk}/",
        {"signed_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
        format="json",
    )
    assert future.status_code == 400 and list(future.json()["fields"]) == ["signed_on"]


def test_the_form_without_a_customer_says_so_on_the_picker(client, make_user):
    client.force_login(make_user(Role.SALES))
    tv = ProductFactory(sku="TV-55")
    body = order_post(CustomerFactory(), tv)
    body["customer"] = ""
    html = client.post("/orders/new/", body).content.decode()
    assert 'data-field-error="customer"' in html and not Order.objects.exists()


def test_the_vice_presidents_comment_is_kept_and_on_the_timeline(client, api_as, make_user, people):
    SalesPolicy.objects.create(name="标准", approval_amount=Decimal("1.00"))
    sales, vp = make_user(Role.SALES), make_user(Role.SALES_VP)
    tv = ProductFactory(sku="TV-55", list_price=Decimal("3299.00"))

    def submitted():
        order = services.order_create(
            actor=sales,
            customer=people["wang"],
            lines=[services.LineInput(tv, 1, Decimal("3299.00"))],
            delivery_date=soon(),
            delivery_place="上海",
        )
        return services.order_submit(actor=sales, order=order)

    order = submitted()
    client.force_login(vp)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="approve-note"' in page
    client.post(f"/orders/{order.pk}/approve/", {"note": "价格同意，注意回款"})
    order.refresh_from_db()
    assert order.status == "approved" and order.decision_reason == "价格同意，注意回款"
    event = OrderEvent.objects.get(order=order, to_status="approved")
    assert event.note == "价格同意，注意回款" and event.actor == vp
    page = client.get(f"/orders/{order.pk}/").content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    assert "价格同意，注意回款" in timeline

    other = submitted()
    api = api_as(vp)
    too_long = api.post(f"/api/v1/orders/{other.pk}/approve/", {"note": "长" * 301}, format="json")
    assert too_long.status_code == 400 and "note" in too_long.json()["fields"]
    ok = api.post(f"/api/v1/orders/{other.pk}/approve/", {"note": "同意"}, format="json").json()
    assert ok["status"] == "approved" and ok["decision_reason"] == "同意"


def test_order_buttons_keep_their_words_together(client, make_user, people):
    """Buttons were squeezed into two-character stacks next to the reason boxes: each button
    keeps its text on one line and a form with a text box takes a row of its own on a phone
    (the browser test looks at 1280 px and 390 px)."""
    SalesPolicy.objects.create(name="标准", approval_amount=Decimal("1.00"))
    sales, vp = make_user(Role.SALES), make_user(Role.SALES_VP)
    tv = ProductFactory(sku="TV-55", list_price=Decimal("3299.00"))
    order = services.order_create(
        actor=sales,
        customer=people["wang"],
        lines=[services.LineInput(tv, 1, Decimal("3299.00"))],
        delivery_date=soon(),
        delivery_place="上海",
    )
    services.order_submit(actor=sales, order=order)
    client.force_login(vp)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    actions = page[page.index('data-testid="order-actions"') :]
    actions = actions[: actions.index('data-testid="order-terms"')]
    buttons = re.findall(r'<button class="([^"]*)"', actions)
    assert len(buttons) == 2 and all("text-nowrap" in b for b in buttons)  # approve, reject
    assert actions.count("action-with-text") == 2
