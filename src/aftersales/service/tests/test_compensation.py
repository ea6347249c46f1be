"""Compensation for late delivery (SVC-10, SVC-11): what the policy gives, counted from the
order's promised date to the delivery on the company calendar, offered on the case and
answered by the customer."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.models import OutboundMessage
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.sales.models import Order, Shipment

from ..models import DelayCompensation, DelayCompensationPolicy
from ..services.compensation import (
    case_compensation_answer,
    case_compensation_offer,
    compensation_quote,
)
from ..services.intake import IntakeInput, case_intake

pytestmark = pytest.mark.django_db

PROMISED = date(2026, 9, 30)  # the day before the National Day holiday (1–7 October)


@pytest.fixture
def policy():
    return DelayCompensationPolicy.objects.create(
        name="迟延交付补偿标准",
        grace_working_days=2,
        percent_per_day=Decimal("0.50"),
        cap_percent=Decimal("10.00"),
        company_extra_percent=Decimal("5.00"),
        refund_after_days=15,
    )


@pytest.fixture
def make_delay_case(agent, make_user):
    """A delivery-delay case on an order of ¥3,999.00 promised for ``promised``, delivered at
    ``delivered`` (a local date; None: not yet delivered)."""
    from aftersales.accounts.roles import Role

    keeper = make_user(Role.LOGISTICS)

    def make(*, delivered: date | None, promised: date = PROMISED, kind="delivery_delay"):
        customer = CustomerFactory(name="王小明")
        order = Order.objects.create(
            number=f"SO-DL-{Order.objects.count() + 1}",
            customer=customer,
            salesperson=agent,
            delivery_date=promised,
            delivery_place="上海市徐汇区",
            total=Decimal("3999.00"),
            status=Order.Status.DELIVERED if delivered else Order.Status.SHIPPED,
        )
        Shipment.objects.create(
            number=f"DN-{order.number}",
            order=order,
            status=Shipment.Status.DELIVERED if delivered else Shipment.Status.SHIPPED,
            verified_by=keeper,
            shipped_at=timezone.make_aware(datetime.combine(promised, datetime.min.time())),
            delivered_at=(
                timezone.make_aware(datetime.combine(delivered, datetime.min.time()))
                + timedelta(hours=15)
                if delivered
                else None
            ),
        )
        case, _ = case_intake(
            actor=agent,
            data=IntakeInput(
                channel="phone",
                kind=kind,
                customer_name=customer.name,
                customer_phone=customer.mobile,
                description="订单迟迟没有送到",
                order_no=order.number,
            ),
        )
        return case

    return make


def test_days_late_are_calendar_days_the_grace_counts_working_days(policy, make_delay_case):
    """SVC-10: promised 30 Sep, delivered Mon 12 Oct: 12 days late, of which 4 working days
    (the holiday is no working day; Sat 10 Oct is a make-up working day). The grace of 2
    working days ends Fri 9 Oct, so 3 days are compensated: 1.5 % of ¥3,999.00 = ¥59.99."""
    case = make_delay_case(delivered=date(2026, 10, 12))
    quote = compensation_quote(case)
    assert quote.delivered_on == date(2026, 10, 12)
    assert (quote.days_late, quote.working_days_late, quote.compensated_days) == (12, 4, 3)
    assert quote.amount == Decimal("59.99")  # 59.985 rounded to the fen
    assert quote.refund_offered is False and quote.company_caused is False
    assert quote.policy == policy and "3" in quote.calculation


def test_the_company_causing_the_delay_adds_the_extra_on_top_of_the_cap(policy, make_delay_case):
    """SVC-11: 45 days late: 0.5 % a day is capped at 10 % (¥399.90); the company's fault adds
    5 % (¥199.95) beyond the cap. Past 15 days the customer may choose a refund instead."""
    case = make_delay_case(delivered=PROMISED + timedelta(days=45))
    plain = compensation_quote(case)
    assert plain.amount == Decimal("399.90") and plain.refund_offered is True
    ours = compensation_quote(case, company_caused=True)
    assert (ours.base_amount, ours.extra_amount) == (Decimal("399.90"), Decimal("199.95"))
    assert ours.amount == Decimal("599.85") and ours.company_caused is True


def test_goods_not_yet_delivered_are_late_until_today(policy, make_delay_case):
    case = make_delay_case(delivered=None)
    quote = compensation_quote(case, today=date(2026, 10, 12))
    assert quote.delivered_on is None and quote.as_of == date(2026, 10, 12)
    assert (quote.days_late, quote.compensated_days, quote.amount) == (12, 3, Decimal("59.99"))


def test_within_the_grace_nothing_is_owed_or_offered(agent, policy, make_delay_case):
    case = make_delay_case(delivered=date(2026, 10, 8))  # 1 working day late
    quote = compensation_quote(case)
    assert (quote.days_late, quote.working_days_late, quote.amount) == (8, 1, Decimal("0.00"))
    with pytest.raises(Conflict) as refused:
        case_compensation_offer(actor=agent, case=case, company_caused=True)
    assert refused.value.code == "not_late"
    on_time = make_delay_case(delivered=PROMISED - timedelta(days=1))
    assert compensation_quote(on_time).days_late == 0


def test_without_an_active_policy_the_page_says_so_and_nothing_is_offered(
    client, agent, make_delay_case
):
    DelayCompensationPolicy.objects.create(
        name="旧标准", active=False, percent_per_day=Decimal("1"), cap_percent=Decimal("5")
    )
    case = make_delay_case(delivered=date(2026, 10, 12))
    quote = compensation_quote(case)
    assert quote.policy is None and quote.amount == Decimal("0.00") and quote.days_late == 12
    with pytest.raises(Conflict) as refused:
        case_compensation_offer(actor=agent, case=case, company_caused=False)
    assert refused.value.code == "no_compensation_policy"
    client.force_login(agent)
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert 'data-testid="case-compensation"' in page
    assert 'data-testid="step-compensation"' not in page


def test_the_agent_offers_the_customer_is_told_and_records_the_answer(
    agent, policy, make_delay_case
):
    case = make_delay_case(delivered=date(2026, 10, 12))
    offer = case_compensation_offer(actor=agent, case=case, company_caused=True, note="仓库漏发")
    assert offer.amount == Decimal("259.94")  # ¥59.99 + 5 % (¥199.95)
    assert (offer.offered_by, offer.status, offer.company_caused) == (agent, "offered", True)
    sms = OutboundMessage.objects.filter(related=case.number, channel="sms").latest("id")
    assert "259.94" in sms.body and case.order.number in sms.body
    event = case.events.get(action="compensation")
    assert event.actor == agent and "259.94" in event.note and event.customer_visible
    # The panel now remembers the company's fault.
    assert compensation_quote(case).company_caused is True

    case_compensation_answer(actor=agent, case=case, answer="accepted", note="客户同意")
    offer.refresh_from_db()
    assert (offer.status, offer.answered_by, offer.answer_note) == ("accepted", agent, "客户同意")
    assert offer.answered_at is not None
    assert case.events.filter(action="compensation_accepted").exists()
    with pytest.raises(Conflict) as settled:
        case_compensation_offer(actor=agent, case=case, company_caused=True)
    assert settled.value.code == "compensation_settled"


def test_a_new_offer_replaces_the_waiting_one_and_answers_are_checked(
    agent, policy, make_delay_case
):
    case = make_delay_case(delivered=date(2026, 10, 12))
    first = case_compensation_offer(actor=agent, case=case, company_caused=False)
    second = case_compensation_offer(actor=agent, case=case, company_caused=True)
    first.refresh_from_db()
    assert first.status == "withdrawn" and second.status == "offered"
    with pytest.raises(InvalidInput) as no_refund:
        case_compensation_answer(actor=agent, case=case, answer="refund")
    assert "answer" in no_refund.value.fields  # 12 days: no refund offered
    with pytest.raises(InvalidInput) as no_reason:
        case_compensation_answer(actor=agent, case=case, answer="declined")
    assert "note" in no_reason.value.fields
    case_compensation_answer(actor=agent, case=case, answer="declined", note="嫌少，要求退款")
    assert DelayCompensation.objects.get(pk=second.pk).status == "declined"
    with pytest.raises(Conflict):
        case_compensation_answer(actor=agent, case=case, answer="accepted")


def test_a_long_delay_lets_the_customer_choose_a_refund(agent, policy, make_delay_case):
    case = make_delay_case(delivered=PROMISED + timedelta(days=20))
    offer = case_compensation_offer(actor=agent, case=case, company_caused=False)
    assert offer.refund_offered is True
    sms = OutboundMessage.objects.filter(related=case.number, channel="sms").latest("id")
    assert "15" in sms.body and str(offer.amount) in sms.body
    case_compensation_answer(actor=agent, case=case, answer="refund")
    assert DelayCompensation.objects.get(pk=offer.pk).status == "refund"
    assert case.events.filter(action="compensation_refund").exists()


def test_a_technician_does_not_promise_money(technician, policy, make_delay_case):
    case = make_delay_case(delivered=date(2026, 10, 12))
    with pytest.raises(PermissionDenied):
        case_compensation_offer(actor=technician, case=case, company_caused=False)


def test_the_case_page_shows_the_panel_and_offers_through_it(
    client, agent, policy, make_delay_case
):
    case = make_delay_case(delivered=date(2026, 10, 12))
    client.force_login(agent)
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert 'data-testid="case-compensation"' in page and "¥59.99" in page
    assert 'data-testid="step-compensation"' in page
    client.post(
        f"/service/cases/{case.number}/step/compensation/", {"company_caused": "1", "note": ""}
    )
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert 'data-testid="compensation-offer"' in page and "¥259.94" in page
    assert 'data-testid="step-compensation-answer"' in page
    client.post(f"/service/cases/{case.number}/step/compensation_answer/", {"answer": "accepted"})
    assert DelayCompensation.objects.get(case=case).status == "accepted"
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert 'data-testid="step-compensation' not in page  # settled: no more forms


def test_other_cases_have_no_panel(client, agent, policy, make_delay_case):
    case = make_delay_case(delivered=date(2026, 10, 12), kind="complaint")
    client.force_login(agent)
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert 'data-testid="case-compensation"' not in page


def test_the_api_gives_the_compensation_and_records_the_offer(
    api_as, agent, policy, make_delay_case
):
    case = make_delay_case(delivered=date(2026, 10, 12))
    client = api_as(agent)
    url = f"/api/v1/tickets/{case.number}/compensation/"
    body = client.get(url).json()
    assert body["days_late"] == 12 and body["working_days_late"] == 4
    assert body["amount"] == "59.99" and body["currency"] == "CNY"
    assert body["refund_offered"] is False and body["company_caused"] is False
    assert body["policy"]["name"] == "迟延交付补偿标准" and body["offer"] is None
    assert body["promised_date"] == "2026-09-30" and body["delivered_on"] == "2026-10-12"

    offered = client.post(url, {"company_caused": True, "note": "仓库漏发"}, format="json")
    assert offered.status_code == 201
    assert offered.json()["amount"] == "259.94" and offered.json()["company_caused"] is True
    assert offered.json()["offer"]["status"] == "offered"
    assert offered.json()["offer"]["offered_by"] == "孙丽"

    answered = client.post(f"{url}answer/", {"answer": "accepted"}, format="json")
    assert answered.status_code == 200 and answered.json()["offer"]["status"] == "accepted"
    again = client.post(url, {"company_caused": True}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "compensation_settled"


def test_the_api_answers_404_for_cases_without_a_delivery_delay(
    api_as, agent, technician, policy, make_delay_case
):
    complaint = make_delay_case(delivered=date(2026, 10, 12), kind="complaint")
    response = api_as(agent).get(f"/api/v1/tickets/{complaint.number}/compensation/")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": response.json()["message"],
        "fields": {},
    }
    no_order, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="delivery_delay",
            customer_name="李四",
            customer_phone="13700000001",
            description="说好昨天送货，没到",
        ),
    )
    assert api_as(agent).get(f"/api/v1/tickets/{no_order.number}/compensation/").status_code == 404
    case = make_delay_case(delivered=date(2026, 10, 12))
    refused = api_as(technician).post(
        f"/api/v1/tickets/{case.number}/compensation/", {"company_caused": False}, format="json"
    )
    assert refused.status_code == 403


def test_the_demo_company_has_a_delay_policy_and_skilled_technicians():
    from django.core.management import call_command

    from ..models import AgentProfile, RoutingRule

    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    policy = DelayCompensationPolicy.objects.get(active=True)
    assert policy.refund_after_days == 15 and policy.cap_percent == Decimal("10.00")
    assert RoutingRule.objects.get(kind="installation").skill.name == "安装"
    assert AgentProfile.objects.get(user__username="yangmin").skills.filter(name="安装").exists()


def test_the_customer_s_link_shows_the_offer_and_the_answer(client, agent, policy, make_delay_case):
    from ..services.tracking import tracking_token
    from ..timeline import COMPENSATION_TITLES

    case = make_delay_case(delivered=date(2026, 10, 12))
    case_compensation_offer(actor=agent, case=case, company_caused=False, note="内部备注")
    case_compensation_answer(actor=agent, case=case, answer="accepted")
    page = client.get("/service/track/", {"t": tracking_token(case)}).content.decode()
    assert str(COMPENSATION_TITLES["compensation"]) in page
    assert str(COMPENSATION_TITLES["compensation_accepted"]) in page
    assert "内部备注" not in page  # the agent's note stays inside
