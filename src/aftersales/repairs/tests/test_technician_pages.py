"""The technician's phone pages (SVC-7): the day's visits, and one visit from check-in to the
customer's signature. Only the assigned technician and the dispatchers see a visit; anyone
else gets 404. Pages speak Chinese by default, so the assertions read what the technician
reads on screen."""

from __future__ import annotations

import re
import struct
import zlib
from base64 import b64encode
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.repairs.models import WorkOrder
from aftersales.repairs.services.work_orders import work_order_check_in, work_order_create

pytestmark = pytest.mark.django_db


def png_bytes(width: int = 8, height: int = 4) -> bytes:
    """A real (tiny, black) PNG, as a canvas would send."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG = png_bytes()
PNG_URL = "data:image/png;base64," + b64encode(PNG).decode()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def desk(make_user):
    return make_user(Role.CUSTOMER_SERVICE, username="desk")


@pytest.fixture
def tech(make_user):
    return make_user(Role.SERVICE, username="tech", full_name="陈杰")


def at(day, hour: int):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def visit(desk, technician, *, day=None, hour: int = 9, **fields) -> WorkOrder:
    """An on-site repair booked for the technician (dispatch is someone else's page)."""
    day = day or timezone.localdate()
    wo = work_order_create(
        actor=desk,
        kind="onsite_repair",
        customer=CustomerFactory(name="王小明", mobile="13812345678"),
        problem="冰箱不制冷",
        address="上海市浦东新区张江路 100 弄 5 号 301",
    )
    WorkOrder.objects.filter(pk=wo.pk).update(
        technician=technician,
        window_start=at(day, hour),
        window_end=at(day, hour + 2),
        status=WorkOrder.Status.SCHEDULED,
        **fields,
    )
    wo.refresh_from_db()
    return wo


def url(wo: WorkOrder, step: str = "") -> str:
    return f"/repairs/my/{wo.number}/" + (f"{step}/" if step else "")


def html_of(client, path: str, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_on(html: str) -> str:
    found = re.search(r'<div class="messages">(.*?)</div>\s*(?:</div>|<)', html, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)) if found else ""


def completion(**overrides) -> dict:
    return {
        "diagnosis": "压缩机启动电容失效",
        "work_done": "更换启动电容，试机制冷正常",
        "result": "fixed",
        "signed_name": "王小明",
        "signature": PNG_URL,
        **overrides,
    }


# --- the day ------------------------------------------------------------------------------------


def test_the_day_shows_the_technicians_own_visits_as_cards(client, desk, tech, make_user):
    mine = visit(desk, tech, in_warranty=True, warranty_basis="三包有效期内，性能故障")
    other = visit(desk, make_user(Role.SERVICE, username="other-tech"))
    client.force_login(tech)

    html = html_of(client, "/repairs/my/")

    assert "今日上门" in html
    assert mine.number in html and other.number not in html
    assert "09:00–11:00" in html
    assert 'href="tel:13812345678"' in html
    assert "https://uri.amap.com/search?keyword=" in html
    assert "免费（三包）" in html and "三包有效期内，性能故障" in html
    assert "已安排" in html
    assert f'href="/repairs/my/{mine.number}/"' in html


def test_tomorrow_is_one_tap_away_and_a_free_day_says_so(client, desk, tech):
    tomorrow = timezone.localdate() + timedelta(days=1)
    later = visit(desk, tech, day=tomorrow, hour=14)
    client.force_login(tech)

    today = html_of(client, "/repairs/my/")
    assert later.number not in today
    assert 'data-testid="no-visits"' in today and "今天没有上门任务" in today
    assert f"?day={tomorrow:%Y-%m-%d}" in today

    html = html_of(client, "/repairs/my/", day=tomorrow.isoformat())
    assert later.number in html and "明日上门" in html
    # A date that is not one is today.
    assert "今日上门" in html_of(client, "/repairs/my/", day="not-a-date")


def test_the_day_page_costs_the_same_queries_for_one_visit_or_many(
    client, desk, tech, django_assert_num_queries
):
    visit(desk, tech, in_warranty=False, warranty_basis="人为损坏")
    client.force_login(tech)
    client.get("/repairs/my/")  # warm the per-process caches (calendar, message texts)
    with django_assert_num_queries(5) as one:  # session, user, roles, bell, visits
        html_of(client, "/repairs/my/")
    for hour in (10, 13, 15, 17):
        visit(desk, tech, hour=hour)
    with django_assert_num_queries(len(one.captured_queries)):
        html = html_of(client, "/repairs/my/")
    assert html.count('data-testid="open-visit"') == 5


# --- who may see a visit ------------------------------------------------------------------------


def test_only_the_assigned_technician_and_the_dispatchers_see_a_visit(
    client, desk, tech, make_user
):
    wo = visit(desk, tech)
    allowed = [tech, make_user(Role.SERVICE, username="dispatcher"), make_user(Role.ADMIN)]
    refused = [
        desk,
        make_user(Role.LOGISTICS, username="warehouse"),
        dealer_user(make_user, DealerFactory(), username="dealer"),
    ]
    for user in allowed:
        client.force_login(user)
        assert client.get(url(wo)).status_code == 200, user
    for user in refused:
        client.force_login(user)
        assert client.get(url(wo)).status_code == 404, user
        assert client.post(url(wo, "check-in")).status_code == 404, user
        assert client.get(url(wo, "signature")).status_code == 404, user
    wo.refresh_from_db()
    assert wo.status == WorkOrder.Status.SCHEDULED
    client.logout()
    assert client.get(url(wo)).status_code == 302  # to the sign-in page


def test_a_visit_that_does_not_exist_is_404(client, tech):
    client.force_login(tech)
    assert client.get("/repairs/my/WO-NOPE/").status_code == 404


# --- the visit ----------------------------------------------------------------------------------


def test_check_in_records_the_time_and_opens_the_work_forms(client, desk, tech):
    wo = visit(desk, tech)
    client.force_login(tech)
    html = html_of(client, url(wo))
    assert 'data-testid="check-in"' in html and 'data-testid="complete-form"' not in html

    response = client.post(url(wo, "check-in"))

    assert response.status_code == 302 and response["Location"] == url(wo)
    wo.refresh_from_db()
    assert wo.status == WorkOrder.Status.IN_PROGRESS and wo.checked_in_at is not None
    html = html_of(client, url(wo))
    assert "已到达" in messages_on(html)
    assert 'data-testid="check-in"' not in html
    assert 'data-testid="complete-form"' in html and 'data-testid="add-part"' in html
    assert 'accept="image/*" capture="environment"' in html
    assert "repairs/signature.js" in html
    # Checking in twice is refused with a message, not an error page.
    html = html_of(client, client.post(url(wo, "check-in"))["Location"])
    assert messages_on(html).strip()


def test_waiting_for_parts_and_resuming(client, desk, tech):
    wo = visit(desk, tech)
    work_order_check_in(actor=tech, work_order=wo)
    client.force_login(tech)

    client.post(url(wo, "pause"), {"waiting_for": "parts"})
    wo.refresh_from_db()
    assert wo.status == WorkOrder.Status.AWAITING_PARTS
    html = html_of(client, url(wo))
    assert 'data-testid="resume"' in html and 'data-testid="complete-form"' not in html

    client.post(url(wo, "resume"))
    wo.refresh_from_db()
    assert wo.status == WorkOrder.Status.IN_PROGRESS


def test_completion_keeps_the_drawn_signature_and_serves_it_back(client, desk, tech, make_user):
    wo = visit(desk, tech)
    work_order_check_in(actor=tech, work_order=wo)
    wo.refresh_from_db()
    client.force_login(tech)

    response = client.post(url(wo, "complete"), completion(version=str(wo.version)))

    assert response.status_code == 302, response.content.decode()[:500]
    wo.refresh_from_db()
    assert wo.status == WorkOrder.Status.COMPLETED
    assert wo.result == WorkOrder.Result.FIXED
    assert wo.signed_name == "王小明" and wo.signed_at and wo.checked_out_at
    assert wo.signature.name.endswith(".png")
    html = html_of(client, url(wo))
    assert "已完成" in html and "已修复" in html
    assert f'src="/repairs/my/{wo.number}/signature/"' in html
    assert 'data-testid="complete-form"' not in html

    served = client.get(url(wo, "signature"))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PNG

    client.force_login(make_user(Role.CUSTOMER_SERVICE, username="nosy"))
    assert client.get(url(wo, "signature")).status_code == 404


def test_an_empty_signature_is_refused_naming_the_field_and_keeping_what_was_typed(
    client, desk, tech
):
    wo = visit(desk, tech)
    work_order_check_in(actor=tech, work_order=wo)
    client.force_login(tech)

    response = client.post(url(wo, "complete"), completion(signature=""))

    assert response.status_code == 400
    html = response.content.decode()
    assert "客户签名：" in messages_on(html)
    assert "压缩机启动电容失效" in html and 'value="王小明"' in html
    assert "signature-pad is-invalid" in html
    wo.refresh_from_db()
    assert wo.status == WorkOrder.Status.IN_PROGRESS and not wo.signature


def test_a_completion_over_a_stale_page_is_refused(client, desk, tech):
    wo = visit(desk, tech)
    work_order_check_in(actor=tech, work_order=wo)
    client.force_login(tech)

    response = client.post(url(wo, "complete"), completion(version=str(wo.version)))

    assert response.status_code == 400
    wo.refresh_from_db()
    assert wo.status == WorkOrder.Status.IN_PROGRESS


def test_a_signature_that_is_not_a_png_is_refused(client, desk, tech):
    wo = visit(desk, tech)
    work_order_check_in(actor=tech, work_order=wo)
    client.force_login(tech)

    response = client.post(
        url(wo, "complete"), completion(signature="data:image/png;base64,bm90IGEgcG5n")
    )

    assert response.status_code == 400
    assert "客户签名：" in messages_on(response.content.decode())
    wo.refresh_from_db()
    assert wo.status == WorkOrder.Status.IN_PROGRESS


def test_a_photo_is_added_and_served_only_to_those_who_may_see_the_visit(
    client, desk, tech, make_user
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    wo = visit(desk, tech)
    work_order_check_in(actor=tech, work_order=wo)
    client.force_login(tech)

    client.post(
        url(wo, "photos"),
        {"photos": [SimpleUploadedFile("before.png", PNG, content_type="image/png")]},
    )

    photo = wo.photos.get()
    assert photo.original_name == "before.png"
    html = html_of(client, url(wo))
    assert f'src="/repairs/my/{wo.number}/photos/{photo.pk}/"' in html
    assert client.get(url(wo, f"photos/{photo.pk}")).status_code == 200
    client.force_login(make_user(Role.CUSTOMER_SERVICE, username="nosy"))
    assert client.get(url(wo, f"photos/{photo.pk}")).status_code == 404


def test_a_part_from_the_van_is_recorded_free_under_三包_and_an_unknown_one_is_refused(
    client, desk, tech
):
    from decimal import Decimal

    from aftersales.repairs.models import Location, SparePart, Stock

    van = Location.objects.create(code="van-tech", name="陈杰的车", kind="van", technician=tech)
    part = SparePart.objects.create(part_no="CAP-35UF", name="启动电容 35μF", price=Decimal("45"))
    Stock.objects.create(part=part, location=van, quantity=2)
    wo = visit(desk, tech, in_warranty=True, warranty_basis="三包有效期内")
    work_order_check_in(actor=tech, work_order=wo)
    client.force_login(tech)
    assert '<option value="CAP-35UF">' in html_of(client, url(wo))  # the van's parts offered

    response = client.post(url(wo, "parts"), {"part_no": "cap-35uf", "quantity": "1"})

    assert response.status_code == 302
    assert Stock.objects.get(part=part, location=van).quantity == 1
    html = html_of(client, url(wo))
    assert "已记录 启动电容 35μF × 1（免费）" in messages_on(html)
    assert 'data-testid="part-free"' in html and "CAP-35UF" in html

    html = html_of(client, client.post(url(wo, "parts"), {"part_no": "NOPE-1"})["Location"])
    assert "没有编号为“NOPE-1”的备件" in messages_on(html)
    html = html_of(
        client, client.post(url(wo, "parts"), {"part_no": "CAP-35UF", "quantity": "0"})["Location"]
    )
    assert "数量须为不小于 1 的整数" in messages_on(html)
    assert Stock.objects.get(part=part, location=van).quantity == 1
