"""SEC-1, probe finding 4: a case's phone number is shown in full only to the roles whose work
is calling customers, in the API, on the case page and in the registers; a masked role that
finds a case by the full number has revealed it, and the reveal is recorded."""

import io

import pytest
from openpyxl import load_workbook

from aftersales.accounts.roles import Role
from aftersales.customers.models import PhoneReveal
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user

from ..services.intake import IntakeInput, case_intake

pytestmark = pytest.mark.django_db

FULL = "13912345678"
MASKED = "139****5678"
# Customer service, after-sales service, sales, logistics, dealers (their own customers) and
# administrators call customers; quality, quality inspection and the vice-president do not.
FULL_ROLES = {
    Role.ADMIN,
    Role.CUSTOMER_SERVICE,
    Role.SERVICE,
    Role.SALES,
    Role.LOGISTICS,
    Role.DEALER,
}
ALL_ROLES = list(Role)


@pytest.fixture
def dealer():
    return DealerFactory(code="sh", name="上海经销店")


@pytest.fixture
def case(agent, dealer):
    customer = CustomerFactory(name="王小明", mobile=FULL, dealer=dealer)
    case, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="complaint",
            customer_name="王小明",
            customer_phone=FULL,
            description="电视屏幕有横线",
        ),
    )
    assert case.customer == customer and case.dealer == dealer
    return case


@pytest.fixture
def reader(make_user, dealer):
    def make(role: Role):
        if role == Role.DEALER:
            return dealer_user(make_user, dealer)
        return make_user(role)

    return make


def expected(role: Role) -> str:
    return FULL if role in FULL_ROLES else MASKED


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
def test_the_tickets_api_shows_the_phone_as_the_role_may_see_it(role, case, reader, api_as):
    api = api_as(reader(role))
    listed = api.get("/api/v1/tickets/").json()["results"]
    assert [c["number"] for c in listed] == [case.number]
    assert listed[0]["customer"]["phone"] == expected(role)
    detail = api.get(f"/api/v1/tickets/{case.number}/").json()
    assert detail["customer"]["phone"] == expected(role)
    assert not PhoneReveal.objects.exists()


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
def test_the_case_page_shows_the_phone_as_the_role_may_see_it(role, case, reader, client):
    client.force_login(reader(role))
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert expected(role) in page
    if role not in FULL_ROLES:
        assert FULL not in page
    assert not PhoneReveal.objects.exists()


@pytest.mark.parametrize("role", ALL_ROLES, ids=str)
def test_the_complaint_register_export_masks_as_the_page_does(role, case, reader, client):
    client.force_login(reader(role))
    response = client.get("/service/register/complaints/", {"format": "xlsx"})
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[1][0] == case.number and rows[1][3] == expected(role)


def test_the_contact_phone_changes_on_the_case_timeline_are_masked_too(case, make_user, client):
    case.contact_phone = "13800001111"
    case.save()  # a new history record: the change shows on the case's timeline
    client.force_login(make_user(Role.QUALITY))
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert "138****1111" in page and "13800001111" not in page and FULL not in page
    client.force_login(make_user(Role.SERVICE))
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert "13800001111" in page


@pytest.mark.parametrize("role", [Role.QUALITY, Role.QUALITY_INSPECTION, Role.SALES_VP], ids=str)
def test_a_masked_role_finding_a_case_by_the_full_number_is_a_recorded_reveal(
    role, case, reader, api_as, client
):
    user = reader(role)
    api = api_as(user)
    # The last four digits are shown anyway: no reveal.
    api.get("/api/v1/tickets/", {"q": "5678"})
    assert not PhoneReveal.objects.exists()
    found = api.get("/api/v1/tickets/", {"q": FULL}).json()["results"]
    assert [c["number"] for c in found] == [case.number]
    assert found[0]["customer"]["phone"] == MASKED  # the list itself stays masked
    reveal = PhoneReveal.objects.get()
    assert (reveal.user, reveal.customer, reveal.field) == (user, case.customer, "search")
    # The page's search is the same search: recorded again.
    client.force_login(user)
    assert case.number in client.get("/service/", {"q": "139-1234-5678"}).content.decode()
    assert PhoneReveal.objects.filter(user=user, field="search").count() == 2
    # A number nobody has confirms nothing and records nothing.
    assert api.get("/api/v1/tickets/", {"q": "13900000000"}).json()["count"] == 0
    assert PhoneReveal.objects.count() == 2


def test_a_partial_number_found_by_a_masked_role_is_recorded_too(case, make_user, api_as):
    """SQLite's search matches word prefixes: the first digits beyond the mask's three name
    hidden digits. Found that way, it is a reveal; PostgreSQL matches whole words only."""
    quality = make_user(Role.QUALITY)
    found = api_as(quality).get("/api/v1/tickets/", {"q": "1391234"}).json()["count"]
    assert PhoneReveal.objects.filter(user=quality, field="search").count() == found


@pytest.mark.parametrize("role", sorted(FULL_ROLES, key=str), ids=str)
def test_roles_that_call_customers_search_by_phone_without_a_reveal(role, case, reader, api_as):
    found = api_as(reader(role)).get("/api/v1/tickets/", {"q": FULL}).json()["results"]
    assert [c["number"] for c in found] == [case.number]
    assert not PhoneReveal.objects.exists()
