"""Charges and quotations (WAR-9): free in warranty, priced from the rates otherwise, the
quotation gate on completion, the cost split by the quality verdict (S8), the charge sheet."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.models import OutboundMessage
from aftersales.core.testing import MARKUP_TEXTS, assert_pdf_prints_as_typed
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.quality.services.judgements import responsibility_judge
from aftersales.service.services.intake import IntakeInput, case_intake

from ..models import ChargeLine, ServiceRate, TechnicianProfile, WorkOrder
from ..services import charges
from ..services.work_orders import work_order_complete, work_order_create
from ..views.care import charges_panel

pytestmark = pytest.mark.django_db
K = ChargeLine.Kind


@pytest.fixture
def rates(db):
    ServiceRate.objects.create(kind=ServiceRate.Kind.LABOUR_HOUR, amount=Decimal("80.00"))
    ServiceRate.objects.create(kind=ServiceRate.Kind.TRAVEL, amount=Decimal("50.00"))


@pytest.fixture
def office(make_user):
    return make_user(Role.SERVICE, username="office1", full_name="调度甲")


@pytest.fixture
def tech(make_user):
    """Assigned to the work order, with no office role: only ``can_work_on`` lets them in."""
    person = make_user(username="tech1", full_name="师傅乙")
    TechnicianProfile.objects.create(user=person, regions="浦东新区")
    return person


@pytest.fixture
def client_customer(db):
    return CustomerFactory(name="李雷", mobile="13800001111", email="lilei@example.cn")


def make_wo(customer, tech, *, in_warranty, case=None, kind="remote", answer=None) -> WorkOrder:
    wo = work_order_create(
        actor=None,
        system=True,
        kind=kind,
        customer=customer,
        problem="不制冷",
        product=ProductFactory(name="变频空调"),
        case=case,
    )
    wo.technician = tech
    wo.status = WorkOrder.Status.IN_PROGRESS
    wo.in_warranty = in_warranty
    wo.warranty_basis = "R11 三包期内免费修理" if in_warranty else "超出三包有效期"
    wo.warranty_answer = answer
    wo.save()
    return wo


def complete(actor, wo):
    return work_order_complete(
        actor=actor, work_order=wo, diagnosis="压缩机电容损坏", work_done="更换电容", result="fixed"
    )


# --- free vs paid (WAR-9) -----------------------------------------------------------------


def test_in_warranty_every_line_is_free_but_keeps_its_value(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=True)
    labour = charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR, quantity="2")
    travel = charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    assert labour.free and travel.free
    assert labour.unit_price == Decimal("80.00") and labour.amount == Decimal("0.00")
    wo.refresh_from_db()
    assert wo.charge_total == Decimal("0.00")
    assert not charges.quote_needed(wo)
    assert charges_panel(wo, tech)["free_value"] == Decimal("210.00")


def test_out_of_warranty_is_priced_from_the_rates(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=False)
    labour = charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR, quantity="1.5")
    charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    assert not labour.free and labour.amount == Decimal("120.00")
    wo.refresh_from_db()
    assert wo.charge_total == Decimal("170.00")
    assert charges.quote_needed(wo)


def test_undecided_warranty_is_paid(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=None)
    assert not charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR).free


def test_s17_answer_puts_travel_on_the_customer_even_in_warranty(rates, client_customer, tech):
    answer = {"policy": "s17", "fees": {"labour": "business", "travel": "consumer"}}
    wo = make_wo(client_customer, tech, in_warranty=True, answer=answer)
    assert charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR).free
    travel = charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    assert not travel.free and travel.amount == Decimal("50.00")
    assert charges.free_by_default(wo, K.PART) is True


def test_a_line_may_be_marked_free_or_paid_by_hand(rates, client_customer, tech, office):
    """WAR-9: the office may waive or charge a line against the 三包 default; the technician
    charges by the rules only."""
    wo = make_wo(client_customer, tech, in_warranty=True)
    with pytest.raises(PermissionDenied):
        charges.charge_add(
            actor=tech, work_order=wo, kind=K.OTHER, description="清洗滤网", unit_price="30",
            free=False,
        )  # fmt: skip
    line = charges.charge_add(
        actor=office,
        work_order=wo,
        kind=K.OTHER,
        description="清洗滤网",
        unit_price="30",
        free=False,
    )
    assert line.amount == Decimal("30.00")


def test_bad_charges_are_refused(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=False)
    with pytest.raises(InvalidInput) as err:
        charges.charge_add(actor=tech, work_order=wo, kind=K.PART)
    assert "kind" in err.value.fields
    with pytest.raises(InvalidInput) as err:
        charges.charge_add(actor=tech, work_order=wo, kind=K.OTHER, quantity="0")
    assert {"quantity", "description", "unit_price"} <= set(err.value.fields)
    ServiceRate.objects.all().delete()
    with pytest.raises(InvalidInput) as err:
        charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR)
    assert "unit_price" in err.value.fields


def test_remove_a_line_updates_the_total(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=False)
    line = charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    charges.charge_remove(actor=tech, work_order=wo, line_id=line.pk)
    wo.refresh_from_db()
    assert wo.charge_total == Decimal("0.00") and not wo.charges.exists()


def test_charges_do_not_change_on_a_closed_work_order(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=False)
    WorkOrder.objects.filter(pk=wo.pk).update(status=WorkOrder.Status.COMPLETED)
    wo.refresh_from_db()
    with pytest.raises(Conflict) as err:
        charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    assert err.value.code == "work_order_closed"


# --- the quotation gate -------------------------------------------------------------------


def test_paid_work_cannot_complete_until_the_quotation_is_accepted(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=False)
    line = charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR, quantity="2")
    with pytest.raises(Conflict) as err:
        complete(tech, wo)
    assert err.value.code == "quote_not_accepted" and err.value.status_code == 409

    charges.quote_send(actor=tech, work_order=wo)
    assert wo.quote_total == Decimal("160.00") and wo.status == WorkOrder.Status.IN_PROGRESS
    sms = OutboundMessage.objects.filter(related=wo.number, channel="sms").get()
    assert sms.to == "13800001111" and "160.00" in sms.body and line.description in sms.body
    assert OutboundMessage.objects.filter(related=wo.number, channel="email").exists()
    with pytest.raises(Conflict):
        complete(tech, wo)

    charges.quote_accept(actor=tech, work_order=wo, by_customer=True)
    assert wo.quote_accepted_at is not None
    done = complete(tech, wo)
    assert done.status == WorkOrder.Status.COMPLETED and done.charge_total == Decimal("160.00")


def test_free_work_needs_no_quotation(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=True)
    charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR)
    with pytest.raises(Conflict) as err:
        charges.quote_send(actor=tech, work_order=wo)
    assert err.value.code == "nothing_to_quote"
    assert complete(tech, wo).status == WorkOrder.Status.COMPLETED


def test_more_paid_work_after_acceptance_needs_a_new_quotation(
    rates, client_customer, tech, office
):
    wo = make_wo(client_customer, tech, in_warranty=False)
    charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    charges.quote_send(actor=tech, work_order=wo)
    charges.quote_accept(actor=office, work_order=wo)
    charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR)
    wo.refresh_from_db()
    assert charges.quote_needed(wo) and charges.quote_state(wo) == "outdated"
    with pytest.raises(Conflict):
        complete(tech, wo)
    charges.quote_send(actor=tech, work_order=wo)
    assert wo.quote_total == Decimal("130.00") and wo.quote_accepted_at is None
    charges.quote_accept(actor=tech, work_order=wo, by_customer=True)
    assert complete(tech, wo).status == WorkOrder.Status.COMPLETED


def test_accepting_needs_a_sent_quotation(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=False)
    charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    with pytest.raises(Conflict) as err:
        charges.quote_accept(actor=tech, work_order=wo, by_customer=True)
    assert err.value.code == "quote_not_sent"


def test_a_declined_quotation_drops_the_paid_work(rates, client_customer, tech, office):
    wo = make_wo(client_customer, tech, in_warranty=False)
    charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR, quantity="3")
    charges.charge_add(actor=office, work_order=wo, kind=K.OTHER, description="检测", free=True)
    charges.quote_send(actor=tech, work_order=wo)
    charges.quote_decline(actor=tech, work_order=wo, by_customer=True, note="太贵")
    wo.refresh_from_db()
    assert wo.quote_declined_at is not None and wo.quote_accepted_at is None
    assert list(wo.charges.values_list("description", flat=True)) == ["检测"]
    assert wo.charge_total == Decimal("0.00") and charges.quote_state(wo) == "declined"
    event = wo.events.get(action="quote_decline")
    assert "太贵" in event.note and "240.00" in event.note
    done = work_order_complete(
        actor=tech, work_order=wo, diagnosis="压缩机坏", work_done="未修", result="not_fixed"
    )
    assert done.status == WorkOrder.Status.COMPLETED


# --- permissions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.CUSTOMER_SERVICE, Role.LOGISTICS, Role.QUALITY, Role.SALES, Role.DEALER]
)
def test_only_dispatchers_and_the_technician_charge(rates, client_customer, tech, make_user, role):
    wo = make_wo(client_customer, tech, in_warranty=False)
    outsider = make_user(role)
    with pytest.raises(PermissionDenied):
        charges.charge_add(actor=outsider, work_order=wo, kind=K.TRAVEL)
    line = charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    with pytest.raises(PermissionDenied):
        charges.charge_remove(actor=outsider, work_order=wo, line_id=line.pk)
    with pytest.raises(PermissionDenied):
        charges.quote_send(actor=outsider, work_order=wo)
    charges.quote_send(actor=tech, work_order=wo)
    for by_customer in (True, False):
        with pytest.raises(PermissionDenied):
            charges.quote_accept(actor=outsider, work_order=wo, by_customer=by_customer)


def test_dispatcher_and_admin_charge_and_accept(rates, client_customer, tech, office, admin_user):
    wo = make_wo(client_customer, tech, in_warranty=False)
    charges.charge_add(actor=office, work_order=wo, kind=K.TRAVEL)
    charges.charge_add(actor=admin_user, work_order=wo, kind=K.LABOUR)
    charges.quote_send(actor=office, work_order=wo)
    charges.quote_accept(actor=admin_user, work_order=wo)
    assert wo.quote_accepted_at is not None


def test_the_technician_records_only_the_customers_answer_on_site(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=False)
    charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    charges.quote_send(actor=tech, work_order=wo)
    with pytest.raises(PermissionDenied):
        charges.quote_accept(actor=tech, work_order=wo, by_customer=False)
    with pytest.raises(PermissionDenied):
        charges.quote_decline(actor=tech, work_order=wo, by_customer=False)
    charges.quote_accept(actor=tech, work_order=wo, by_customer=True)


def test_another_technician_may_not_charge(rates, client_customer, tech, make_user):
    wo = make_wo(client_customer, tech, in_warranty=False)
    with pytest.raises(PermissionDenied):
        charges.charge_add(actor=make_user(username="tech2"), work_order=wo, kind=K.TRAVEL)


def test_only_dispatchers_record_the_cost_split(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=True)
    with pytest.raises(PermissionDenied):
        charges.cost_split_record(actor=tech, work_order=wo)


# --- the cost split (S8) ------------------------------------------------------------------


@pytest.fixture
def case_of(make_user):
    agent = make_user(Role.CUSTOMER_SERVICE, username="agent1")

    def make(customer):
        case, _ = case_intake(
            actor=agent,
            data=IntakeInput(
                channel="phone",
                kind="repair",
                customer_name=customer.name,
                customer_phone=customer.mobile,
                description="空调不制冷",
            ),
        )
        return case

    return make


@pytest.mark.parametrize(
    ("verdict", "share", "manufacturer"),
    [
        ("manufacturer", Decimal("1.00"), Decimal("210.00")),
        ("transport", Decimal("0.50"), Decimal("105.00")),
        ("dealer", Decimal("0.50"), Decimal("105.00")),
        ("customer", Decimal("0.00"), Decimal("0.00")),
        ("no_defect", Decimal("0.00"), Decimal("0.00")),
    ],
)
def test_cost_split_follows_the_quality_verdict(
    rates, client_customer, tech, office, make_user, case_of, verdict, share, manufacturer
):
    case = case_of(client_customer)
    wo = make_wo(client_customer, tech, in_warranty=True, case=case)
    charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR, quantity="2")
    charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    assert charges.cost_split(wo)["share"] is None
    with pytest.raises(Conflict) as err:
        charges.cost_split_record(actor=office, work_order=wo)
    assert err.value.code == "judgement_missing"

    quality = make_user(Role.QUALITY)
    responsibility_judge(actor=quality, subject=case, verdict=verdict, reasoning="照片与批次")
    split = charges.cost_split(wo)
    assert split["cost"] == Decimal("210.00")
    assert split["share"] == share and split["manufacturer"] == manufacturer
    assert split["dealer"] == Decimal("210.00") - manufacturer
    charges.cost_split_record(actor=office, work_order=wo)
    wo.refresh_from_db()
    assert wo.manufacturer_share == share


def test_cost_split_uses_the_policy_dealer_split(
    rates, client_customer, tech, make_user, case_of, monkeypatch
):
    from types import SimpleNamespace

    from aftersales.warranty.services import policies

    monkeypatch.setattr(
        policies, "policy_for", lambda key=None: SimpleNamespace(dealer_split=Decimal("0.40"))
    )
    case = case_of(client_customer)
    wo = make_wo(client_customer, tech, in_warranty=True, case=case)
    charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    responsibility_judge(
        actor=make_user(Role.QUALITY), subject=case, verdict="dealer", reasoning="x"
    )
    assert charges.cost_split(wo)["share"] == Decimal("0.60")


# --- the charge sheet ---------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def test_charge_sheet_pdf(rates, client_customer, tech, office):
    wo = make_wo(client_customer, tech, in_warranty=False)
    charges.charge_add(actor=tech, work_order=wo, kind=K.LABOUR, quantity="2")
    charges.charge_add(actor=office, work_order=wo, kind=K.OTHER, description="检测", free=True)
    charges.quote_send(actor=tech, work_order=wo)
    charges.quote_accept(actor=tech, work_order=wo, by_customer=True)
    text = pdf_text(charges.charge_sheet_pdf(wo))
    for expected in (
        "收费单",
        wo.number,
        "李雷",
        "变频空调",
        "不在三包范围",
        "超出三包有效期",
        "工时",
        "免费",
        "收费",
        "160.00",
        "确认接受",
        "顾客签字",
    ):
        assert expected in text, expected


def test_charge_sheet_in_warranty_says_free(rates, client_customer, tech):
    wo = make_wo(client_customer, tech, in_warranty=True)
    charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    text = pdf_text(charges.charge_sheet_pdf(wo))
    assert "三包期内" in text and "R11" in text and "无需报价" in text


def test_charge_sheet_prints_markup_like_text_as_typed(rates, tech, office):
    image, link, less, amp = MARKUP_TEXTS
    wo = make_wo(CustomerFactory(name=less, mobile="13800002222"), tech, in_warranty=False)
    WorkOrder.objects.filter(pk=wo.pk).update(address=image, warranty_basis=amp)
    wo.refresh_from_db()
    charges.charge_add(actor=office, work_order=wo, kind=K.OTHER, description=link, free=True)
    assert_pdf_prints_as_typed(charges.charge_sheet_pdf(wo), *MARKUP_TEXTS)


# --- pages and API ------------------------------------------------------------------------


def test_panel_partial_renders(rates, client_customer, tech, rf):
    wo = make_wo(client_customer, tech, in_warranty=False)
    charges.charge_add(actor=tech, work_order=wo, kind=K.TRAVEL)
    request = rf.get("/")
    request.user = tech
    html = render_to_string(
        "repairs/_charges.html", {"charges": charges_panel(wo, tech)}, request=request
    )
    assert 'data-testid="charges-panel"' in html and 'data-testid="quote-send"' in html
    assert reverse("repairs:charges-add", args=[wo.number]) in html


def test_pages_post_and_redirect_back(rates, client_customer, tech, client):
    wo = make_wo(client_customer, tech, in_warranty=False)
    client.force_login(tech)
    back = reverse("repairs:work-order-detail", args=[wo.number])
    add = reverse("repairs:charges-add", args=[wo.number])
    response = client.post(add, {"kind": "labour", "quantity": "2", "free": ""})
    assert response.status_code == 302 and response["Location"] == back
    line = wo.charges.get()
    assert line.amount == Decimal("160.00")
    for action in ("send", "accept"):
        url = reverse("repairs:charges-quote", args=[wo.number, action])
        response = client.post(url, {"by_customer": "1"})
        assert response.status_code == 302 and response["Location"] == back
    wo.refresh_from_db()
    assert wo.quote_accepted_at is not None
    pdf = client.get(reverse("repairs:charges-pdf", args=[wo.number]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    remove = reverse("repairs:charges-remove", args=[wo.number, line.pk])
    assert client.post(remove).status_code == 302
    assert not wo.charges.exists()


def test_pages_hide_work_orders_from_outsiders(rates, client_customer, tech, client, make_user):
    wo = make_wo(client_customer, tech, in_warranty=False)
    client.force_login(make_user(Role.QUALITY))
    add = reverse("repairs:charges-add", args=[wo.number])
    assert client.post(add, {"kind": "travel", "quantity": "1"}).status_code == 404
    assert not wo.charges.exists()


def test_dealer_sees_only_its_own_work_orders(rates, tech, client, make_user):
    own, other = DealerFactory(), DealerFactory()
    seller = dealer_user(make_user, own)
    wo = make_wo(CustomerFactory(dealer=other), tech, in_warranty=False)
    client.force_login(seller)
    assert client.get(reverse("repairs:charges-pdf", args=[wo.number])).status_code == 404


def test_api_charges_and_quote(rates, client_customer, tech, office, api_as):
    wo = make_wo(client_customer, tech, in_warranty=False)
    api = api_as(tech)
    url = f"/api/v1/work-orders/{wo.number}/charges/"
    response = api.post(url, {"kind": "labour", "quantity": "2"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["charge_total"] == "160.00" and body["quote_needed"] is True
    assert body["lines"][0]["free"] is False and body["lines"][0]["unit_price"] == "80.00"
    bad = api.post(url, {"kind": "part"}, format="json")
    assert bad.status_code == 400
    quote = f"/api/v1/work-orders/{wo.number}/quote/"
    assert api.post(quote + "send/", {}, format="json").json()["quote_state"] == "sent"
    assert api.post(quote + "accept/", {}, format="json").status_code == 403
    accepted = api_as(office).post(quote + "accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["quote_state"] == "accepted"
    again = api.post(quote + "decline/", {"by_customer": True}, format="json")
    assert again.status_code == 200 and again.json()["quote_state"] == "declined"
    assert api.post(quote + "bogus/", {}, format="json").status_code == 404


def test_api_hides_work_orders_from_outsiders(rates, client_customer, tech, make_user, api_as):
    wo = make_wo(client_customer, tech, in_warranty=False)
    response = api_as(make_user(Role.QUALITY)).post(
        f"/api/v1/work-orders/{wo.number}/charges/", {"kind": "travel"}, format="json"
    )
    assert response.status_code == 404
