"""The company profile (issue 17): administrators keep it on one page; every document, message
and page names the company from it, with the settings as defaults."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.accounts.roles import Role
from aftersales.core.company import company, public_base_url
from aftersales.core.errors import InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.models import CompanyProfile, OutboundMessage
from aftersales.core.services import company_profile_save
from aftersales.core.testing import assert_pdf_reads_well, pdf_objects

pytestmark = pytest.mark.django_db

VALID = {
    "name": "华东精工电器有限公司",
    "short_name": "华东精工",
    "address": "上海市徐汇区漕溪北路88号",
    "phone": "400-820-1234",
    "credit_code": "91310104MA1FL5TQ06",
    "bank_name": "中国工商银行上海徐汇支行",
    "bank_account": "1001 2345 6789 0123 456",
    "public_url": "https://service.example.cn/",
}


def png(color=(31, 59, 99), size=(64, 64)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="admin1", full_name="管理员甲")


def form_data(**changes):
    return {**VALID, "version": "0", **changes}


# -- the page -------------------------------------------------------------------------------


def test_only_administrators_open_the_profile_page(client, make_user, admin):
    url = reverse("core:company-profile")
    assert client.get(url).status_code == 302  # to the log-in page
    for role in (Role.SALES, Role.SERVICE, Role.CUSTOMER_SERVICE, Role.DEALER):
        client.force_login(make_user(role))
        assert client.get(url).status_code == 404
        assert client.post(url, form_data()).status_code == 404
    assert not CompanyProfile.objects.exists()
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="company-form"' in page.content.decode()


def test_the_admin_navigation_leads_to_the_profile(client, make_user, admin):
    client.force_login(admin)
    assert 'data-nav="company"' in client.get("/").content.decode()
    client.force_login(make_user(Role.SALES))
    assert 'data-nav="company"' not in client.get("/").content.decode()


def test_saving_keeps_every_version_in_the_history(client, admin):
    client.force_login(admin)
    url = reverse("core:company-profile")
    response = client.post(url, form_data())
    assert response.status_code == 302
    profile = CompanyProfile.objects.get()
    assert profile.name == "华东精工电器有限公司"
    assert profile.credit_code == "91310104MA1FL5TQ06"
    assert profile.public_url == "https://service.example.cn"  # no trailing slash
    response = client.post(
        url, form_data(version=str(profile.version), phone="021-62345678", name="华东精工电器")
    )
    assert response.status_code == 302
    history = list(CompanyProfile.history.order_by("history_date"))
    assert [h.name for h in history] == ["华东精工电器有限公司", "华东精工电器"]
    assert history[-1].phone == "021-62345678" and history[0].phone == "400-820-1234"
    assert {h.history_user for h in history} == {admin}
    page = client.get(url).content.decode()
    timeline = page[page.index('data-testid="company-history"') :]
    assert "021-62345678" in timeline and "400-820-1234" in timeline
    # The same values again: nothing new to keep.
    again = form_data(version=str(CompanyProfile.objects.get().version))
    client.post(url, {**again, "phone": "021-62345678", "name": "华东精工电器"})
    assert CompanyProfile.history.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("short_name", "华"),
        ("short_name", "【华东】"),
        ("credit_code", "91310104MA1FL5TQ07"),  # wrong check character
        ("credit_code", "ABC"),
        ("phone", "call us"),
        ("bank_account", "12-34"),
        ("public_url", "javascript:alert(1)"),
        ("public_url", "https://service.example.cn/?x=1"),
    ],
)
def test_each_bad_value_is_reported_on_its_field(client, admin, field, value):
    client.force_login(admin)
    response = client.post(reverse("core:company-profile"), form_data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-field-error="{field}"' in html, html[html.find("invalid-feedback") - 200 :][:600]
    assert not CompanyProfile.objects.exists()


def test_a_bank_needs_its_account_and_the_other_way_round(admin):
    with pytest.raises(InvalidInput) as error:
        company_profile_save(actor=admin, data={**VALID, "bank_account": ""})
    assert set(error.value.fields) == {"bank_account"}
    with pytest.raises(InvalidInput) as error:
        company_profile_save(actor=admin, data={**VALID, "bank_name": ""})
    assert set(error.value.fields) == {"bank_name"}


def test_only_administrators_may_save(make_user):
    with pytest.raises(PermissionDenied):
        company_profile_save(actor=make_user(Role.SALES), data=VALID)


def test_a_save_from_a_stale_page_is_refused(admin):
    profile = company_profile_save(actor=admin, data=VALID)
    company_profile_save(actor=admin, data={**VALID, "phone": "021-1234567"}, expected_version=1)
    with pytest.raises(StaleVersion):
        company_profile_save(
            actor=admin, data={**VALID, "phone": "021-7654321"}, expected_version=profile.version
        )


# -- the logo -------------------------------------------------------------------------------


def test_the_logo_is_checked_and_served_to_anyone(client, admin):
    for bad in (b"GIF89a not a png", b"<svg onload=alert(1)></svg>", b"%PDF-1.4"):
        with pytest.raises(InvalidInput) as error:
            company_profile_save(
                actor=admin, data=VALID, logo=SimpleUploadedFile("logo.png", bad, "image/png")
            )
        assert set(error.value.fields) == {"logo"}
    company_profile_save(
        actor=admin, data=VALID, logo=SimpleUploadedFile("x.png", png(), "image/png")
    )
    url = company().logo_url
    assert url.startswith("/company/logo/logo-") and url.endswith(".png")
    response = client.get(url)  # anonymous: public branding
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "immutable" in response["Cache-Control"]
    assert client.get("/company/logo/logo-0000.png").status_code == 404
    assert client.get("/company/logo/..%2F..%2Fsettings.py").status_code == 404
    # A new logo gets a new address; the old one is gone.
    company_profile_save(
        actor=admin,
        data=VALID,
        logo=SimpleUploadedFile("y.png", png((200, 0, 0)), "image/png"),
        expected_version=1,
    )
    assert company().logo_url != url
    assert client.get(url).status_code == 404
    assert client.get(company().logo_url).status_code == 200
    company_profile_save(actor=admin, data=VALID, remove_logo=True, expected_version=2)
    assert company().logo_url == ""


def test_the_logo_upload_through_the_page(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("core:company-profile"),
        form_data(logo=SimpleUploadedFile("logo.png", png(), content_type="image/png")),
    )
    assert response.status_code == 302
    page = client.get(reverse("core:company-profile")).content.decode()
    assert company().logo_url in page
    response = client.post(
        reverse("core:company-profile"),
        form_data(version="1", logo=SimpleUploadedFile("logo.png", b"nope", "image/png")),
    )
    assert 'data-field-error="logo"' in response.content.decode()


# -- the settings are defaults --------------------------------------------------------------


def test_without_a_profile_the_settings_speak_and_nothing_names_the_software(settings):
    settings.COMPANY_NAME = None
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8123"
    assert company().name == ""
    assert public_base_url() == "http://127.0.0.1:8123"
    settings.COMPANY_NAME = "设置里的公司"
    assert company().name == "设置里的公司"


def test_the_profile_overrides_the_settings(settings, admin):
    from aftersales.sales.models import Order
    from aftersales.sales.services import tracking_url

    settings.COMPANY_NAME = "设置里的公司"
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8123"
    order = Order(number="SO-20261207-0001")
    assert tracking_url(order) == "http://127.0.0.1:8123/orders/track/?number=SO-20261207-0001"
    company_profile_save(actor=admin, data=VALID)
    assert company().name == "华东精工电器有限公司"
    assert public_base_url() == "https://service.example.cn"
    assert tracking_url(order).startswith("https://service.example.cn/orders/track/?number=")
    company_profile_save(actor=admin, data={**VALID, "public_url": ""}, expected_version=1)
    assert public_base_url() == "http://127.0.0.1:8123"


# -- messages -------------------------------------------------------------------------------


def _message():
    from aftersales.core.messaging import message_customer

    OutboundMessage.objects.all().delete()
    message_customer(
        phone="13800001111",
        email="wang@example.cn",
        template="order_confirmed",
        context={
            "name": "王小明",
            "number": "SO-1",
            "total": "1.00",
            "date": "2026-12-01",
            "url": "u",
        },
    )
    sms = OutboundMessage.objects.get(channel="sms")
    email = OutboundMessage.objects.get(channel="email")
    return sms.body, email.body


def test_sms_are_signed_with_the_short_name_and_emails_with_the_company(admin, settings):
    settings.COMPANY_NAME = None
    sms, email = _message()
    assert not sms.startswith("【") and "-- " not in email  # nobody to sign for
    company_profile_save(actor=admin, data=VALID)
    sms, email = _message()
    assert sms.startswith("【华东精工】王小明") or sms.startswith("【华东精工】")
    assert "华东精工电器有限公司" not in sms
    signature = email.split("\n-- \n", 1)[1]
    assert signature.splitlines() == [
        "华东精工电器有限公司",
        "电话：400-820-1234",
        "地址：上海市徐汇区漕溪北路88号",
        "https://service.example.cn",
    ]
    company_profile_save(actor=admin, data={**VALID, "short_name": ""}, expected_version=1)
    assert _message()[0].startswith("【华东精工电器有限公司】")


# -- pages ----------------------------------------------------------------------------------


def test_the_footer_and_the_customers_pages_name_the_company(client, admin, make_user):
    company_profile_save(
        actor=admin, data=VALID, logo=SimpleUploadedFile("x.png", png(), "image/png")
    )
    for url in (reverse("sales:track"), reverse("service:track")):
        html = client.get(url).content.decode()
        brand = html[html.index('data-testid="public-brand"') :]
        assert "华东精工电器有限公司" in brand and "400-820-1234" in brand
        assert company().logo_url in brand
        footer = html[html.index('data-testid="footer"') :]
        assert "华东精工电器有限公司" in footer and "上海市徐汇区漕溪北路88号" in footer
    client.force_login(make_user(Role.SALES))
    html = client.get("/").content.decode()
    assert "华东精工电器有限公司" in html[html.index('data-testid="footer"') :]
    assert 'data-testid="public-brand"' not in html


def test_the_promises_page_names_the_company(client, admin):
    from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory

    company_profile_save(actor=admin, data=VALID)
    category = CategoryFactory(code="color-tv", name="彩色电视机")
    ProductFactory(sku="TV-55", name="液晶彩色电视机", category=category)
    response = client.get(reverse("warranty:promises", args=["TV-55"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "华东精工电器有限公司" in html[html.index('data-testid="public-brand"') :]


# -- documents ------------------------------------------------------------------------------


def test_every_document_prints_the_letterhead_and_the_logo(admin):
    from aftersales.core.pdf import table_pdf

    company_profile_save(
        actor=admin, data=VALID, logo=SimpleUploadedFile("x.png", png(), "image/png")
    )
    data = table_pdf(title="合同/订单登记表", subtitle="", headers=["编号"], rows=[["SO-1"]])
    text = assert_pdf_reads_well(data, "SO-1", letterhead="华东精工电器有限公司")
    for expected in ("上海市徐汇区漕溪北路88号", "400-820-1234", "91310104MA1FL5TQ06"):
        assert expected in text
    assert b"/Subtype /Image" in pdf_objects(data) or b"/Subtype/Image" in pdf_objects(data)
