"""The return, exchange and refund flows through the API (WAR-11, WAR-12, R5, R10, R31–R35)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.core.models import Notification
from aftersales.quality.models import Nonconformance
from aftersales.service.models import Case
from aftersales.sla.models import SlaClock
from aftersales.warranty.models import Application, WarrantyCard
from aftersales.warranty.tests.stock import stock_unit
from aftersales.workdays.calendar import official_calendar

pytestmark = pytest.mark.django_db


def _step(client, number, action, **body):
    if action == "request_goods":
        # S2: the goods are asked for once the customer agreed to the handling plan (here by
        # phone; test_handling_plan covers the answer itself).
        client.post(
            f"/api/v1/warranty/applications/{number}/plan_answer/",
            {"agree": True, "via": "phone", "note": "客户来电同意处理方案"},
            format="json",
        )
    return client.post(f"/api/v1/warranty/applications/{number}/{action}/", body, format="json")


def test_a_tv_returned_within_seven_days_is_refunded_and_the_case_closes(
    api_as, agent, reviewer, logistics, tv_case
):
    """R5: a fault within 7 days of sale gives return, exchange or repair; WAR-11 flow."""
    desk = api_as(agent)
    response = desk.post(
        "/api/v1/warranty/applications/",
        {
            "case": tv_case.number,
            "requested": "return",
            "price": "2999.00",
            "payments": [
                {"method": "wechat", "amount": "2000.00"},
                {"method": "coupon", "amount": "999.00"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    app = response.json()
    offered = {o["remedy"]: o for o in app["answer"]["options"]}
    assert set(offered) >= {"return", "exchange", "free_repair"}
    assert offered["return"]["basis"].startswith("R5")
    assert app["facts"]["category"] == "彩色电视机"
    number = app["number"]

    boss = api_as(reviewer)
    assert _step(boss, number, "approve", remedy="return").status_code == 200
    r = _step(
        boss,
        number,
        "request_goods",
        return_address="上海市浦东新区张江路 88 号",
        return_contact="仓库 赵强",
        return_phone="021-50001234",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["shipping_payer"] == "business"  # R25: quality problem, we pay

    wh = api_as(logistics)
    r = _step(wh, number, "receive", intact=True, disposition="quarantine")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "goods_received"
    assert body["refund_due_on"] is not None
    nc = Nonconformance.objects.get(number=body["nonconformance"])
    assert nc.source_ref == number  # a quality-caused return feeds the quality department

    r = _step(boss, number, "refund")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "refunded"
    assert Decimal(body["refund_total"]) == Decimal("2999.00")
    refunds = {p["method"]: Decimal(p["refund_amount"]) for p in body["payments"]}
    assert refunds == {"wechat": Decimal("2000.00"), "coupon": Decimal("999.00")}  # R34

    r = _step(boss, number, "close")
    assert r.json()["status"] == "closed"
    tv_case.refresh_from_db()
    assert tv_case.status == Case.Status.CLOSED
    assert number in tv_case.solution


def test_approving_a_remedy_the_rules_do_not_offer_needs_a_reason_and_is_reported(
    api_as, agent, reviewer, tv_case, make_user
):
    from aftersales.accounts.roles import Role

    vp = make_user(Role.SALES_VP, username="vp")
    app = api_as(agent).post(
        "/api/v1/warranty/applications/",
        {"case": tv_case.number, "requested": "return", "price": "2999.00",
         "facts": {"problem": "misuse", "misuse_evidence": True}},
        format="json",
    ).json()  # fmt: skip
    assert [o["remedy"] for o in app["answer"]["options"]] == ["paid_repair"]
    boss = api_as(reviewer)
    r = _step(boss, app["number"], "approve", remedy="return")
    assert r.status_code == 400
    assert "note" in r.json()["fields"]
    r = _step(boss, app["number"], "approve", remedy="return", note="老客户，经理特批退货")
    assert r.status_code == 200
    assert r.json()["overridden"] is True
    assert Notification.objects.filter(recipient=vp, title__contains=app["number"]).exists()
    listed = boss.get("/api/v1/warranty/applications/?overridden=1").json()["results"]
    assert [a["number"] for a in listed] == [app["number"]]


def test_an_exchange_issues_the_new_serial_and_restarts_the_warranty(
    api_as, agent, reviewer, logistics, tv_case
):
    """R10: after an exchange the 三包 period restarts from the exchange date."""
    app = (
        api_as(agent)
        .post(
            "/api/v1/warranty/applications/",
            {"case": tv_case.number, "requested": "exchange", "price": "2999.00"},
            format="json",
        )
        .json()
    )
    boss, wh = api_as(reviewer), api_as(logistics)
    _step(boss, app["number"], "approve", remedy="exchange")
    _step(boss, app["number"], "request_goods", return_address="仓库", return_contact="赵",
          return_phone="021-1")  # fmt: skip
    _step(wh, app["number"], "receive", intact=True, disposition="quarantine")
    stock_unit(tv_case.product, "SN-NEW-0001")  # a real unit in the warehouse
    r = _step(wh, app["number"], "ship_replacement", replacement_serial="SN-NEW-0001")
    assert r.status_code == 200, r.json()
    assert r.json()["replacement_serial"] == "SN-NEW-0001"
    card = WarrantyCard.objects.get(serial__serial="SN-NEW-0001")
    assert card.starts_on == timezone.localdate()


def test_a_step_the_status_does_not_allow_is_409(api_as, agent, reviewer, tv_case):
    app = (
        api_as(agent)
        .post(
            "/api/v1/warranty/applications/",
            {"case": tv_case.number, "requested": "return", "price": "100"},
            format="json",
        )
        .json()
    )
    r = _step(api_as(reviewer), app["number"], "refund")
    assert r.status_code == 409
    assert r.json()["code"] == "illegal_transition"


def test_the_desk_cannot_approve_its_own_application(api_as, agent, tv_case):
    app = (
        api_as(agent)
        .post(
            "/api/v1/warranty/applications/",
            {"case": tv_case.number, "requested": "return", "price": "100"},
            format="json",
        )
        .json()
    )
    assert _step(api_as(agent), app["number"], "approve", remedy="return").status_code == 403


def test_a_late_refund_is_escalated(api_as, agent, reviewer, logistics, tv_case, make_user):
    """WAR-12: the refund clock runs from receipt of the goods and escalates when late."""
    from aftersales.accounts.roles import Role
    from aftersales.sla.services import sla_sweep

    cs = make_user(Role.CUSTOMER_SERVICE, username="cs2")
    app = (
        api_as(agent)
        .post(
            "/api/v1/warranty/applications/",
            {"case": tv_case.number, "requested": "return", "price": "2999.00"},
            format="json",
        )
        .json()
    )
    boss = api_as(reviewer)
    _step(boss, app["number"], "approve", remedy="return")
    _step(boss, app["number"], "request_goods", return_address="仓库", return_contact="赵",
          return_phone="021-1")  # fmt: skip
    _step(api_as(logistics), app["number"], "receive", intact=True, disposition="stock")
    application = Application.objects.get(number=app["number"])
    received = timezone.localtime(application.goods_received_at).date()
    # S14 via the SLA preset: 15 days, a last day on a rest day moving to the next working day
    assert application.refund_due_on == official_calendar().period_end(received, 15)
    clock = SlaClock.objects.get(owner_id=application.pk, metric="refund")
    sla_sweep(now=clock.due_at + timedelta(minutes=1))
    assert Notification.objects.filter(link__contains=app["number"], level="danger").exists()
    assert Notification.objects.filter(recipient=cs, link__contains=app["number"]).exists()
    assert boss.get("/api/v1/warranty/applications/?late=1").json()["results"] == []
    # Time passes: the due day is behind us and nothing was refunded.
    Application.objects.filter(pk=application.pk).update(
        refund_due_on=timezone.localdate() - timedelta(days=1)
    )
    late = boss.get("/api/v1/warranty/applications/?late=1").json()["results"]
    assert [a["number"] for a in late] == [app["number"]]


def _return_to_goods_received(api_as, agent, reviewer, logistics, body, *, intact=True):
    app = api_as(agent).post("/api/v1/warranty/applications/", body, format="json").json()
    boss = api_as(reviewer)
    assert _step(boss, app["number"], "approve", remedy="return").status_code == 200
    _step(boss, app["number"], "request_goods", return_address="仓库", return_contact="赵",
          return_phone="021-1")  # fmt: skip
    received = _step(
        api_as(logistics),
        app["number"],
        "receive",
        intact=intact,
        condition="" if intact else "包装已拆，机身有明显划痕",
        disposition="stock",
    )
    assert received.status_code == 200, received.json()
    return app


def test_a_return_after_two_failed_repairs_is_refunded_less_depreciation(
    api_as, agent, reviewer, logistics, tv_case
):
    """R7 + R9: two repairs and still faulty — exchange, or a return less 0.1 %/day (彩色电视机,
    R14) from the invoice date; the refund goes back by the ways paid, in proportion (R34)."""
    bought = timezone.localdate() - timedelta(days=200)
    app = _return_to_goods_received(
        api_as, agent, reviewer, logistics,
        {"case": tv_case.number, "requested": "return", "price": "3000.00",
         "facts": {"purchase_date": bought.isoformat(), "received_date": bought.isoformat(),
                   "prior_repairs": 2},
         "payments": [{"method": "bank_card", "amount": "2000.00"},
                      {"method": "points", "amount": "1000.00"}]},
    )  # fmt: skip
    offered = {o["remedy"]: o for o in app["answer"]["options"]}
    assert offered["return"]["basis"].startswith("R9")
    depreciation = app["answer"]["fees"]["depreciation"]
    assert depreciation["days"] == 200 and depreciation["percent"] == "20.00"
    assert depreciation["amount"] == "600.00"
    body = _step(api_as(reviewer), app["number"], "refund").json()
    assert body["refund_total"] == "2400.00"
    refunds = {p["method"]: p["refund_amount"] for p in body["payments"]}
    assert refunds == {"bank_card": "1600.00", "points": "800.00"}


def test_gifts_not_returned_and_a_lost_free_shipping_threshold_are_deducted(
    api_as, agent, reviewer, logistics, tv_case
):
    """R33: an unreturned gift is deducted at its stated value; R35: shipping when the return
    drops the order below the free-shipping threshold."""
    app = _return_to_goods_received(
        api_as, agent, reviewer, logistics,
        {"case": tv_case.number, "requested": "return", "price": "2999.00"},
    )  # fmt: skip
    body = _step(
        api_as(reviewer), app["number"], "refund", gift_deduction="59.00", shipping_deduction="20"
    ).json()
    assert body["refund_total"] == "2920.00"
    events = [e["note"] for e in body["events"] if e["action"] == "refund"]
    assert "59.00" in events[0] and "20.00" in events[0]


def test_a_no_reason_return_that_comes_back_used_is_not_refunded(
    api_as, agent, reviewer, logistics, tv_case
):
    """R31: goods used beyond inspection are not intact; no refund without a reason — the
    reviewer rejects it after receipt."""
    app = _return_to_goods_received(
        api_as, agent, reviewer, logistics,
        {"case": tv_case.number, "requested": "return", "price": "2999.00",
         "facts": {"problem": "none", "channel": "online"}},
        intact=False,
    )  # fmt: skip
    boss = api_as(reviewer)
    refused = _step(boss, app["number"], "refund")
    assert refused.status_code == 400
    assert "R31" in str(refused.json()["fields"])
    rejected = _step(boss, app["number"], "reject", note="商品有明显使用痕迹，不符合无理由退货条件")
    assert rejected.json()["status"] == "rejected"


def test_payments_that_do_not_add_up_are_refused_and_nothing_is_written(api_as, agent, tv_case):
    r = api_as(agent).post(
        "/api/v1/warranty/applications/",
        {"case": tv_case.number, "requested": "return", "price": "2999.00",
         "payments": [{"method": "wechat", "amount": "1000.00"}]},
        format="json",
    )  # fmt: skip
    assert r.status_code == 400
    assert "payments" in r.json()["fields"]
    assert not Application.objects.exists()


def test_bad_facts_name_the_field(api_as, agent, tv_case):
    r = api_as(agent).post(
        "/api/v1/warranty/applications/",
        {"case": tv_case.number, "requested": "return", "price": "100",
         "facts": {"received_date": "2020-01-01", "colour": "red"}},
        format="json",
    )  # fmt: skip
    assert r.status_code == 400
    fields = r.json()["fields"]
    assert "facts.colour" in fields and "facts.received_date" in fields
    assert not Application.objects.exists()


def test_the_evaluate_api_is_the_engine(api_as, agent):
    body = {
        "policy": "national",
        "category": "彩色电视机",
        "channel": "offline",
        "purchase_date": "2026-11-20",
        "received_date": "2026-11-20",
        "report_date": "2026-11-25",
        "problem": "quality",
        "has_invoice_or_card": True,
    }
    r = api_as(agent).post("/api/v1/warranty/evaluate/", body, format="json")
    assert r.status_code == 200
    from aftersales.warranty.engine import evaluate

    facts = {k: v for k, v in body.items() if k != "policy"}
    assert r.json() == evaluate(facts)
    bad = api_as(agent).post(
        "/api/v1/warranty/evaluate/", {**body, "report_date": "2026-02-30"}, format="json"
    )
    assert bad.status_code == 400
    assert "report_date" in bad.json()["fields"]


def test_one_open_application_per_case(api_as, agent, tv_case):
    """A second return for the same case while the first is handled would pay twice."""
    client = api_as(agent)
    body = {"case": tv_case.number, "requested": "return", "price": "2999.00"}
    assert client.post("/api/v1/warranty/applications/", body, format="json").status_code == 201
    again = client.post("/api/v1/warranty/applications/", body, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_applied"


def test_deductions_cannot_exceed_the_refund(api_as, agent, reviewer, logistics, tv_case):
    """R33/R35 deductions come off the refund; they cannot make it negative."""
    app = _return_to_goods_received(
        api_as, agent, reviewer, logistics,
        {"case": tv_case.number, "requested": "return", "price": "2999.00"},
    )  # fmt: skip
    r = _step(api_as(reviewer), app["number"], "refund", gift_deduction="5000")
    assert r.status_code == 400
    assert "gift_deduction" in r.json()["fields"]
    assert Application.objects.get(number=app["number"]).status == "goods_received"


def test_a_purchase_date_in_the_future_is_refused(api_as, agent, tv_case):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    r = api_as(agent).post(
        "/api/v1/warranty/applications/",
        {"case": tv_case.number, "requested": "return", "price": "100",
         "facts": {"purchase_date": tomorrow, "received_date": tomorrow}},
        format="json",
    )  # fmt: skip
    assert r.status_code == 400
    assert "facts.purchase_date" in r.json()["fields"]


def test_a_refused_receipt_keeps_what_the_clerk_typed(
    client, api_as, agent, reviewer, logistics, tv_case
):
    """R31: "not intact" without saying what is wrong is refused — and the form comes back
    with "not intact", the serial and the destination still filled in."""
    app = (
        api_as(agent)
        .post(
            "/api/v1/warranty/applications/",
            {"case": tv_case.number, "requested": "return", "price": "2999.00"},
            format="json",
        )
        .json()
    )
    boss = api_as(reviewer)
    _step(boss, app["number"], "approve", remedy="return")
    _step(boss, app["number"], "request_goods", return_address="仓库", return_contact="赵",
          return_phone="021-1")  # fmt: skip
    client.force_login(logistics)
    response = client.post(
        f"/warranty/{app['number']}/receive/",
        {"intact": "0", "condition": "", "received_serial": "SN-OLD-1", "disposition": "scrap"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="0" id="in0" checked' in html
    assert 'value="SN-OLD-1"' in html
    assert '<option value="scrap" selected>' in html
    assert "请说明缺失或损坏的情况" in html


def test_a_returned_unit_is_ours_again_and_its_certificate_ends(
    api_as, agent, reviewer, logistics, tv
):
    """A desk application without a case (customer, SKU, serial, facts): after the refund
    the unit has no owner and its 三包 certificate is no longer in force."""
    from aftersales.catalog.models import SerialNumber
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.warranty.services.cards import card_issue

    customer = CustomerFactory(name="李华")
    bought = timezone.localdate() - timedelta(days=3)
    serial = SerialNumber.objects.create(serial="SN-TV-1", product=tv, owner=customer)
    card = card_issue(
        actor=reviewer, product=tv, customer=customer, invoice_date=bought, serial=serial
    )
    facts = {
        "category": "彩色电视机", "channel": "offline", "purchase_date": bought.isoformat(),
        "received_date": bought.isoformat(), "report_date": timezone.localdate().isoformat(),
        "problem": "quality", "has_invoice_or_card": True,
    }  # fmt: skip
    app = api_as(agent).post(
        "/api/v1/warranty/applications/",
        {"customer_id": customer.pk, "product_sku": tv.sku, "serial_no": "SN-TV-1",
         "requested": "return", "reason": "开机黑屏", "price": "2999.00", "facts": facts},
        format="json",
    )  # fmt: skip
    assert app.status_code == 201, app.json()
    number = app.json()["number"]
    boss = api_as(reviewer)
    _step(boss, number, "approve", remedy="return")
    _step(boss, number, "request_goods", return_address="仓库", return_contact="赵",
          return_phone="021-1")  # fmt: skip
    received = _step(
        api_as(logistics), number, "receive", intact=True, received_serial="SN-TV-2",
        disposition="stock",
    ).json()  # fmt: skip
    assert received["serial_matched"] is False  # the clerk sees the wrong unit came back
    _step(boss, number, "refund")
    card.refresh_from_db()
    serial.refresh_from_db()
    assert card.void is True and serial.owner_id is None


def test_a_dealer_sees_the_applications_on_its_cases(api_as, agent, make_user, tv_case):
    """The dealer's view of its work agrees with the case app's: an application made on a case
    the dealer handles is the dealer's to see, even for a customer registered elsewhere."""
    from aftersales.accounts.roles import Role
    from aftersales.customers.models import DealerMember
    from aftersales.customers.tests.factories import DealerFactory
    from aftersales.service.models import Case

    dealer = DealerFactory()
    person = make_user(Role.DEALER, username="dealer1")
    DealerMember.objects.create(dealer=dealer, user=person)
    app = (
        api_as(agent)
        .post(
            "/api/v1/warranty/applications/",
            {"case": tv_case.number, "requested": "return", "price": "2999.00"},
            format="json",
        )
        .json()
    )
    seen = api_as(person).get("/api/v1/warranty/applications/?status=all").json()["results"]
    assert seen == []
    Case.objects.filter(pk=tv_case.pk).update(dealer=dealer)
    seen = api_as(person).get("/api/v1/warranty/applications/?status=all").json()["results"]
    assert [a["number"] for a in seen] == [app["number"]]
