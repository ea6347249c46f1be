"""Customers: duplicates, scoping by dealer, masking and reveal, merge (issue 4, SEC-1)."""

import io

import pytest
from openpyxl import load_workbook

from aftersales.accounts.roles import Role
from aftersales.catalog.models import SerialNumber
from aftersales.core.errors import InvalidInput
from aftersales.core.models import ExportRecord
from aftersales.core.testing import FORMULA_NAME
from aftersales.customers import services
from aftersales.customers.models import Customer, PhoneReveal
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cs(make_user):
    return make_user(Role.CUSTOMER_SERVICE, username="cs")


@pytest.fixture
def dealers():
    return DealerFactory(code="sh", name="上海店"), DealerFactory(code="hz", name="杭州店")


def test_create_normalises_and_flags_duplicates(cs):
    first, dupes = services.customer_create(
        actor=cs, data={"name": "王小明", "mobile": "+86 138-1234-5678"}
    )
    assert first.mobile == "13812345678" and first.mobile_reversed == "87654321831"
    assert dupes == []
    _second, dupes = services.customer_create(
        actor=cs, data={"name": "王太太", "mobile": "13812345678"}
    )
    assert dupes == [first]


def test_invalid_input_names_each_field_and_saves_nothing(cs):
    with pytest.raises(InvalidInput) as err:
        services.customer_create(
            actor=cs,
            data={
                "name": "某公司",
                "kind": "organisation",
                "mobile": "12345",
                "credit_code": "ABC",
            },
        )
    assert set(err.value.fields) == {"mobile", "credit_code"}
    assert not Customer.objects.exists()


def test_a_customer_must_be_reachable(cs):
    with pytest.raises(InvalidInput) as err:
        services.customer_create(actor=cs, data={"name": "无电话"})
    assert list(err.value.fields) == ["mobile"]


def test_dealer_users_see_and_keep_only_their_own_customers(make_user, dealers, api_as, client):
    sh, hz = dealers
    ours = CustomerFactory(name="徐汇客户", dealer=sh)
    theirs = CustomerFactory(name="西湖客户", dealer=hz)
    user = dealer_user(make_user, sh, username="sh-user")
    # API
    api = api_as(user)
    names = [c["name"] for c in api.get("/api/v1/customers/").json()["results"]]
    assert names == ["徐汇客户"]
    assert api.get(f"/api/v1/customers/{theirs.pk}/").status_code == 404
    refused = api.post(
        "/api/v1/customers/",
        {"name": "新客户", "mobile": "13911112222", "dealer": "hz"},
        format="json",
    )
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["dealer"]
    created = api.post(
        "/api/v1/customers/", {"name": "新客户", "mobile": "13911112222"}, format="json"
    ).json()
    assert created["dealer"]["code"] == "sh"  # a dealer's new customer is its own
    # pages
    client.force_login(user)
    html = client.get("/customers/").content.decode()
    assert "徐汇客户" in html and "西湖客户" not in html
    assert client.get(f"/customers/{theirs.pk}/").status_code == 404
    assert client.get(f"/customers/{ours.pk}/").status_code == 200
    # export
    response = client.get("/customers/export/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(exported) == ["徐汇客户", "新客户"]
    assert ExportRecord.objects.get(user=user).rows == 2


def test_phones_are_masked_for_roles_without_need_and_reveals_are_recorded(
    make_user, api_as, client
):
    customer = CustomerFactory(mobile="13812345678")
    quality = make_user(Role.QUALITY, username="quality")
    body = api_as(quality).get(f"/api/v1/customers/{customer.pk}/").json()
    assert body["mobile"] == "138****5678" and body["phones_masked"] is True
    revealed = (
        api_as(quality)
        .post(f"/api/v1/customers/{customer.pk}/reveal-phone/", {"field": "mobile"}, format="json")
        .json()
    )
    assert revealed == {"field": "mobile", "value": "13812345678"}
    reveal = PhoneReveal.objects.get()
    assert (reveal.user, reveal.customer, reveal.field) == (quality, customer, "mobile")
    # The page: masked with a Show button, which reveals through htmx and is recorded.
    client.force_login(quality)
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    shown = client.post(f"/customers/{customer.pk}/reveal/", {"field": "mobile"})
    assert "13812345678" in shown.content.decode()
    assert PhoneReveal.objects.count() == 2
    # Customer service calls customers all day: full numbers, nothing recorded.
    cs = make_user(Role.CUSTOMER_SERVICE)
    assert api_as(cs).get(f"/api/v1/customers/{customer.pk}/").json()["mobile"] == "13812345678"


def test_masked_export_for_roles_without_need(make_user, client):
    CustomerFactory(name="甲", mobile="13812345678")
    vp = make_user(Role.SALES_VP)
    client.force_login(vp)
    assert client.get("/customers/export/").status_code == 404  # no export right
    sales = make_user(Role.SALES)
    client.force_login(sales)
    response = client.get("/customers/export/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert next(iter(sheet.iter_rows(min_row=2, values_only=True)))[2] == "13812345678"


def test_the_export_writes_a_formula_like_name_as_text(client, cs):
    CustomerFactory(name=FORMULA_NAME, mobile="13812345678", street="-1 号", notes="@所有人")
    client.force_login(cs)
    response = client.get("/customers/export/")
    row = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active[2]
    cells = {c.value: c for c in row if c.value in (FORMULA_NAME, "-1 号", "@所有人")}
    assert len(cells) == 3, [c.value for c in row]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells.values())


def test_merge_moves_records_and_keeps_the_history(cs):
    from aftersales.catalog.tests.factories import ProductFactory

    keep = CustomerFactory(name="王小明", mobile="13812345678")
    dup = CustomerFactory(name="王小明", mobile="13912345678", email="wang@example.cn")
    product = ProductFactory(serial_tracked=True)
    SerialNumber.objects.create(serial="SN1", product=product, owner=dup)
    services.customer_file_add(actor=cs, customer=dup, kind="need", content="周末上门")
    services.customer_merge(actor=cs, source=dup, target=keep)
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert SerialNumber.objects.get(serial="SN1").owner == keep
    assert keep.file.get().content == "周末上门"
    assert (keep.mobile_alt, keep.email) == ("13912345678", "wang@example.cn")
    assert dup.merged_into == keep and not dup.active
    assert "合并" in dup.history.first().history_change_reason
    assert "合并" in keep.history.first().history_change_reason
    with pytest.raises(InvalidInput):
        services.customer_merge(actor=cs, source=dup, target=keep)


def test_stale_edit_is_refused(cs, api_as):
    customer = CustomerFactory()
    client = api_as(cs)
    first = client.patch(
        f"/api/v1/customers/{customer.pk}/", {"name": "甲", "version": 1}, format="json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/customers/{customer.pk}/", {"name": "乙", "version": 1}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"


def test_list_api_searches_by_phone_suffix_and_name_prefix(
    cs, api_as, django_assert_max_num_queries
):
    CustomerFactory(name="王小明", mobile="13812345678")
    CustomerFactory(name="李四", mobile="13912340000")
    for _ in range(20):
        CustomerFactory()
    client = api_as(cs)
    with django_assert_max_num_queries(6):
        by_tail = client.get("/api/v1/customers/", {"q": "5678"}).json()
    assert [c["name"] for c in by_tail["results"]] == ["王小明"]
    assert [c["name"] for c in client.get("/api/v1/customers/", {"q": "王"}).json()["results"]] == [
        "王小明"
    ]


def test_inline_validation_warns_about_a_used_mobile(client, cs):
    CustomerFactory(name="王小明", mobile="13812345678")
    client.force_login(cs)
    bad = client.post(
        "/customers/validate/",
        {
            "_field": "mobile",
            "name": "x",
            "mobile": "12345",
            "kind": "individual",
            "level": "normal",
        },
    ).content.decode()
    assert "请输入中国大陆手机号" in bad
    used = client.post(
        "/customers/validate/",
        {
            "_field": "mobile",
            "name": "x",
            "mobile": "13812345678",
            "kind": "individual",
            "level": "normal",
        },
    ).content.decode()
    assert "王小明" in used


def test_customer_pages(client, cs):
    client.force_login(cs)
    response = client.post(
        "/customers/new/",
        {"kind": "individual", "name": "新客户", "mobile": "13700001111", "level": "vip"},
    )
    customer = Customer.objects.get(name="新客户")
    assert response["Location"] == f"/customers/{customer.pk}/"
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "13700001111" in html and 'data-testid="timeline"' in html
    bad = client.post(
        "/customers/new/", {"kind": "individual", "name": "坏", "mobile": "123", "level": "normal"}
    ).content.decode()
    assert 'data-field-error="mobile"' in bad
    assert not Customer.objects.filter(name="坏").exists()


def test_customer_list_page_query_count(client, cs, django_assert_max_num_queries):
    dealer = DealerFactory()
    for _ in range(30):
        CustomerFactory(dealer=dealer)
    client.force_login(cs)
    with django_assert_max_num_queries(12):
        response = client.get("/customers/")
    assert response.status_code == 200


def test_a_dealer_member_with_a_second_role_is_still_scoped(make_user, dealers, api_as):
    from aftersales.accounts.services import role_groups

    sh, hz = dealers
    CustomerFactory(name="西湖客户", dealer=hz)
    user = dealer_user(make_user, sh, username="sh-tech")
    user.groups.add(*role_groups(["service"]))
    assert api_as(user).get("/api/v1/customers/").json()["count"] == 0


def test_the_dealer_role_without_a_dealer_sees_nothing(make_user, api_as):
    from aftersales.catalog.tests.factories import ProductFactory

    SerialNumber.objects.create(
        serial="SN9", product=ProductFactory(serial_tracked=True), owner=CustomerFactory()
    )
    lonely = make_user(Role.DEALER)
    assert api_as(lonely).get("/api/v1/customers/").json()["count"] == 0
    assert api_as(lonely).get("/api/v1/serials/").json()["count"] == 0


def test_merging_across_dealers_is_refused(cs, dealers):
    sh, hz = dealers
    a, b = CustomerFactory(dealer=sh), CustomerFactory(dealer=hz)
    with pytest.raises(InvalidInput) as err:
        services.customer_merge(actor=cs, source=a, target=b)
    assert list(err.value.fields) == ["target"]


def test_merging_an_organisation_into_a_person_keeps_the_person_valid(cs):
    person = CustomerFactory(name="王总")
    org = CustomerFactory(name="王氏公司", kind="organisation", credit_code="91350100M000100Y43")
    kept = services.customer_merge(actor=cs, source=org, target=person)
    assert kept.credit_code == ""
    services.customer_update(actor=cs, customer=kept, data={"notes": "合并后仍可编辑"})


def test_masked_roles_cannot_search_by_partial_numbers(make_user, api_as):
    CustomerFactory(name="甲", mobile="13812345678")
    quality = api_as(make_user(Role.QUALITY))

    def count(q):
        return quality.get("/api/v1/customers/", {"q": q}).json()["count"]

    assert count("1381") == 0 and count("45678") == 0
    assert count("5678") == 1 and count("13812345678") == 1


def test_only_editors_write_the_customer_file(make_user, api_as):
    customer = CustomerFactory()
    response = api_as(make_user(Role.QUALITY)).post(
        f"/api/v1/customers/{customer.pk}/file/", {"kind": "need", "content": "x"}, format="json"
    )
    assert response.status_code == 403


def test_inline_validation_does_not_leak_other_dealers(client, make_user, dealers):
    sh, hz = dealers
    CustomerFactory(name="西湖客户", dealer=hz, mobile="13700001111")
    client.force_login(dealer_user(make_user, sh))
    html = client.post(
        "/customers/validate/",
        {
            "_field": "mobile",
            "_id": "abc",
            "name": "x",
            "mobile": "13700001111",
            "kind": "individual",
            "level": "normal",
        },
    ).content.decode()
    assert "西湖客户" not in html


def test_a_nul_in_a_search_is_a_400_naming_the_field(client, cs, api_as):
    """Security finding 15: never a 500, and never a silent search for something else."""
    client.force_login(cs)
    assert client.get("/customers/", {"q": "\x00"}).status_code == 400
    assert client.get("/products/", {"category": "\x00"}).status_code == 400
    response = api_as(cs).get("/api/v1/serials/", {"q": "\x00"})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["q"]
    assert client.get("/customers/", {"q": "\x07"}).status_code == 200  # other controls: ignored
