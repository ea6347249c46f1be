"""Issue 17 in a browser: an order made with the customer picker, approved with a comment and
shipped with scanned serial numbers; a delivery with damaged and missing goods taken to a
closed order (sent again, credited); an exchange refused for a serial nobody registered.
Screenshots at 1280 px and at a 390 px phone width."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import ARTIFACTS
from test_login_flow import sign_in
from test_sales import in_stock, log_out

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def test_order_with_the_customer_picker_approved_with_a_comment_and_shipped_with_serials(
    page, shot, demo_company
):
    from aftersales.catalog.models import SerialNumber
    from aftersales.core.testing import soon
    from aftersales.customers.models import Customer
    from aftersales.sales.models import Order

    customer = Customer.objects.get(name="王小明")
    sign_in(page, "zhangwei")
    page.wait_for_url("**/")
    # "New order" on the customer's page opens the form with the customer filled in.
    page.goto(f"/customers/{customer.pk}/")
    page.get_by_test_id("new-order-for-customer").click()
    page.wait_for_url("**/orders/new/?customer=*")
    assert "王小明" in page.get_by_test_id("customer-chosen").inner_text()
    shot("90-order-form-from-customer")

    # The picker: a name typed, the customer chosen from the list.
    page.goto("/orders/new/")
    form = page.get_by_test_id("order-form")
    form.get_by_test_id("customer-search").press_sequentially("王小", delay=60)
    form.get_by_test_id("pick-customer").first.wait_for()
    assert "13812345678" in form.get_by_test_id("customer-results").inner_text()
    shot("91-customer-picker-results")
    form.get_by_test_id("pick-customer").filter(has_text="王小明").first.click()
    assert form.locator("input[name=customer]").input_value() == str(customer.pk)
    signed = timezone.localdate() - timedelta(days=1)
    form.locator("input[name=contract_number]").fill("HT-2026-0917")
    form.locator("input[name=signed_on]").fill(signed.isoformat())
    form.locator("input[name=delivery_date]").fill(soon().isoformat())
    form.locator("input[name=delivery_place]").fill("上海市徐汇区漕溪北路88号1201室")
    form.locator("input[name=payment_terms]").fill("预付30%，货到验收后7日内付清")
    form.locator("input[name=delivery_terms]").fill("送货上门并安装，运费由我方承担")
    form.locator("select[name=lines-0-product]").select_option(label="TV-55A1 · 55英寸4K智能电视")
    form.locator("input[name=lines-0-quantity]").fill("4")
    form.locator("input[name=lines-0-unit_price]").fill("3299.00")
    shot("92-order-form-with-contract-terms")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/orders/*/")
    order = Order.objects.get(contract_number="HT-2026-0917")
    terms = page.get_by_test_id("order-terms").inner_text()
    assert "HT-2026-0917" in terms and "预付30%" in terms and "送货上门并安装" in terms
    page.get_by_test_id("action-submit").locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-status").inner_text() == "已提交"  # 13,196 ≥ 10,000
    log_out(page)

    # The vice-president approves with a comment; the buttons keep their words together.
    sign_in(page, "liuyang")
    page.wait_for_url("**/")
    page.goto(f"/orders/{order.pk}/")
    for button in page.get_by_test_id("order-actions").locator("button").all():
        box = button.bounding_box()
        assert box["height"] < 40, f"{button.inner_text()!r} wraps: {box}"
    shot("93-order-vp-actions-1280")
    page.set_viewport_size(PHONE)
    for button in page.get_by_test_id("order-actions").locator("button").all():
        assert button.bounding_box()["height"] < 40, button.inner_text()
    # Nothing wider than the phone: the lines table scrolls inside its card.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot("94-order-vp-actions-390")
    page.set_viewport_size({"width": 1280, "height": 860})
    page.get_by_test_id("approve-note").fill("价格同意，注意按期回款")
    page.get_by_test_id("action-approve").locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-status").inner_text() == "已批准"
    assert "价格同意，注意按期回款" in page.get_by_test_id("timeline").inner_text()
    log_out(page)

    # The warehouse scans four serial numbers (a scanner types each and presses Enter).
    sign_in(page, "zhaolei")
    page.wait_for_url("**/")
    page.goto(f"/orders/{order.pk}/")
    ship = page.get_by_test_id("ship-form")
    ship.locator("select").first.select_option(index=1)
    serials = in_stock("TV-55A1", 4)
    area = ship.get_by_test_id("serials")
    area.click()
    area.press_sequentially("FAKE-0000")
    area.press("Enter")
    for serial in serials[:3]:
        area.press_sequentially(serial)
        area.press("Enter")
    assert ship.get_by_test_id("serial-count").inner_text() == "4 / 4"
    ship.locator("button[type=submit]").click()
    page.wait_for_load_state()
    # Refused, naming the number; what was scanned is still there to correct.
    assert "FAKE-0000" in page.get_by_test_id("ship-line-error").inner_text()
    assert serials[0] in page.get_by_test_id("serials").input_value()
    shot("95-ship-refused-unknown-serial")
    area = page.get_by_test_id("serials")
    area.fill("\n".join(serials))
    shot("96-ship-form-serials-scanned")
    page.get_by_test_id("ship-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-status").inner_text() == "已发货"
    assert serials[3] in page.get_by_test_id("shipped-serials").inner_text()
    shot("97-order-shipped-with-serials")
    page.set_viewport_size(PHONE)
    shot("98-order-shipped-390")
    assert set(
        SerialNumber.objects.filter(serial__in=serials).values_list("serial", flat=True)
    ) == set(serials)


def test_a_disputed_delivery_is_sent_again_credited_and_closed(page, shot, demo_company):
    from aftersales.accounts.models import User
    from aftersales.catalog.models import Product
    from aftersales.core.testing import soon
    from aftersales.customers.models import Customer
    from aftersales.sales import services

    sales = User.objects.get(username="zhangwei")
    warehouse = User.objects.get(username="zhaolei")
    customer = Customer.objects.get(name="王小明")
    tv = Product.objects.get(sku="TV-55A1")
    order = services.order_create(
        actor=sales,
        customer=customer,
        lines=[services.LineInput(tv, 3, Decimal("3299.00"))],
        delivery_date=soon(),
        delivery_place="上海市徐汇区漕溪北路88号1201室",
        contact_phone=customer.mobile,
    )
    order = services.order_submit(actor=sales, order=order)
    if order.status == "submitted":
        services.order_approve(actor=User.objects.get(username="liuyang"), order=order, note="同意")
    units = in_stock("TV-55A1", 3)
    batch = tv.batches.get(serials__serial=units[0])
    shipment = services.shipment_create(
        actor=warehouse,
        order=order,
        lines=[services.ShipInput(order.lines.get(), batch, 3, tuple(units))],
    )
    services.shipment_deliver(actor=warehouse, shipment=shipment, deliverer="赵磊")

    # At the door: one TV with a broken screen, one missing.
    sign_in(page, "zhaolei")
    page.wait_for_url("**/")
    page.goto(f"/orders/{order.pk}/")
    page.get_by_test_id("accept-link").click()
    form = page.get_by_test_id("accept-form")
    form.locator("input[type=number]").fill("1")
    form.locator("select").select_option("damage")
    form.locator("input[name^=note-]").fill("一台屏幕碎裂，一台短少")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/orders/{order.pk}/")
    assert page.get_by_test_id("order-status").inner_text() == "验收有异议"
    disputes = page.get_by_test_id("disputes")
    assert disputes.get_by_test_id("dispute-problem").inner_text() == "破损"  # not "damage"
    case_link = disputes.get_by_test_id("dispute-case")
    assert "/service/cases/" in case_link.get_attribute("href") and case_link.inner_text()
    assert "破损" in page.get_by_test_id("problem").inner_text()
    shot("100-order-disputed-warehouse")

    # The customer's tracking page shows the problem, not a green "accepted".
    tracking = page.context.browser.new_context(
        base_url=page.url.split("/orders/")[0], viewport=PHONE, locale="zh-CN"
    )
    public = tracking.new_page()
    public.goto(f"/orders/track/?number={order.number}")
    assert public.locator(".alert").count() == 0  # the SMS link: no error before typing
    public.fill("input[name=phone]", customer.mobile[-4:])
    public.locator("[data-testid=track-form] button").click()
    public.wait_for_load_state()
    assert public.get_by_test_id("track-dispute").is_visible()
    assert public.locator("[data-step=problem]").count() == 1
    assert "破损" in public.get_by_test_id("track-dispute").inner_text()
    public.screenshot(path=str(ARTIFACTS / "101-tracking-disputed-390.png"), full_page=True)

    # The warehouse sends one TV again, scanning its serial number.
    page.goto(f"/orders/{order.pk}/")
    reship = page.get_by_test_id("reship-form")
    reship.locator("select").select_option(index=1)
    reship.locator("input[type=number]").fill("1")
    spare = in_stock("TV-55A1", 1)[0]
    reship.get_by_test_id("reship-serials").press_sequentially(spare)
    reship.get_by_test_id("reship-serials").press("Enter")
    shot("102-reship-form")
    reship.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-status").inner_text() == "已发货"
    assert page.get_by_test_id("sent-again-for").is_visible()
    page.get_by_test_id("deliver-form").locator("button").click()
    page.wait_for_load_state()
    page.get_by_test_id("accept-link").click()
    page.get_by_test_id("accept-form").locator("button[type=submit]").click()
    page.wait_for_url(f"**/orders/{order.pk}/")
    assert page.get_by_test_id("order-status").inner_text() == "验收有异议"  # one still open
    shot("103-order-after-reship")
    log_out(page)

    # Sales credits the missing one; the order is accepted, then closed.
    sign_in(page, "zhangwei")
    page.wait_for_url("**/")
    page.goto(f"/orders/{order.pk}/")
    assert page.get_by_test_id("action-close").count() == 0
    credit = page.get_by_test_id("credit-form")
    credit.locator("input[name=note]").fill("客户同意少收一台，退款")
    page.once("dialog", lambda dialog: dialog.accept())
    credit.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-status").inner_text() == "已验收"
    assert page.get_by_test_id("dispute-settled").is_visible()
    shot("104-order-dispute-settled")
    page.get_by_test_id("action-close").locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-status").inner_text() == "已关闭"
    shot("105-order-closed-after-dispute")
    public.goto(f"/orders/track/?number={order.number}&phone={customer.mobile[-4:]}")
    assert public.locator("[data-step=problem]").count() == 0
    assert "alert-success" in public.get_by_test_id("track-dispute").get_attribute("class")
    public.screenshot(path=str(ARTIFACTS / "106-tracking-settled-390.png"), full_page=True)
    tracking.close()


def test_an_exchange_is_refused_for_a_serial_nobody_registered(page, shot, demo_company):
    from aftersales.accounts.models import User
    from aftersales.catalog.models import SerialNumber
    from aftersales.customers.models import Customer
    from aftersales.service.services.intake import IntakeInput, case_intake
    from aftersales.warranty.services import applications as flow
    from aftersales.warranty.services import handling

    agent = User.objects.get(username="sunli")
    reviewer = User.objects.get(username="chenjie")
    bought = timezone.localdate() - timedelta(days=10)
    customer = Customer.objects.get(name="王小明")
    case, _created = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="exchange",
            customer_name=customer.name,
            customer_phone=customer.mobile,
            description="买了十天的电视，屏幕有横线，要求换货",
            product_sku="TV-55A1",
            purchase_date=bought,
        ),
        customer=customer,
    )
    app = flow.application_from_case(actor=agent, case=case, requested="exchange", price="3299.00")
    app = flow.application_review(actor=reviewer, application=app, approve=True, remedy="exchange")
    app = handling.application_plan_answer(
        actor=reviewer, application=app, agree=True, via="phone", note="顾客来电同意换货方案"
    )
    app = flow.application_request_goods(
        actor=reviewer,
        application=app,
        return_address="上海市浦东新区张江路 88 号 售后仓",
        return_contact="赵磊",
        return_phone="021-50001234",
    )
    app = flow.application_receive(
        actor=User.objects.get(username="zhaolei"),
        application=app,
        intact=True,
        disposition="quarantine",
    )

    sign_in(page, "zhaolei")
    page.wait_for_url("**/")
    page.goto(app.get_absolute_url())
    step = page.get_by_test_id("step-ship_replacement")
    step.get_by_test_id("replacement-serial").fill("FAKE-0000")
    step.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "FAKE-0000" in page.locator(".messages").inner_text()
    assert page.get_by_test_id("application-status").inner_text() == "已收到商品"
    assert not SerialNumber.objects.filter(serial="FAKE-0000").exists()
    shot("110-exchange-refused-unknown-serial")

    unit = in_stock("TV-55A1", 1)[0]
    step = page.get_by_test_id("step-ship_replacement")
    step.get_by_test_id("replacement-serial").fill(unit)
    step.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("application-status").inner_text() == "已发出换货"
    assert page.get_by_test_id("new-card").is_visible()
    shot("111-exchange-with-a-unit-in-stock")
