"""A technician's visit on a phone (SVC-7, WAR-9): chenjie opens today's visits on a 390 px
screen, checks in, fits a part from his van (free under 三包), records what he found and did,
and the customer types their name and signs with a finger; the visit is completed with the
signature kept, the van's stock goes down and the case shows the result."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import ARTIFACTS
from test_login_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized browser: touch, mobile viewport, the page scaled as on a phone."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def phone_shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def booked_visit():
    """A case taken by the desk, and an on-site repair booked for chenjie today, free under
    三包; a part in his van (dispatch and stock-keeping have their own pages and tests)."""
    from aftersales.accounts.models import User
    from aftersales.repairs.models import Location, SparePart, Stock, WorkOrder
    from aftersales.repairs.services.work_orders import work_order_create
    from aftersales.service.services.intake import IntakeInput, case_intake

    desk, chenjie = User.objects.get(username="sunli"), User.objects.get(username="chenjie")
    case, _created = case_intake(
        actor=desk,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name="周敏",
            customer_phone="13911112222",
            description="冰箱冷藏室不制冷，压缩机不启动",
        ),
    )
    wo = work_order_create(
        actor=desk,
        kind="onsite_repair",
        customer=case.customer,
        problem=case.description,
        case=case,
        address="上海市浦东新区张江路 100 弄 5 号 301 室",
        contact_phone="13911112222",
    )
    today = timezone.localdate()
    WorkOrder.objects.filter(pk=wo.pk).update(
        technician=chenjie,
        window_start=timezone.make_aware(datetime.combine(today, time(9))),
        window_end=timezone.make_aware(datetime.combine(today, time(11))),
        status=WorkOrder.Status.SCHEDULED,
        in_warranty=True,
        warranty_basis="三包有效期内，性能故障，免费修理",
    )
    van = Location.objects.filter(technician=chenjie).first() or Location.objects.create(
        code="van-chenjie-e2e", name="陈杰的工程车", kind=Location.Kind.VAN, technician=chenjie
    )
    part = SparePart.objects.create(
        part_no="E2E-CAP-35", name="压缩机启动电容 35μF", price=Decimal("45.00")
    )
    Stock.objects.create(part=part, location=van, quantity=2)
    return case, wo, part, van


def draw_signature(page, canvas) -> None:
    """A finger stroke (touch events) and a pen-like stroke (mouse) across the pad."""
    canvas.scroll_into_view_if_needed()  # touches land where the screen shows the pad
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, px: float, py: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": px, "y": py}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x + 0.1 * w, y + 0.7 * h)
    for step in range(1, 13):
        touch("touchMove", x + (0.1 + 0.03 * step) * w, y + (0.7 - 0.04 * step) * h)
    touch("touchEnd", 0, 0)
    page.mouse.move(x + 0.5 * w, y + 0.3 * h)
    page.mouse.down()
    for step in range(1, 13):
        page.mouse.move(x + (0.5 + 0.03 * step) * w, y + (0.3 + (step % 4) * 0.1) * h, steps=2)
    page.mouse.up()


def test_a_technician_completes_a_visit_on_a_phone(phone, page, shot, demo_company):
    from aftersales.repairs.models import Stock, WorkOrder

    case, wo, part, van = booked_visit()

    sign_in(phone, "chenjie")
    phone.wait_for_url("**/")
    phone.goto("/repairs/my/")
    assert phone.get_by_test_id("tech-day-title").inner_text() == "今日上门"
    card = phone.get_by_test_id(f"visit-{wo.number}")
    assert "09:00–11:00" in card.get_by_test_id("visit-window").inner_text()
    assert card.get_by_test_id("visit-phone").get_attribute("href") == "tel:13911112222"
    assert (
        card.get_by_test_id("visit-map")
        .get_attribute("href")
        .startswith("https://uri.amap.com/search?keyword=")
    )
    assert "免费（三包）" in card.get_by_test_id("visit-warranty").inner_text()
    no_sideways_scroll(phone)
    phone_shot(phone, "80-phone-todays-visits")

    card.get_by_test_id("open-visit").click()
    phone.wait_for_url(f"**/repairs/my/{wo.number}/")
    check_in = phone.get_by_test_id("check-in")
    assert check_in.bounding_box()["height"] >= 44  # a thumb's tap target
    phone_shot(phone, "81-phone-visit-before-check-in")
    check_in.click()
    phone.wait_for_load_state()
    assert phone.get_by_test_id("visit-status").get_attribute("data-status") == "in_progress"
    assert phone.get_by_test_id("checked-in-at").is_visible()

    form = phone.get_by_test_id("add-part")
    form.locator("input[name=part_no]").fill(part.part_no)
    form.locator("input[name=quantity]").fill("1")
    form.locator("button[type=submit]").click()
    phone.wait_for_load_state()
    used = phone.get_by_test_id("parts-used")
    assert part.part_no in used.inner_text()
    assert used.get_by_test_id("part-free").inner_text() == "免费"

    done = phone.get_by_test_id("complete-form")
    done.locator("textarea[name=diagnosis]").fill("压缩机启动电容失效，容量不足")
    done.locator("textarea[name=work_done]").fill("更换启动电容，试机 20 分钟，冷藏室降至 5℃")
    done.locator("select[name=result]").select_option(label="已修复")
    done.locator("input[name=signed_name]").fill("周敏")

    # An empty pad is refused on the phone, before anything is sent.
    done.get_by_test_id("complete").click()
    assert done.get_by_test_id("signature-error").inner_text() == "请客户在框内签名。"
    assert phone.url.endswith(f"/repairs/my/{wo.number}/")

    canvas = done.get_by_test_id("signature-canvas")
    draw_signature(phone, canvas)
    assert done.get_by_test_id("signature-error").inner_text() == ""
    inked = canvas.evaluate(
        "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data"
        ".filter((v, i) => i % 4 === 3 && v > 0).length"
    )
    assert inked > 200, "the strokes did not reach the pad"
    no_sideways_scroll(phone)
    phone_shot(phone, "82-phone-visit-signed")
    done.get_by_test_id("complete").click()
    phone.wait_for_load_state()

    assert phone.get_by_test_id("visit-status").inner_text() == "已完成"
    assert phone.get_by_test_id("visit-result").inner_text() == "已修复"
    image = phone.get_by_test_id("signature-image")
    image.scroll_into_view_if_needed()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    no_sideways_scroll(phone)
    phone_shot(phone, "83-phone-visit-completed")

    wo.refresh_from_db()
    assert wo.status == WorkOrder.Status.COMPLETED
    assert wo.result == WorkOrder.Result.FIXED
    assert wo.signed_name == "周敏" and wo.signature.name.endswith(".png")
    assert Stock.objects.get(part=part, location=van).quantity == 1

    # The desk sees the result on the case page.
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto(f"/service/cases/{case.number}/")
    panel = page.get_by_test_id("case-work-orders").get_by_test_id(f"work-order-{wo.number}")
    assert panel.get_by_test_id("work-order-status").inner_text() == "已完成"
    result = panel.get_by_test_id("work-order-result").inner_text()
    assert "已修复" in result and "周敏" in result
    shot("84-case-after-the-visit")
