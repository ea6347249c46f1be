"""Contract and catalogue periods on the 三包 certificate and in the engine's answer
(WAR-1, S5, issue 18 B1): the company may give more than the law, never less."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.catalog.models import SerialNumber, WarrantyPolicy
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.sales.models import Order
from aftersales.warranty.engine import evaluate
from aftersales.warranty.engine.periods import add_months
from aftersales.warranty.services import cards as services
from aftersales.warranty.services.evaluation import evaluate_facts, facts_from_case

pytestmark = pytest.mark.django_db

# A fixed today: the periods counted from it must not move with the real date.
TODAY = datetime(2026, 12, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def months_ago(n: int) -> date:
    return add_months(timezone.localdate(), -n)


@pytest.fixture
def clerk(make_user):
    from aftersales.accounts.roles import Role

    return make_user(Role.SALES, username="clerk", full_name="销售甲")


@pytest.fixture
def customer():
    return CustomerFactory(name="张三")


def order_of(clerk, customer, months, number="SO-20261207-0001"):
    return Order.objects.create(
        number=number,
        customer=customer,
        salesperson=clerk,
        delivery_date=months_ago(18),
        delivery_place="上海",
        warranty_months=months,
    )


def card_for(clerk, tv, customer, order, invoice):
    serial = SerialNumber.objects.create(serial=f"SN-{order.number}", product=tv)
    return services.card_issue(
        actor=clerk, product=tv, customer=customer, invoice_date=invoice, serial=serial,
        order=order,
    )  # fmt: skip


def page(client, user, card) -> str:
    client.force_login(user)
    response = client.get(reverse("warranty:card-detail", args=[card.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_24_month_contract_makes_the_certificate_say_24_months_from_the_contract(
    client, clerk, tv, customer
):
    """WAR-1, S5, issue 18 B1: the order's 24 months beat the statutory year of a TV."""
    card = card_for(clerk, tv, customer, order_of(clerk, customer, 24), months_ago(18))
    assert card.terms["whole_unit_months"] == 24
    assert card.terms["whole_unit_source"] == "contract"
    assert card.terms["whole_unit_sources"] == {"law": 12, "catalogue": None, "contract": 24}
    assert card.terms["contract_number"] == "SO-20261207-0001"
    html = page(client, clerk, card)
    assert 'data-testid="whole-unit-months">24<' in html
    assert "合同 SO-20261207-0001" in html and "法定" in html
    contract_row = html.split('data-testid="period-source-contract"')[1].split("</tr>")[0]
    assert "适用" in contract_row
    assert "适用" not in html.split('data-testid="period-source-law"')[1].split("</tr>")[0]
    assert "合同 SO-20261207-0001 约定质保 24 个月，整机质保期内质量问题免费修理" in html
    periods = services.card_periods(card)
    assert periods.whole_unit_ends_on >= add_months(months_ago(18), 24)


def test_a_claim_in_month_18_gets_the_company_free_repair_citing_the_contract(
    clerk, tv, customer, tv_case
):
    """WAR-1, S5, issue 18 B1: after the statutory year, within the contract's 24 months, a
    free repair as the company's promise, until the end of the contract period."""
    bought = months_ago(18)
    order = order_of(clerk, customer, 24)
    card = card_for(clerk, tv, customer, order, bought)
    tv_case.serial, tv_case.order, tv_case.purchase_date = card.serial, order, bought
    tv_case.customer = customer
    tv_case.save()
    answer = evaluate_facts(facts_from_case(tv_case))
    repair = next(o for o in answer["options"] if o["remedy"] == "free_repair")
    assert repair["source"] == "company"
    assert repair["basis"] == "公司承诺：合同 SO-20261207-0001 约定质保 24 个月"
    assert repair["deadline"] == services.card_periods(card).whole_unit_ends_on.isoformat()
    assert answer["warranty_end"] == repair["deadline"]
    assert "paid_repair" not in {o["remedy"] for o in answer["options"]}
    assert answer["fees"]["parts"] == answer["fees"]["labour"] == "business"


def test_inside_the_statutory_year_the_law_answers_unchanged():
    """WAR-1, S5, issue 18 B1: the law's answer inside its period stands as it is."""
    facts = {
        "category": "彩色电视机", "channel": "offline", "problem": "quality",
        "purchase_date": "2025-03-03", "report_date": "2025-09-01",
    }  # fmt: skip
    plain = evaluate(facts)
    agreed = evaluate(
        {**facts, "agreed_warranty": {"months": 24, "basis": "合同 SO-1 约定质保 24 个月"}}
    )
    assert agreed["options"] == plain["options"]
    assert agreed["warranty_end"] == plain["warranty_end"]
    assert any(n.startswith("公司承诺：合同 SO-1") for n in agreed["notes"])
    late = evaluate({**facts, "report_date": "2026-09-01", "agreed_warranty": {
        "months": 24, "basis": "合同 SO-1 约定质保 24 个月"}})  # fmt: skip
    assert [(o["remedy"], o["source"], o["deadline"]) for o in late["options"]] == [
        ("free_repair", "company", "2027-03-03")
    ]
    beyond = evaluate({**facts, "report_date": "2027-03-10", "agreed_warranty": {
        "months": 24, "basis": "合同 SO-1 约定质保 24 个月"}})  # fmt: skip
    assert [o["remedy"] for o in beyond["options"]] == ["paid_repair"]


def test_a_6_month_contract_still_gets_the_statutory_year(client, clerk, tv, customer, tv_case):
    """WAR-1, S5, issue 18 B1: a shorter contract never shortens the law's period."""
    bought = months_ago(9)
    order = order_of(clerk, customer, 6)
    card = card_for(clerk, tv, customer, order, bought)
    assert card.terms["whole_unit_months"] == 12
    assert card.terms["whole_unit_source"] == "law"
    html = page(client, clerk, card)
    assert "适用" in html.split('data-testid="period-source-law"')[1].split("</tr>")[0]
    tv_case.serial, tv_case.order, tv_case.purchase_date = card.serial, order, bought
    tv_case.customer = customer
    tv_case.save()
    facts = facts_from_case(tv_case)
    assert "agreed_warranty" not in facts
    repair = next(o for o in evaluate_facts(facts)["options"] if o["remedy"] == "free_repair")
    assert repair["source"] == "law"


def test_the_catalogue_period_applies_without_a_contract(client, clerk, customer):
    """WAR-1, S5, issue 18 B1: the catalogue's own 36 months for a category, no contract."""
    policy = WarrantyPolicy.objects.create(name="电视三年保", warranty_months=36)
    category = CategoryFactory(
        code="tv-3y", name="电视", sanbao_category="彩色电视机", warranty_policy=policy
    )
    tv = ProductFactory(sku="TV-3Y", name="电视", category=category)
    card = services.card_issue(
        actor=clerk, product=tv, customer=customer, invoice_date=months_ago(20)
    )
    assert (card.terms["whole_unit_months"], card.terms["whole_unit_source"]) == (36, "catalogue")
    assert services.agreed_warranty(card.terms) == {
        "months": 36,
        "basis": "产品目录约定质保 36 个月",
    }
    html = page(client, clerk, card)
    catalogue_row = html.split('data-testid="period-source-catalogue"')[1].split("</tr>")[0]
    assert "产品目录" in catalogue_row and "适用" in catalogue_row
    assert 'data-testid="period-source-contract"' not in html


def test_a_card_without_an_order_or_catalogue_period_keeps_the_policy_terms(clerk, tv, customer):
    """WAR-1, S5, issue 18 B1: nothing agreed, nothing added."""
    card = services.card_issue(
        actor=clerk, product=tv, customer=customer, invoice_date=months_ago(1)
    )
    assert "whole_unit_source" not in card.terms
    assert services.card_periods(card).whole_unit_sources == []


def test_the_pdf_names_where_each_period_comes_from(clerk, tv, customer):
    """WAR-1, S5, issue 18 B1: 法定 / 产品目录 / 合同 SO-… on the printed certificate."""
    from aftersales.warranty.pdf import card_pdf
    from aftersales.warranty.tests.test_cards import pdf_text

    card = card_for(clerk, tv, customer, order_of(clerk, customer, 24), months_ago(18))
    text = "".join(pdf_text(card_pdf(card)).split())
    assert "整机有效期来源：法定1年；合同SO-20261207-0001" in text
    assert "2年（适用）" in text
