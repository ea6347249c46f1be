"""三包 certificates (R4, R7, R10, WAR-10): issuing, who may, bad input, the PDF, the pages,
the API, and the public promises page (S2)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.catalog.models import SerialNumber
from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.testing import MARKUP_TEXTS, assert_pdf_prints_as_typed
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.sales.models import Order
from aftersales.warranty.models import RepairRecord, WarrantyCard
from aftersales.warranty.pdf import card_pdf, months_cn
from aftersales.warranty.permissions import CARD_ROLES, can_issue_card, can_view_warranty
from aftersales.warranty.presentation import NAMES
from aftersales.warranty.services import cards as services
from aftersales.warranty.services.policies import policy_for

pytestmark = pytest.mark.django_db

CATEGORY = "彩色电视机"  # R14: whole unit 1 year, main parts 3 years
INVOICE = date(2025, 3, 3)


@pytest.fixture
def tv():
    category = CategoryFactory(code="color-tv", name=CATEGORY)
    return ProductFactory(sku="TV-55", name="液晶彩色电视机", model="LC-55X", category=category)


@pytest.fixture
def serial(tv):
    return SerialNumber.objects.create(serial="SN-TV-0001", product=tv)


@pytest.fixture
def customer():
    return CustomerFactory(name="张三")


@pytest.fixture
def clerk(make_user):
    return make_user(Role.SALES, username="clerk", full_name="销售甲")


def issue(actor, product, customer, **kw):
    kw.setdefault("invoice_date", INVOICE)
    return services.card_issue(actor=actor, product=product, customer=customer, **kw)


def expected_terms():
    return policy_for(None).terms_for(CATEGORY)


def pdf_text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


# --- issuing ------------------------------------------------------------------------------------


def test_issue_numbers_the_card_and_freezes_the_terms(clerk, tv, serial, customer):
    card = issue(clerk, tv, customer, serial=serial)
    assert card.number.startswith("SB-")
    assert card.starts_on == INVOICE  # R2: from the invoice date
    assert card.issued_by == clerk and card.void is False
    terms = expected_terms()
    assert card.policy_key == card.terms["policy_key"] == policy_for(None).key
    assert {k: v for k, v in card.terms.items() if k != "policy_key"} == terms
    assert services.card_for_serial(serial) == card
    assert services.card_for_serial("SN-TV-0001") == card


def test_the_terms_do_not_follow_a_later_policy_change(clerk, tv, customer):
    card = issue(clerk, tv, customer)
    frozen = dict(card.terms)
    tv.category.name = "自行车"
    tv.category.save()
    card.refresh_from_db()
    assert card.terms == frozen


def test_periods_end_on_the_same_day_a_year_later_and_move_off_a_holiday(clerk, tv, customer):
    card = issue(clerk, tv, customer)
    periods = services.card_periods(card)
    assert periods.whole_unit_months == expected_terms()["whole_unit_months"] == 12
    assert periods.whole_unit_ends_on == date(2026, 3, 3)  # R3
    holiday = issue(clerk, tv, CustomerFactory(), invoice_date=date(2024, 10, 1))
    # 2025-10-01 is National Day; the last day moves to the first working day after it.
    assert services.card_periods(holiday).whole_unit_ends_on == date(2025, 10, 9)


def test_repair_days_lengthen_the_periods(clerk, tv, customer):
    card = issue(clerk, tv, customer, invoice_date=date(2024, 10, 1))
    services.card_repair_add(
        actor=clerk,
        card=card,
        sent_on=date(2024, 12, 1),
        returned_on=date(2024, 12, 10),
        fault="无图像",
        repairer="维修站甲",
    )
    periods = services.card_periods(card)
    # R2 with R38 (art. 201): returned − handed in, the hand-in day not counted: 9 days.
    # [Changed for issue 18: both ends counted before, 10 days and 2025-10-11.]
    assert periods.repair_days == 9
    assert periods.whole_unit_ends_on == date(2025, 10, 10)  # 2025-10-01 + 9, a Friday


def test_an_exchange_issues_a_new_card_that_restarts_the_period(clerk, tv, serial, customer):
    old = issue(clerk, tv, customer, serial=serial)
    new = issue(clerk, tv, customer, serial=serial, replaces=old)
    old.refresh_from_db()
    assert old.void is True
    assert new.replaces == old
    assert new.starts_on == timezone.localdate()  # R10: from the exchange date
    assert new.invoice_date == INVOICE
    assert services.card_for_serial(serial) == new
    with pytest.raises(Conflict):
        issue(clerk, tv, customer, serial=serial, replaces=old)
    with pytest.raises(Conflict):
        services.card_repair_add(actor=clerk, card=old, sent_on=INVOICE, fault="x", repairer="y")


def test_issue_by_reference_looks_everything_up(clerk, tv, serial, customer):
    order = Order.objects.create(
        number="SO-1",
        customer=customer,
        salesperson=clerk,
        delivery_date=INVOICE,
        delivery_place="上海",
    )
    card = services.card_issue_by_reference(
        actor=clerk,
        product_sku="TV-55",
        customer_id=customer.pk,
        invoice_date=INVOICE,
        serial_no="SN-TV-0001",
        order_no="SO-1",
    )
    assert (card.product, card.serial, card.order, card.customer) == (tv, serial, order, customer)
    with pytest.raises(InvalidInput) as bad:
        services.card_issue_by_reference(
            actor=clerk,
            product_sku="NOPE",
            customer_id=999999,
            invoice_date=None,
            serial_no="NOPE",
            order_no="NOPE",
            replaces_no="NOPE",
        )
    assert set(bad.value.fields) == {
        "product_sku",
        "customer",
        "invoice_date",
        "serial",
        "order",
        "replaces",
    }


# --- validation ---------------------------------------------------------------------------------


def test_invoice_date_in_the_future_is_refused(clerk, tv, customer):
    with pytest.raises(InvalidInput) as bad:
        issue(clerk, tv, customer, invoice_date=timezone.localdate() + timedelta(days=1))
    assert list(bad.value.fields) == ["invoice_date"]
    assert not WarrantyCard.objects.exists()


def test_period_cannot_start_before_the_invoice(clerk, tv, customer):
    with pytest.raises(InvalidInput) as bad:
        issue(clerk, tv, customer, starts_on=INVOICE - timedelta(days=1))
    assert list(bad.value.fields) == ["starts_on"]


def test_serial_of_another_product_or_order_of_another_customer(clerk, tv, customer):
    other_serial = SerialNumber.objects.create(serial="SN-OTHER", product=ProductFactory())
    order = Order.objects.create(
        number="SO-2",
        customer=CustomerFactory(),
        salesperson=clerk,
        delivery_date=INVOICE,
        delivery_place="上海",
    )
    with pytest.raises(InvalidInput) as bad:
        issue(clerk, tv, customer, serial=other_serial, order=order)
    assert set(bad.value.fields) == {"serial", "order"}


def test_a_serial_has_one_card_in_force(clerk, tv, serial, customer):
    first = issue(clerk, tv, customer, serial=serial)
    with pytest.raises(InvalidInput) as bad:
        issue(clerk, tv, customer, serial=serial)
    assert first.number in str(bad.value.fields["serial"][0])


def test_unknown_policy_is_named(clerk, tv, customer):
    with pytest.raises(InvalidInput) as bad:
        issue(clerk, tv, customer, policy_key="no-such-policy")
    assert list(bad.value.fields) == ["policy_key"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sent_on": date(2099, 1, 1)}, "sent_on"),
        ({"sent_on": INVOICE - timedelta(days=1)}, "sent_on"),
        ({"returned_on": date(2025, 3, 9)}, "returned_on"),
        ({"returned_on": date(2099, 1, 1)}, "returned_on"),
        ({"fault": "  "}, "fault"),
        ({"repairer": ""}, "repairer"),
        ({"part": "x" * 61}, "part"),
    ],
)
def test_repair_record_validation(clerk, tv, customer, change, field):
    card = issue(clerk, tv, customer)
    data = {"sent_on": date(2025, 3, 10), "fault": "无声音", "repairer": "维修站甲", **change}
    with pytest.raises(InvalidInput) as bad:
        services.card_repair_add(actor=clerk, card=card, **data)
    assert list(bad.value.fields) == [field]
    assert not RepairRecord.objects.exists()


# --- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_who_may_issue_a_card(make_user, role, tv, customer):
    user = make_user(role)
    allowed = role in CARD_ROLES and role != Role.DEALER
    assert can_issue_card(user) is (role in CARD_ROLES)
    assert services.can_issue_card_for(user, customer) is allowed
    assert can_view_warranty(user) is (role != Role.QUALITY_INSPECTION)
    if allowed:
        card = issue(user, tv, customer)
        assert services.card_repair_add(
            actor=user, card=card, sent_on=date(2025, 4, 1), fault="无图像", repairer="甲"
        )
    else:
        with pytest.raises(PermissionDenied):
            issue(user, tv, customer)


def test_a_dealer_issues_for_its_own_customers_only(make_user, clerk, tv):
    dealer, other = DealerFactory(), DealerFactory()
    mine, theirs = CustomerFactory(dealer=dealer), CustomerFactory(dealer=other)
    user = dealer_user(make_user, dealer)
    card = issue(user, tv, mine)
    assert services.can_issue_card_for(user, mine) and not services.can_issue_card_for(user, theirs)
    with pytest.raises(PermissionDenied):
        issue(user, tv, theirs)
    foreign = issue(clerk, tv, theirs)
    with pytest.raises(PermissionDenied):
        services.card_repair_add(
            actor=user, card=foreign, sent_on=date(2025, 4, 1), fault="x", repairer="y"
        )
    assert list(services.card_list_for_user(user)) == [card]
    # A dealer account not yet attached to a dealer sees and issues nothing.
    loose = make_user(Role.DEALER)
    assert not services.card_list_for_user(loose).exists()
    with pytest.raises(PermissionDenied):
        issue(loose, tv, mine)


# --- the PDF ------------------------------------------------------------------------------------


def test_pdf_shows_the_product_periods_and_repair_rows(clerk, tv, serial, customer):
    card = issue(clerk, tv, customer, serial=serial)
    services.card_repair_add(
        actor=clerk,
        card=card,
        sent_on=date(2025, 5, 6),
        returned_on=date(2025, 5, 9),
        fault="开机无图像",
        part="高频头",
        work_done="更换高频头",
        repairer="维修站甲",
    )
    services.card_repair_add(
        actor=clerk, card=card, sent_on=date(2025, 7, 1), fault="伴音时有时无", repairer="维修站乙"
    )
    text = pdf_text(card_pdf(card, company="示例电器有限公司"))
    terms = expected_terms()
    assert "三包凭证" in text.replace(" ", "") and "示例电器有限公司" in text
    for expected in (card.number, "液晶彩色电视机", "LC-55X", "SN-TV-0001", "张三"):
        assert expected in text
    assert "2025-03-03" in text  # invoice date and period start
    assert months_cn(terms["whole_unit_months"]) == "1年"
    assert "整机" in text and "1年" in text
    periods = services.card_periods(card)
    assert periods.whole_unit_ends_on.isoformat() in text
    for part in terms["main_parts"]:
        assert part["name"] in text
    assert "3年" in text  # the main parts (R14)
    for header in ("送修日期", "修复日期", "故障", "部件", "处理", "维修者"):
        assert header in text
    for cell in ("2025-05-06", "2025-05-09", "开机无图像", "更换高频头", "维修站甲", "维修站乙"):
        assert cell in text
    assert "维修中" in text  # the second repair is still open
    for promise in terms.get("exemptions", [])[:1] + terms.get("promises", [])[:1]:
        assert promise[:8] in text.replace("\n", "")


def test_pdf_of_a_replacement_names_the_old_card(clerk, tv, serial, customer):
    old = issue(clerk, tv, customer, serial=serial)
    new = issue(clerk, tv, customer, serial=serial, replaces=old)
    text = pdf_text(card_pdf(new, company="示例"))
    assert f"本凭证替换三包凭证 {old.number}" in text
    assert "重新计算" in text
    old.refresh_from_db()
    assert "已因换货作废" in pdf_text(card_pdf(old, company="示例"))


def test_pdf_prints_markup_like_text_as_typed_without_images_or_links(clerk, tv, customer):
    image, link, less, amp = MARKUP_TEXTS
    customer.name = less
    customer.save()
    tv.name = image
    tv.save()
    card = issue(clerk, tv, customer)
    services.card_repair_add(
        actor=clerk, card=card, sent_on=date(2025, 5, 6), fault=link, repairer=amp
    )
    assert_pdf_prints_as_typed(card_pdf(card, company=amp), *MARKUP_TEXTS)


# --- pages --------------------------------------------------------------------------------------


def test_public_promises_page_for_an_anonymous_visitor(client, tv):
    client.cookies["aftersales_language"] = "en"
    response = client.get(reverse("warranty:promises", args=["TV-55"]))
    assert response.status_code == 200
    html = response.content.decode()
    terms = expected_terms()
    assert "液晶彩色电视机" in html
    assert "Whole unit: 1 year." in html
    for part in terms["main_parts"]:  # the shipped names in English (picture tube …)
        assert f"{NAMES.get(part['name'], part['name'])}: 3 years" in html
    for text in terms.get("exemptions", []) + terms.get("promises", []):
        assert text in html  # in English, with the Chinese original beside it
    if terms.get("return_days"):
        assert f"within {terms['return_days']} days" in html
    assert client.get(reverse("warranty:promises", args=["NOPE"])).status_code == 404


def test_promises_page_in_chinese_by_default(client, tv):
    html = client.get(reverse("warranty:promises", args=["TV-55"])).content.decode()
    assert '<html lang="zh-hans">' in html and "液晶彩色电视机" in html


def test_list_page_searches_and_pins_its_queries(client, clerk, tv, django_assert_max_num_queries):
    for i in range(30):
        product = ProductFactory(category=tv.category)
        s = SerialNumber.objects.create(serial=f"SN-L-{i:03d}", product=product)
        issue(clerk, product, CustomerFactory(name=f"李{i:02d}"), serial=s)
    client.force_login(clerk)
    # session, user, roles, dealer membership, notifications badge, count, one page of rows
    with django_assert_max_num_queries(7):
        response = client.get(reverse("warranty:card-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="card-row"') == 25  # one page
    newest = WarrantyCard.objects.order_by("-created_at", "-id").first()
    assert newest.number in html and "SN-L-029" in html and "SN-L-000" not in html  # newest first
    assert (
        "SN-L-007" in client.get(reverse("warranty:card-list"), {"q": "SN-L-007"}).content.decode()
    )
    found = client.get(reverse("warranty:card-list"), {"q": "李12"}).content.decode()
    assert "李12" in found and "李13" not in found
    by_number = client.get(reverse("warranty:card-list"), {"q": newest.number}).content.decode()
    assert by_number.count('data-testid="card-row"') == 1


def test_new_card_page_issues_and_detail_adds_a_repair(client, clerk, tv, serial, customer):
    client.force_login(clerk)
    assert client.get(reverse("warranty:card-new"), {"customer_q": "张三"}).status_code == 200
    response = client.post(
        reverse("warranty:card-new"),
        {
            "product_sku": "TV-55",
            "customer": customer.pk,
            "serial": "SN-TV-0001",
            "invoice_date": "2025-03-03",
        },
    )
    card = WarrantyCard.objects.get()
    assert response.status_code == 302 and response["Location"] == card.get_absolute_url()
    detail = reverse("warranty:card-detail", args=[card.number])
    response = client.post(
        detail,
        {"sent_on": "2025-04-01", "returned_on": "2025-04-03", "fault": "无图像", "repairer": "甲"},
    )
    assert response.status_code == 302
    html = client.get(detail).content.decode()
    assert "无图像" in html and "SN-TV-0001" in html
    bad = client.post(
        detail,
        {"sent_on": "2025-04-05", "returned_on": "2025-04-01", "fault": "x", "repairer": "y"},
    )
    assert bad.status_code == 200 and RepairRecord.objects.count() == 1
    pdf = client.get(reverse("warranty:card-pdf", args=[card.number]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_new_card_page_shows_the_field_error(client, clerk, tv, customer):
    client.force_login(clerk)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        reverse("warranty:card-new"),
        {"product_sku": "TV-55", "customer": customer.pk, "invoice_date": future},
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not WarrantyCard.objects.exists()


def test_pages_hide_other_dealers_cards(client, make_user, clerk, tv):
    dealer = DealerFactory()
    card = issue(clerk, tv, CustomerFactory(dealer=DealerFactory()))
    client.force_login(dealer_user(make_user, dealer))
    assert client.get(reverse("warranty:card-detail", args=[card.number])).status_code == 404
    assert client.get(reverse("warranty:card-pdf", args=[card.number])).status_code == 404
    client.force_login(make_user(Role.QUALITY_INSPECTION))
    assert client.get(reverse("warranty:card-list")).status_code == 404


# --- API ----------------------------------------------------------------------------------------


def test_api_issue_read_repair_and_print(api_as, clerk, tv, serial, customer):
    api = api_as(clerk)
    response = api.post(
        "/api/v1/warranty/cards/",
        {
            "product_sku": "TV-55",
            "customer": customer.pk,
            "serial": "SN-TV-0001",
            "invoice_date": "2025-03-03",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    number = body["number"]
    assert body["product"]["name"] == "液晶彩色电视机" and body["serial"] == "SN-TV-0001"
    assert body["periods"]["whole_unit_ends_on"] == "2026-03-03"
    assert body["terms"]["whole_unit_months"] == 12
    repair = api.post(
        f"/api/v1/warranty/cards/{number}/repairs/",
        {"sent_on": "2025-04-01", "returned_on": "2025-04-02", "fault": "无图像", "repairer": "甲"},
        format="json",
    )
    assert repair.status_code == 201
    assert repair.json()["repairs"][0]["fault"] == "无图像"
    assert repair.json()["periods"]["repair_days"] == 1  # 04-02 − 04-01 (R2, R38)
    listed = api.get("/api/v1/warranty/cards/", {"q": "SN-TV"}).json()
    assert listed["count"] == 1 and listed["results"][0]["number"] == number
    assert api.get(f"/api/v1/warranty/cards/{number}/").json()["repairs"][0]["repairer"] == "甲"
    pdf = api.get(f"/api/v1/warranty/cards/{number}/pdf/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_api_errors(api_as, make_user, clerk, tv, customer):
    api = api_as(clerk)
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    bad = api.post(
        "/api/v1/warranty/cards/",
        {"product_sku": "TV-55", "customer": customer.pk, "invoice_date": future},
        format="json",
    )
    assert bad.status_code == 400 and list(bad.json()["fields"]) == ["invoice_date"]
    shape = api.post("/api/v1/warranty/cards/", {}, format="json")
    assert shape.status_code == 400
    assert {"product_sku", "customer", "invoice_date"} <= set(shape.json()["fields"])
    # Another dealer's customer reads as unknown, its card as missing.
    dealer = DealerFactory()
    card = issue(clerk, tv, customer)
    dealer_api = api_as(dealer_user(make_user, dealer))
    foreign = dealer_api.post(
        "/api/v1/warranty/cards/",
        {"product_sku": "TV-55", "customer": customer.pk, "invoice_date": "2025-03-03"},
        format="json",
    )
    assert foreign.status_code == 400 and list(foreign.json()["fields"]) == ["customer"]
    assert dealer_api.get(f"/api/v1/warranty/cards/{card.number}/").status_code == 404
    inspector = api_as(make_user(Role.QUALITY_INSPECTION))
    assert inspector.get("/api/v1/warranty/cards/").status_code == 403
    vp = api_as(make_user(Role.SALES_VP))
    denied = vp.post(
        "/api/v1/warranty/cards/",
        {"product_sku": "TV-55", "customer": customer.pk, "invoice_date": "2025-03-03"},
        format="json",
    )
    assert denied.status_code == 403


def test_api_list_pins_its_queries(api_as, clerk, tv, django_assert_max_num_queries):
    for _ in range(15):
        issue(clerk, tv, CustomerFactory())
    with django_assert_max_num_queries(5):
        response = api_as(clerk).get("/api/v1/warranty/cards/")
    assert response.json()["count"] == 15
