"""The compliance register (WAR-14, S14 六): refused requests, overridden decisions and late
refunds with their exposure — the page with totals and the monthly summary, Excel, PDF, the
API, who may see it, and the alert when a refund passes its due day."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.models import ExportRecord, Notification
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.warranty.models import Application, ApplicationEvent, Remedy

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 20, 10, 0, tzinfo=SH)
S = Application.Status
ALLOWED = (Role.QUALITY, Role.SERVICE, Role.SALES_VP, Role.ADMIN)
DENIED = tuple(r for r in Role if r not in ALLOWED)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


_seq = iter(range(1, 1000))


def _app(*, status=S.APPLIED, price="2999.00", customer=None, product=None, **fields):
    n = next(_seq)
    return Application.objects.create(
        number=f"RA-20261201-{n:04d}",
        source=Application.Source.DESK,
        customer=customer or CustomerFactory(name=f"客户{n}"),
        product=product or ProductFactory(name=f"产品{n}"),
        requested=Remedy.RETURN,
        reason="屏幕有横线",
        price=Decimal(price),
        policy_key="default",
        facts={},
        answer={"options": []},
        evaluated_at=NOW - timedelta(days=30),
        status=status,
        **fields,
    )


def _rejected(at, *, note="已超过三包期", overridden=False, price="1999.00"):
    app = _app(
        status=S.REJECTED, reviewed_at=at, review_note=note, overridden=overridden, price=price
    )
    ApplicationEvent.objects.create(
        application=app, action="reject", from_status=S.APPLIED, to_status=S.REJECTED
    )
    return app


@pytest.fixture
def world(now):
    refused = _rejected(datetime(2026, 12, 3, 9, 0, tzinfo=SH))
    overridden = _app(
        status=S.APPROVED,
        remedy=Remedy.RETURN,
        overridden=True,
        reviewed_at=datetime(2026, 11, 10, 15, 0, tzinfo=SH),
        review_note="老客户，破例退货",
        price="4999.00",
    )
    # Refunded three days after its due day: the customer may claim 3 × 2,999.00.
    paid_late = _app(
        status=S.REFUNDED,
        remedy=Remedy.RETURN,
        reviewed_at=datetime(2026, 11, 20, 9, 0, tzinfo=SH),
        refund_due_on=date(2026, 12, 5),
        refund_total=Decimal("2999.00"),
        refunded_at=datetime(2026, 12, 8, 16, 0, tzinfo=SH),
    )
    # Not refunded; due 2026-12-15, today is 2026-12-20: five days late.
    unpaid = _app(
        status=S.GOODS_RECEIVED,
        remedy=Remedy.RETURN,
        reviewed_at=datetime(2026, 12, 1, 9, 0, tzinfo=SH),
        refund_due_on=date(2026, 12, 15),
        price="1200.00",
    )
    # Not in the register: refunded on its due day; refund due tomorrow; an approval as offered.
    on_time = _app(
        status=S.REFUNDED,
        remedy=Remedy.RETURN,
        reviewed_at=datetime(2026, 12, 1, 9, 0, tzinfo=SH),
        refund_due_on=date(2026, 12, 10),
        refund_total=Decimal("800.00"),
        refunded_at=datetime(2026, 12, 10, 23, 30, tzinfo=SH),
    )
    not_yet = _app(
        status=S.GOODS_RECEIVED,
        remedy=Remedy.RETURN,
        reviewed_at=datetime(2026, 12, 1, 9, 0, tzinfo=SH),
        refund_due_on=date(2026, 12, 21),
    )
    return {
        "refused": refused,
        "overridden": overridden,
        "paid_late": paid_late,
        "unpaid": unpaid,
        "on_time": on_time,
        "not_yet": not_yet,
    }


def test_the_page_lists_refusals_overrides_and_late_refunds_with_their_exposure(
    client, make_user, world
):
    client.force_login(make_user(Role.QUALITY))
    response = client.get("/warranty/compliance/")
    assert response.status_code == 200
    html = response.content.decode()
    for kind, key in (
        ("refused", "refused"),
        ("overridden", "overridden"),
        ("late_refund", "paid_late"),
        ("late_refund", "unpaid"),
    ):
        assert f'data-testid="row-{kind}-{world[key].number}"' in html, key
    for key in ("on_time", "not_yet"):
        assert world[key].number not in html, key
    # The threefold claim, computed and shown.
    assert "3 × 2999.00 =" in html and "8997.00" in html
    assert "3 × 1200.00 =" in html and "3600.00" in html
    assert "老客户，破例退货" in html and "已超过三包期" in html
    assert "3 天" in html or "3 days" in html  # paid three days late
    assert "5 天" in html or "5 days" in html  # still unpaid, five days past the due day
    # Totals: 1999 refused + 4999 overridden + 8997 + 3600 late = 19595.
    assert 'data-testid="total-count">4<' in html
    assert 'data-testid="total-exposure">19595.00<' in html
    assert 'data-testid="total-late_refund-exposure">12597.00<' in html
    # The monthly summary: December has the refusal and both late refunds; November the override.
    assert 'data-testid="month-2026-12-exposure">3 · ¥14596.00<' in html
    assert 'data-testid="month-2026-11-exposure">1 · ¥4999.00<' in html
    assert 'data-testid="month-2026-01-exposure">0 · ¥0.00<' in html
    assert 'data-testid="month-2025-12' not in html  # twelve months, this one last


def test_the_filters_and_the_empty_state(client, make_user, world):
    client.force_login(make_user(Role.SALES_VP))
    html = client.get("/warranty/compliance/", {"month": "2026-11"}).content.decode()
    assert world["overridden"].number in html
    assert world["refused"].number not in html and world["unpaid"].number not in html
    html = client.get("/warranty/compliance/", {"kind": "late_refund"}).content.decode()
    assert world["paid_late"].number in html and world["unpaid"].number in html
    assert world["refused"].number not in html
    assert 'data-testid="total-exposure">12597.00<' in html
    html = client.get("/warranty/compliance/", {"month": "2026-06"}).content.decode()
    assert 'data-testid="compliance-empty"' in html
    html = client.get("/warranty/compliance/", {"month": "junk"}).content.decode()
    assert "is-invalid" in html and world["refused"].number in html


def test_an_empty_register_says_so(client, make_user, now):
    client.force_login(make_user(Role.ADMIN))
    html = client.get("/warranty/compliance/").content.decode()
    assert 'data-testid="compliance-empty"' in html
    assert 'data-testid="total-exposure">0.00<' in html


def test_the_excel_export_reads_back_the_rows_of_the_page(client, make_user, world):
    user = make_user(Role.SERVICE)
    client.force_login(user)
    response = client.get("/warranty/compliance/", {"kind": "late_refund", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # the header and the two late refunds
    by_number = {r[1]: r for r in rows[1:]}
    late = by_number[world["unpaid"].number]
    assert late[5] == 1200.0 and late[6] == 3600.0 and late[7] == 5 and late[8] == "2026-12-15"
    paid = by_number[world["paid_late"].number]
    assert paid[5] == 2999.0 and paid[6] == 8997.0 and paid[7] == 3 and paid[9] == "2026-12-08"
    assert ExportRecord.objects.filter(user=user, what="compliance_register.xlsx", rows=2).exists()


def test_the_pdf_prints_the_register(client, make_user, world):
    from aftersales.core.testing import assert_pdf_reads_well, no_missing_glyphs

    client.force_login(make_user(Role.ADMIN))
    with no_missing_glyphs():
        response = client.get("/warranty/compliance/", {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_pdf_reads_well(
        response.content,
        world["refused"].number,
        world["unpaid"].number,
        "8,997.00",  # three times the late refund
        "19,595.00",  # the total exposure
    )


def test_the_api_lists_rows_and_the_summary(api_as, make_user, world):
    api = api_as(make_user(Role.QUALITY))
    response = api.get("/api/v1/warranty/compliance/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    rows = {(r["kind"], r["application"]): r for r in body["results"]}
    unpaid = rows[("late_refund", world["unpaid"].number)]
    assert unpaid["amount"] == "1200.00" and unpaid["exposure"] == "3600.00"
    assert unpaid["days_late"] == 5 and unpaid["due_on"] == "2026-12-15"
    assert unpaid["refunded_at"] is None
    refused = rows[("refused", world["refused"].number)]
    assert refused["exposure"] == "1999.00" and refused["reason"] == "已超过三包期"
    assert refused["decided_at"] is not None and refused["days_late"] is None
    assert api.get("/api/v1/warranty/compliance/", {"kind": "overridden"}).json()["count"] == 1
    assert api.get("/api/v1/warranty/compliance/", {"month": "2026-11"}).json()["count"] == 1
    bad = api.get("/api/v1/warranty/compliance/", {"month": "2026-13", "kind": "x"})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"month", "kind"}

    summary = api.get("/api/v1/warranty/compliance/summary/", {"months": 12}).json()
    assert len(summary["months"]) == 12 and summary["months"][-1]["month"] == "2026-12"
    december = summary["months"][-1]
    assert december["late_refund"] == {"count": 2, "exposure": "12597.00"}
    assert december["refused"] == {"count": 1, "exposure": "1999.00"}
    assert december["exposure"] == "14596.00" and summary["exposure"] == "19595.00"
    assert api.get("/api/v1/warranty/compliance/summary/", {"months": 0}).status_code == 400


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_who_may_see_the_register(client, api_as, make_user, now, role):
    user = make_user(role)
    client.force_login(user)
    allowed = role in ALLOWED
    assert client.get("/warranty/compliance/").status_code == (200 if allowed else 404)
    api = api_as(user)
    assert api.get("/api/v1/warranty/compliance/").status_code == (200 if allowed else 403)
    assert api.get("/api/v1/warranty/compliance/summary/").status_code == (200 if allowed else 403)
    listed = client.get("/warranty/applications/")
    if listed.status_code == 200:
        assert ('data-testid="compliance-link"' in listed.content.decode()) is allowed


def test_a_refund_past_its_due_day_is_alerted_once(make_user, world, time_machine):
    from aftersales.warranty.services.refund_alerts import refunds_overdue_alert
    from aftersales.warranty.tasks import refund_overdue_sweep_task

    vp = make_user(Role.SALES_VP)
    reviewer = make_user(Role.SERVICE)
    Application.objects.filter(pk=world["unpaid"].pk).update(reviewed_by=reviewer)
    assert refund_overdue_sweep_task.delay().get() == 1
    for person in (vp, reviewer):
        notes = Notification.objects.filter(recipient=person)
        assert notes.count() == 1
        assert world["unpaid"].number in notes.get().title
        assert "3600.00" in notes.get().body
    assert ApplicationEvent.objects.filter(
        application=world["unpaid"], action="refund_overdue"
    ).exists()
    # Again an hour later: nobody is told twice.
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    assert refunds_overdue_alert().alerted == 0
    assert Notification.objects.filter(recipient=vp).count() == 1
    # The next day the refund due on the 21st is late too, and only that one is alerted.
    time_machine.move_to(NOW + timedelta(days=2), tick=False)
    assert refunds_overdue_alert().alerted == 1
    assert Notification.objects.filter(recipient=vp).count() == 2


def test_the_sweep_is_scheduled():
    from django.conf import settings

    from config.celery import app

    scheduled = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "warranty.refund_overdue_sweep" in scheduled
    assert "warranty.refund_overdue_sweep" in app.tasks


def test_the_list_endpoint_keeps_its_queries(
    api_as, make_user, world, django_assert_max_num_queries
):
    api = api_as(make_user(Role.SALES_VP))
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/warranty/compliance/").status_code == 200


def test_the_workbench_shows_late_refunds_to_management_and_links_the_register(
    client, make_user, world
):
    from aftersales.core.workbench import workbench_for

    for role in (Role.QUALITY, Role.SERVICE, Role.SALES_VP):
        figures = {f.key: f for f in workbench_for(make_user(role), now=NOW).figures}
        late = figures["warranty.late_refunds"]
        # Due on 2026-12-15 (this week is the 14th to the 20th) and 2026-12-05.
        assert late.value == 1 and sum(late.trend) == 2
        assert late.url == "/warranty/compliance/?kind=late_refund"
    for role in (Role.ADMIN, Role.CUSTOMER_SERVICE, Role.DEALER, Role.SALES):
        figures = {f.key for f in workbench_for(make_user(role), now=NOW).figures}
        assert "warranty.late_refunds" not in figures
    client.force_login(make_user(Role.QUALITY))
    assert "/warranty/compliance/?kind=late_refund" in client.get("/").content.decode()
