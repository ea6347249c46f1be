"""Security findings 2 and 15: over-long text and NUL characters are a 400 naming the field,
on every endpoint and page, and nothing is written."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.service.models import Case

pytestmark = pytest.mark.django_db

TICKET = {
    "channel": "phone",
    "kind": "complaint",
    "customer": {"name": "王小明", "phone": "13912345678"},
    "description": "电视屏幕有横线",
}


@pytest.fixture
def agent(make_user):
    return make_user(Role.CUSTOMER_SERVICE, username="cs1")


def test_a_description_over_the_limit_is_refused_by_field(api_as, agent):
    """One 1 MB description held a worker for minutes; 5,000 characters is the limit."""
    body = {**TICKET, "description": "屏" * 5001}
    response = api_as(agent).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["description"] == [
        "最多 5000 个字符；更长的内容请作为附件上传。"
    ]
    assert not Case.objects.exists()
    ok = api_as(agent).post(
        "/api/v1/tickets/", {**TICKET, "description": "屏" * 5000}, format="json"
    )
    assert ok.status_code == 201


def test_a_nul_in_a_nested_field_is_refused_by_name(api_as, agent):
    body = {**TICKET, "customer": {"name": "王\x00小明", "phone": "13912345678"}}
    response = api_as(agent).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["customer.name"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/?q=%00",
        "/api/v1/customers/?q=abc%00",
        "/warranty/promises/TV%00/",
        "/service/?q=%00",
        "/orders/track/?number=SO%00&phone=1234",
    ],
)
def test_a_nul_in_a_lookup_is_a_400_never_a_500(client, agent, path):
    client.force_login(agent)
    response = client.get(path)
    assert response.status_code == 400


def test_a_page_post_with_over_long_text_is_refused(client, agent):
    client.force_login(agent)
    response = client.post(
        "/service/new/",
        {
            "channel": "phone",
            "kind": "complaint",
            "customer_name": "王小明",
            "customer_phone": "13912345678",
            "description": "屏" * 6000,
        },
    )
    assert response.status_code in (200, 400)
    assert "5000" in response.content.decode()
    assert not Case.objects.exists()


def test_form_text_fields_carry_a_length(client, agent):
    client.force_login(agent)
    html = client.get("/service/new/").content.decode()
    assert 'maxlength="5000"' in html


def test_a_notice_may_be_longer_than_a_note(api_as, admin_user):
    """The State Council notice is pasted whole (up to 20,000 characters)."""
    text = "一、元旦：1月1日（周五）放假1天，不调休。\n" + "说明。" * 3000
    response = api_as(admin_user).post(
        "/api/v1/workdays/notices/?dry_run=1", {"year": 2027, "text": text}, format="json"
    )
    assert response.status_code == 200, response.json()


def test_pages_carry_a_strict_content_security_policy(client, agent):
    """Security finding 15: no inline script may run (the pages use no CDN)."""
    client.force_login(agent)
    response = client.get("/service/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_no_template_carries_an_inline_script_or_handler():
    """The class of the CSP fix: a template with an inline handler would break under it."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
            r"\son(click|change|submit|load|input)=", text
        ):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
