"""China time everywhere: a moment is shown in the company's time zone (Asia/Shanghai), never in
UTC, whichever database hands it back. 00:30 on 2026-12-07 in China is 16:30 on 2026-12-06 in
UTC, so every page, print, export, message and API answer below must say 12-07.

PostgreSQL returns datetimes in UTC, which is where a missing conversion shows: run this file
there too (``DATABASE_URL=postgres://... pytest``)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.excel import export_response
from aftersales.core.messaging import message_customer
from aftersales.core.models import OutboundMessage
from aftersales.core.pdf import table_pdf
from aftersales.core.times import local_day, local_text
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.sales import services as sales
from aftersales.sales.models import Order

pytestmark = pytest.mark.django_db

CHINA = ZoneInfo("Asia/Shanghai")
JUST_AFTER_MIDNIGHT = datetime(2026, 12, 7, 0, 30, tzinfo=CHINA)  # 2026-12-06 16:30 UTC
TICKET = {
    "channel": "phone",
    "kind": "repair",
    "customer": {"name": "王小明", "phone": "13812345678"},
    "description": "冰箱不制冷",
}


@pytest.fixture
def after_midnight(time_machine):
    time_machine.move_to(JUST_AFTER_MIDNIGHT, tick=False)
    return JUST_AFTER_MIDNIGHT


@pytest.fixture
def customer(db):
    """Found by the tickets' phone; has an address for the technician's visit."""
    return CustomerFactory(
        name="王小明", mobile="13812345678", district="浦东新区", street="张江路 88 号"
    )


@pytest.fixture
def seller(make_user):
    return make_user(Role.SALES, username="sales1", full_name="刘芳")


@pytest.fixture
def order(seller, customer, after_midnight) -> Order:
    made = sales.order_create(
        actor=seller,
        customer=customer,
        delivery_date=date(2026, 12, 20),
        delivery_place="上海",
        lines=[sales.LineInput(ProductFactory(name="55英寸电视"), 1, Decimal("3000.00"))],
    )
    order = Order.objects.get(pk=made.pk)  # as the database hands it back
    assert order.created_at.astimezone(UTC).day == 6  # the trap: in UTC it is still 12-06
    return order


def pdf_text(content: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- the helper --------------------------------------------------------------------------------


def test_local_text_reads_a_utc_moment_as_china_time():
    utc = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)
    assert local_text(utc) == "2026-12-07 00:30"
    assert local_text(utc, "%m-%d") == "12-07"
    assert local_day(utc) == date(2026, 12, 7)
    assert local_day(date(2026, 12, 7)) == date(2026, 12, 7)
    assert local_text(None) == "" and local_text(None, empty="—") == "—"


def test_excel_and_pdf_cells_write_a_datetime_in_china_time():
    utc = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)
    response, count = export_response(
        filename="t.xlsx", headers=["at"], rows=[[utc]], sheet_title="t"
    )
    assert count == 1
    assert xlsx_rows(response)[1] == [datetime(2026, 12, 7, 0, 30)]
    assert "2026-12-07 00:30" in pdf_text(
        table_pdf(title="t", subtitle="", headers=["at"], rows=[[utc]])
    )


# --- pages, prints and exports -----------------------------------------------------------------


def test_the_home_pages_recent_activity_shows_china_time(client, seller, order):
    client.force_login(seller)
    html = client.get("/").content.decode()
    activity = html[html.index('data-testid="activity"') :]
    assert "2026-12-07 00:30" in activity
    assert "2026-12-06" not in activity


def test_the_order_register_page_shows_the_china_day(client, seller, order):
    client.force_login(seller)
    html = client.get("/orders/register/").content.decode()
    assert re.search(r'data-testid="order-day">2026-12-07<', html)
    # The day filter counts the order on its China day (``__date`` in the current time zone).
    on_the_day = client.get(
        "/orders/register/", {"date_from": "2026-12-07", "date_to": "2026-12-07"}
    )
    assert order.number in on_the_day.content.decode()
    day_before = client.get("/orders/register/", {"date_to": "2026-12-06"})
    assert order.number not in day_before.content.decode()


def test_the_order_register_pdf_prints_the_china_day(client, seller, order):
    client.force_login(seller)
    text = pdf_text(client.get("/orders/register/", {"format": "pdf"}).content)
    assert order.number in text
    assert "2026-12-07" in text and "2026-12-06" not in text
    assert "2026-12-07 00:30" in text  # printed at


def test_the_order_register_excel_has_the_china_day(client, seller, order):
    client.force_login(seller)
    rows = xlsx_rows(client.get("/orders/register/", {"format": "xlsx"}))
    assert rows[1][:2] == [order.number, "2026-12-07"]


# --- messages to the customer ------------------------------------------------------------------


def test_the_sms_of_a_case_taken_in_after_midnight_has_the_china_day(
    api_as, make_user, after_midnight
):
    agent = make_user(Role.CUSTOMER_SERVICE, username="agent1")
    number = api_as(agent).post("/api/v1/tickets/", TICKET, format="json").json()["number"]
    assert "-20261207-" in number
    sms = OutboundMessage.objects.get(channel=OutboundMessage.Channel.SMS, related=number)
    assert number in sms.body


def test_the_sms_of_a_visit_at_0030_says_12_07_at_0030(make_user, customer, after_midnight):
    from aftersales.repairs.models import TechnicianProfile
    from aftersales.repairs.services.dispatch import work_order_schedule
    from aftersales.repairs.services.work_orders import work_order_create

    desk = make_user(Role.CUSTOMER_SERVICE, username="desk")
    dispatcher = make_user(Role.SERVICE, username="disp1")
    tech = make_user(Role.SERVICE, username="tech1", full_name="陈杰")
    TechnicianProfile.objects.create(user=tech, regions="浦东新区")
    wo = work_order_create(
        actor=desk,
        kind="onsite_repair",
        customer=customer,
        contact_phone="13812345678",
        problem="冰箱不制冷",
    )
    start = JUST_AFTER_MIDNIGHT.astimezone(UTC)  # as the database would hand it back
    work_order_schedule(
        actor=dispatcher,
        work_order=wo,
        technician=tech,
        start=start,
        end=start + timedelta(hours=1),
    )
    sms = OutboundMessage.objects.get(channel=OutboundMessage.Channel.SMS, related=wo.number)
    assert "2026-12-07" in sms.body and "00:30" in sms.body and "01:30" in sms.body
    assert "2026-12-06" not in sms.body and "16:30" not in sms.body


def test_a_datetime_handed_to_a_message_is_written_in_china_time(order):
    context = {"name": "王小明", "number": order.number, "total": "3000.00", "url": "-"}
    [sms] = message_customer(
        phone="13812345678",
        template="order_confirmed",
        context={**context, "date": order.created_at},
    )
    assert "2026-12-07 00:30" in sms.body


# --- time limits -------------------------------------------------------------------------------


def test_an_sla_deadline_at_2359_reads_2359_for_the_technician_and_on_the_case(
    client, api_as, make_user, customer, after_midnight
):
    from aftersales.repairs.models import WorkOrder
    from aftersales.repairs.services.work_orders import work_order_from_case
    from aftersales.service.models import Case
    from aftersales.service.services.sla import start_clocks
    from aftersales.sla.models import Metric, SlaClock

    agent = make_user(Role.CUSTOMER_SERVICE, username="agent1")
    tech = make_user(Role.SERVICE, username="tech1", full_name="陈杰")
    number = api_as(agent).post("/api/v1/tickets/", TICKET, format="json").json()["number"]
    case = Case.objects.get(number=number)
    start_clocks(case, at=timezone.now(), metrics=(Metric.ON_SITE,))
    clock = SlaClock.objects.get(owner_id=case.pk, metric=Metric.ON_SITE)
    due = timezone.localtime(clock.due_at)
    assert f"{due:%H:%M}" == "23:59"  # S12: by the end of the third working day
    assert f"{clock.due_at.astimezone(UTC):%H:%M}" == "15:59"  # what a UTC leak would show
    shown = f"{due:%m-%d %H:%M}"

    wo = work_order_from_case(actor=agent, case=case, kind="onsite_repair")
    WorkOrder.objects.filter(pk=wo.pk).update(
        technician=tech,
        window_start=JUST_AFTER_MIDNIGHT + timedelta(hours=9),
        window_end=JUST_AFTER_MIDNIGHT + timedelta(hours=11),
        status=WorkOrder.Status.SCHEDULED,
    )
    client.force_login(tech)
    day = client.get("/repairs/my/").content.decode()
    assert re.search(r'data-testid="visit-onsite-due">[^<]*' + re.escape(shown) + "<", day)
    assert "15:59" not in day

    client.force_login(agent)
    page = client.get(f"/service/cases/{number}/").content.decode()
    badge = re.search(r'data-testid="sla-onsite">([^<]*)<', page)
    assert badge and shown in badge.group(1)
    assert str(clock).endswith(f"{due:%Y-%m-%d %H:%M}")  # the admin and the activity list


# --- the API -----------------------------------------------------------------------------------


def test_api_times_carry_the_china_offset(api_as, make_user, after_midnight):
    agent = make_user(Role.CUSTOMER_SERVICE, username="agent1")
    number = api_as(agent).post("/api/v1/tickets/", TICKET, format="json").json()["number"]
    created = api_as(agent).get(f"/api/v1/tickets/{number}/").json()["created_at"]
    assert created.startswith("2026-12-07T00:30") and created.endswith("+08:00")


def test_hand_built_api_answers_carry_the_china_offset(client, seller, make_user, order):
    """The public tracking answer is a plain dict, not a serializer's fields."""
    batch = Batch.objects.create(
        product=order.lines.get().product,
        batch_no="B-1",
        production_date=date(2026, 10, 1),
        quality_status="passed",
    )
    Order.objects.filter(pk=order.pk).update(status="approved")
    sales.shipment_create(
        actor=make_user(Role.LOGISTICS),
        order=order,
        lines=[sales.ShipInput(order.lines.get(), batch, 1)],
    )
    answer = client.get("/api/v1/track/", {"number": order.number, "phone": "5678"}).json()
    assert answer["shipments"][0]["shipped_at"] == "2026-12-07T00:30:00+08:00"
