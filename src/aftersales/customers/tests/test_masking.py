"""SEC-1, probe finding 4: one rule for every output of a customer's phone (customers.masking),
and a masked role's full-number search is a recorded reveal."""

import pytest
from django.template import Context, Template

from aftersales.accounts.roles import Role
from aftersales.customers import services
from aftersales.customers.masking import (
    hidden_digit_runs,
    phone_display,
    phone_for,
    phones_in_text_for,
    sees_full_phones,
)
from aftersales.customers.models import PhoneReveal
from aftersales.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

FULL = "13912345678"
MASKED = "139****5678"
FULL_ROLES = {
    Role.ADMIN,
    Role.CUSTOMER_SERVICE,
    Role.SERVICE,
    Role.SALES,
    Role.LOGISTICS,
    Role.DEALER,
}


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_one_rule_for_every_output(role, make_user):
    user = make_user(role)
    full = role in FULL_ROLES
    assert sees_full_phones(user) is full
    assert phone_for(user, FULL) == (FULL if full else MASKED)
    assert phone_display(user)(FULL) == (FULL if full else MASKED)
    assert phone_for(user, "021-62345678") == ("021-62345678" if full else "021*****5678")
    rendered = Template("{% load customer_tags %}{{ n|phone_for:user }}").render(
        Context({"n": FULL, "user": user})
    )
    assert rendered == (FULL if full else MASKED)
    said = phones_in_text_for(user, "王先生 139 1234 5678 打来")
    assert ("139 1234 5678" in said) is full and ("139****5678" in said) is not full


def test_nobody_signed_in_sees_a_number_masked_and_blanks_stay_blank():
    assert phone_for(None, FULL) == MASKED
    assert phone_for(None, "") == "" and phone_for(None, None) == ""


def test_the_digits_a_mask_hides():
    assert hidden_digit_runs(FULL) == {FULL}
    assert hidden_digit_runs("139-1234-5678") == {FULL}
    assert hidden_digit_runs("139 1234 5678") == {FULL}
    assert hidden_digit_runs("021-62345678") == {"62345678"}
    assert hidden_digit_runs("5678") == set() and hidden_digit_runs("王小明") == set()


@pytest.mark.parametrize("role", [Role.QUALITY, Role.QUALITY_INSPECTION, Role.SALES_VP], ids=str)
def test_a_reveal_creates_the_audit_row(role, make_user, api_as):
    customer = CustomerFactory(mobile=FULL)
    user = make_user(role)
    body = api_as(user).get(f"/api/v1/customers/{customer.pk}/").json()
    assert body["mobile"] == MASKED and not PhoneReveal.objects.exists()
    revealed = api_as(user).post(
        f"/api/v1/customers/{customer.pk}/reveal-phone/", {"field": "mobile"}, format="json"
    )
    assert revealed.json()["value"] == FULL
    reveal = PhoneReveal.objects.get()
    assert (reveal.user, reveal.customer, reveal.field) == (user, customer, "mobile")


@pytest.mark.parametrize("role", [Role.QUALITY, Role.QUALITY_INSPECTION, Role.SALES_VP], ids=str)
def test_a_masked_role_finding_a_customer_by_the_full_number_is_a_recorded_reveal(
    role, make_user, api_as, client
):
    customer = CustomerFactory(name="王小明", mobile=FULL)
    CustomerFactory(name="李四", mobile="13800000002")
    user = make_user(role)
    api = api_as(user)
    # The last four digits are shown anyway: found, nothing recorded.
    assert api.get("/api/v1/customers/", {"q": "5678"}).json()["count"] == 1
    assert not PhoneReveal.objects.exists()
    found = api.get("/api/v1/customers/", {"q": FULL}).json()["results"]
    assert [(c["id"], c["mobile"]) for c in found] == [(customer.pk, MASKED)]
    reveal = PhoneReveal.objects.get()
    assert (reveal.user, reveal.customer, reveal.field) == (user, customer, "search")
    # The page's live search and the export go through the same selector.
    client.force_login(user)
    page = client.get("/customers/", {"q": "139 1234 5678"}).content.decode()
    assert "王小明" in page and MASKED in page and FULL not in page
    assert PhoneReveal.objects.filter(user=user, customer=customer, field="search").count() == 2
    # A number nobody has confirms nothing: nothing to record.
    assert api.get("/api/v1/customers/", {"q": "13900000000"}).json()["count"] == 0
    assert PhoneReveal.objects.count() == 2


@pytest.mark.parametrize("role", sorted(FULL_ROLES - {Role.DEALER}, key=str), ids=str)
def test_roles_that_call_customers_search_without_a_reveal(role, make_user, api_as):
    CustomerFactory(name="王小明", mobile=FULL)
    assert api_as(make_user(role)).get("/api/v1/customers/", {"q": FULL}).json()["count"] == 1
    assert api_as(make_user(role)).get("/api/v1/customers/", {"q": "1391"}).json()["count"] == 1
    assert not PhoneReveal.objects.exists()


def test_the_service_records_one_row_per_customer_found(make_user):
    from aftersales.customers.models import Customer

    a, b = CustomerFactory(mobile=FULL), CustomerFactory(mobile="13800000002")
    quality = make_user(Role.QUALITY)
    count = services.customer_phone_search_record(
        actor=quality,
        query=FULL,
        found=Customer.objects.all(),
        phone_fields=["mobile"],
        customer_field="pk",
    )
    assert count == 1
    assert list(PhoneReveal.objects.values_list("customer", "field")) == [(a.pk, "search")]
    assert b.reveals.count() == 0
    cs = make_user(Role.CUSTOMER_SERVICE)
    assert (
        services.customer_phone_search_record(
            actor=cs, query=FULL, found=Customer.objects.all(), phone_fields=["mobile"]
        )
        == 0
    )


def test_the_customer_page_history_masks_a_changed_number(make_user, client):
    cs = make_user(Role.CUSTOMER_SERVICE)
    customer = CustomerFactory(name="王小明", mobile="13800001111")
    services.customer_update(actor=cs, customer=customer, data={"mobile": FULL})
    client.force_login(make_user(Role.QUALITY))
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "138****1111" in page and MASKED in page
    assert "13800001111" not in page and FULL not in page
    assert "11110000831" not in page and FULL[::-1] not in page  # nor the reversed copy
    client.force_login(cs)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "13800001111" in page and FULL in page
