"""Extended warranties (S14 五、2 延保, WAR-1, issue 18 B2): plans as data, sold with the unit's
order or within the plan's days after the purchase, recorded on the serial and printed on the
三包 certificate, applied by the engine after the statutory period, and the register with its
claims and the revenue by month."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from aftersales.accounts.roles import Role
from aftersales.catalog.models import SerialNumber
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.sales.models import Order
from aftersales.warranty.models import ExtendedWarranty
from aftersales.warranty.pdf import card_pdf
from aftersales.warranty.services import cards
from aftersales.warranty.services import extended as service
from aftersales.warranty.services.applications import application_create

pytestmark = pytest.mark.django_db

CN = ZoneInfo("Asia/Shanghai")
BOUGHT = date(2025, 3, 3)


def at(day: str):
    return datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=CN)


@pytest.fixture
def clerk(make_user):
    return make_user(Role.SALES, username="clerk", full_name="销售甲")


@pytest.fixture
def boss(make_user):
    return make_user(Role.SALES_VP, username="vp", full_name="副总")


@pytest.fixture
def plan(boss, tv):
    return service.plan_save(
        actor=boss,
        code="tv-2y",
        name="电视整机延保两年",
        price="399.00",
        months=24,
        sale_window_days=30,
        category=tv.category,
        exclusions="遥控器\n",
        covers_parts=True,
        covers_labour=True,
        transferable=False,
        active=True,
    )


@pytest.fixture
def unit(time_machine, clerk, tv):
    """A TV sold on 2025-03-03 with its certificate; today is 2025-03-10."""
    time_machine.move_to(at("2025-03-10"), tick=False)
    customer = CustomerFactory(name="王小明")
    order = Order.objects.create(
        number="SO-20250303-0001",
        customer=customer,
        salesperson=clerk,
        delivery_date=BOUGHT,
        delivery_place="上海",
    )
    serial = SerialNumber.objects.create(serial="SNTV0001", product=tv, owner=customer)
    cards.card_issue(
        actor=clerk, product=tv, customer=customer, invoice_date=BOUGHT, serial=serial, order=order
    )
    return serial


def test_a_plan_sold_within_its_window_is_on_the_serial_and_the_certificate(clerk, plan, unit):
    """S14 五、2: the contract keeps the plan's terms; it runs from the day after the
    statutory year (2026-03-03) for 24 months, and the certificate prints it."""
    contract = service.extended_warranty_sell(actor=clerk, serial=unit, plan=plan)
    assert contract.number.startswith("EW-20250310-")
    assert contract.customer.name == "王小明" and contract.price == Decimal("399.00")
    assert unit.extended_warranties.get() == contract
    period = service.contract_period(contract)
    assert (period.starts_on, period.ends_on) == (date(2026, 3, 4), date(2028, 3, 3))
    # A later change of the plan changes no contract sold.
    service.plan_save(actor=plan_owner(plan), plan=plan, months=36)
    contract.refresh_from_db()
    assert contract.terms["months"] == 24
    card = cards.card_for_serial(unit)
    text = pdf_text(card_pdf(card))
    assert "延保 " + contract.number in text and "2026-03-04 至 2028-03-03" in text
    assert "不含：遥控器" in text.replace("\n", "").replace(" ", ""), text


def claim(actor, unit, day: str, requested: str, reason: str):
    """The TV's owner asks for ``requested`` on ``day`` (a quality fault, papers in hand)."""
    return application_create(
        actor=actor,
        customer=unit.owner,
        product=unit.product,
        serial=unit,
        requested=requested,
        reason=reason,
        price="2999.00",
        facts={
            "category": "彩色电视机",
            "channel": "offline",
            "purchase_date": BOUGHT.isoformat(),
            "report_date": day,
            "problem": "quality",
            "has_invoice_or_card": True,
        },
    )


def plan_owner(plan):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="vp")


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


def test_after_the_window_only_with_the_unit_s_order(time_machine, clerk, plan, unit):
    """Sold with an order line or within N days after (issue 18 B2): on day 38 the plan is
    refused on its own, and sold when it goes with the unit's order."""
    time_machine.move_to(at("2025-04-10"), tick=False)
    from aftersales.core.errors import Conflict

    with pytest.raises(Conflict) as late:
        service.extended_warranty_sell(actor=clerk, serial=unit, plan=plan)
    assert late.value.code == "extended_sale_closed"
    assert "2025-04-02" in late.value.message
    order = Order.objects.get(number="SO-20250303-0001")
    contract = service.extended_warranty_sell(actor=clerk, serial=unit, plan=plan, order=order)
    assert contract.order == order
    with pytest.raises(Conflict) as twice:
        service.extended_warranty_sell(actor=clerk, serial=unit, plan=plan, order=order)
    assert twice.value.code == "extended_already_sold"


def test_a_claim_after_the_statutory_year_is_repaired_under_the_plan_and_registered(
    time_machine, clerk, make_user, plan, unit, tv
):
    """The engine applies the plan after the statutory period; the application records the
    claim on the contract; the register counts it and the revenue by month of sale."""
    contract = service.extended_warranty_sell(actor=clerk, serial=unit, plan=plan)
    time_machine.move_to(at("2026-05-01"), tick=False)
    agent = make_user(Role.CUSTOMER_SERVICE, username="desk")
    app = claim(agent, unit, "2026-05-01", "free_repair", "电视无法开机")
    option = {o["remedy"]: o for o in app.answer["options"]}["free_repair"]
    assert option["source"] == "extended"
    assert option["basis"] == f"延保：电视整机延保两年（{contract.number}）"
    assert app.extended_warranty == contract
    assert app.facts["extended_warranty"]["number"] == contract.number
    assert service.extended_revenue_by_month(clerk) == [
        {"month": "2025-03", "sold": 1, "cancelled": 0, "revenue": Decimal("399.00"), "claims": 1}
    ]
    assert list(service.extended_claims_for_user(clerk)) == [app]


def test_the_api_sells_lists_and_reports_revenue(api_as, clerk, plan, unit):
    client = api_as(clerk)
    response = client.post(
        "/api/v1/warranty/extended/", {"serial_no": "sntv0001", "plan": "tv-2y"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["plan"] == "tv-2y" and body["plan_name"] == "电视整机延保两年"
    assert (body["starts_on"], body["ends_on"]) == ("2026-03-04", "2028-03-03")
    assert body["exclusions"] == ["遥控器"] and body["order_no"] == "SO-20250303-0001"
    again = client.post(
        "/api/v1/warranty/extended/", {"serial_no": "SNTV0001", "plan": "tv-2y"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "extended_already_sold"
    listed = client.get("/api/v1/warranty/extended/").json()
    assert [r["number"] for r in listed["results"]] == [body["number"]]
    assert client.get(f"/api/v1/warranty/extended/{body['number']}/").json()["claims"] == []
    revenue = client.get("/api/v1/warranty/extended/revenue/").json()
    assert revenue == [
        {"month": "2025-03", "sold": 1, "cancelled": 0, "revenue": "399.00", "claims": 0}
    ]
    plans = client.get("/api/v1/warranty/extended/plans/?product=TV-55X").json()
    assert [p["code"] for p in plans] == ["tv-2y"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"serial_no": "NOPE", "plan": "tv-2y"}, "serial_no"),
        ({"serial_no": "SNTV0001", "plan": "nope"}, "plan"),
        ({"serial_no": "SNTV0001", "plan": "tv-2y", "order_no": "SO-X"}, "order_no"),
        ({"serial_no": "SNTV0001", "plan": "tv-2y", "price": "-1"}, "price"),
        ({"plan": "tv-2y"}, "serial_no"),
    ],
)
def test_bad_input_names_the_field_and_sells_nothing(api_as, clerk, plan, unit, body, field):
    response = api_as(clerk).post("/api/v1/warranty/extended/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert not ExtendedWarranty.objects.exists()


def test_who_may_sell_and_read(api_as, make_user, plan, unit):
    """Quality inspection neither sells nor reads; another dealer's people do not reach a
    unit that is not their customer's (404, as if it did not exist)."""
    inspector = make_user(Role.QUALITY_INSPECTION, username="qi")
    body = {"serial_no": "SNTV0001", "plan": "tv-2y"}
    assert (
        api_as(inspector).post("/api/v1/warranty/extended/", body, format="json").status_code == 403
    )
    assert api_as(inspector).get("/api/v1/warranty/extended/").status_code == 403
    other = dealer_user(make_user, DealerFactory(), username="other-dealer")
    assert api_as(other).post("/api/v1/warranty/extended/", body, format="json").status_code == 404
    assert not ExtendedWarranty.objects.exists()


def test_the_certificate_page_sells_and_the_register_shows_it(client, clerk, boss, plan, unit):
    card = cards.card_for_serial(unit)
    client.force_login(clerk)
    html = client.get(reverse("warranty:card-detail", args=[card.number])).content.decode()
    assert 'data-testid="extended-sell-form"' in html and "电视整机延保两年" in html
    response = client.post(
        reverse("warranty:extended-sell", args=[card.number]),
        {"plan": plan.pk, "with_order": "1"},
        follow=True,
    )
    contract = ExtendedWarranty.objects.get()
    assert response.redirect_chain[-1][0] == contract.get_absolute_url()
    page = response.content.decode()
    assert "2026-03-04 – 2028-03-03" in page
    html = client.get(reverse("warranty:card-detail", args=[card.number])).content.decode()
    assert contract.number in html and 'data-testid="extended-sell-form"' not in html
    client.force_login(boss)
    register = client.get(reverse("warranty:extended-register")).content.decode()
    assert f'data-testid="contract-{contract.number}"' in register
    assert 'data-testid="revenue-2025-03-amount">399.00<' in register


def test_plans_are_kept_by_the_vice_president_with_errors_named(client, clerk, boss):
    client.force_login(clerk)
    assert client.get(reverse("warranty:extended-plan-new")).status_code == 404
    client.force_login(boss)
    response = client.post(
        reverse("warranty:extended-plan-new"),
        {"code": "x", "name": "", "price": "abc", "months": "0", "sale_window_days": "30"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("name", "price", "months"):
        assert f'name="{field}"' in html
    assert html.count("invalid-feedback") >= 3
    response = client.post(
        reverse("warranty:extended-plan-new"),
        {
            "code": "all-1y",
            "name": "家电延保一年",
            "price": "199",
            "months": "12",
            "sale_window_days": "90",
            "covers_parts": "1",
            "active": "1",
        },
    )
    assert response.status_code == 302
    from aftersales.warranty.models import ExtendedWarrantyPlan

    saved = ExtendedWarrantyPlan.objects.get(code="all-1y")
    assert (saved.covers_parts, saved.covers_labour, saved.price) == (True, False, Decimal("199"))


def test_a_contract_with_a_claim_cannot_be_cancelled(time_machine, clerk, boss, plan, unit, tv):
    from aftersales.core.errors import Conflict

    contract = service.extended_warranty_sell(actor=clerk, serial=unit, plan=plan)
    time_machine.move_to(at("2026-05-01"), tick=False)
    claim(clerk, unit, "2026-05-01", "free_repair", "无法开机")
    with pytest.raises(Conflict) as caught:
        service.extended_warranty_cancel(actor=boss, contract=contract, reason="误售")
    assert caught.value.code == "extended_has_claims"


def test_the_plan_follows_the_customer_to_the_replacement_unit(
    time_machine, clerk, make_user, plan, unit, tv
):
    """R10 and S14 五、2: an exchange on day 9 gives a new unit with a new certificate from
    that day; the plan the customer bought moves to it and runs after the new period."""
    from aftersales.warranty.services import applications as flow
    from aftersales.warranty.services import handling
    from aftersales.warranty.tests.stock import stock_unit

    contract = service.extended_warranty_sell(actor=clerk, serial=unit, plan=plan)
    time_machine.move_to(at("2025-03-12"), tick=False)
    desk = make_user(Role.SERVICE, username="svc-x")
    app = claim(desk, unit, "2025-03-12", "exchange", "屏幕有亮线")
    common = {"actor": desk, "application": app}
    app = flow.application_review(**common, approve=True, remedy="exchange")
    app = handling.application_plan_answer(**common, agree=True, via="phone", note="同意")
    app = flow.application_request_goods(
        **common, return_address="仓库", return_contact="赵", return_phone="021-50001234"
    )
    app = flow.application_receive(**common, intact=True, disposition="quarantine")
    replacement = stock_unit(tv, "SNTV0002")
    flow.application_ship_replacement(**common, replacement_serial="SNTV0002")
    contract.refresh_from_db()
    assert contract.serial == replacement
    period = service.contract_period(contract)
    assert period.starts_on == date(2026, 3, 13)  # the new certificate ran from 2025-03-12
