"""Webhooks (docs/api.md, Partners): registered by a key or an administrator, sent after the
commit, signed with the webhook's secret, retried with back-off, logged, resent."""

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.roles import Role
from aftersales.service.services import workflow

from .. import delivery as sending
from ..models import Webhook, WebhookDelivery
from ..tasks import retry_webhooks
from .conftest import intake_body

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
ALL_SCOPES = ["tickets:create", "tickets:read", "webhooks:manage"]


def _register(client, url, events=("ticket.created",)):
    answer = client.post("/api/v1/webhooks/", {"url": url, "events": list(events)}, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


def test_a_partners_case_reaches_its_endpoint_signed(
    make_key, as_key, receiver, django_capture_on_commit_callbacks
):
    key, raw = make_key(ALL_SCOPES)
    client = as_key(raw)
    hook = _register(client, receiver.url)
    assert hook["key"] == key.pk and len(hook["secret"]) == 64
    assert "secret" not in client.get("/api/v1/webhooks/").json()["results"][0]

    with django_capture_on_commit_callbacks(execute=True):
        made = client.post("/api/v1/tickets/", intake_body(), format="json")
    assert made.status_code == 201

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    expected = hmac.new(hook["secret"].encode(), request["raw"], hashlib.sha256).hexdigest()
    assert headers["x-aftersales-signature"] == f"sha256={expected}"
    assert headers["x-aftersales-event"] == "ticket.created"
    assert headers["content-type"].startswith("application/json")
    body = json.loads(request["raw"])
    assert set(body) == {"event", "id", "occurred_at", "data"}
    assert body["event"] == "ticket.created"
    # The data is the intake's answer.
    assert body["data"] == made.json()
    delivery = WebhookDelivery.objects.get()
    assert headers["x-aftersales-delivery"] == str(delivery.delivery_id)
    assert str(delivery.event_id) == body["id"]
    assert delivery.status == "succeeded" and delivery.attempts == 1
    assert delivery.attempt_log.get().status_code == 200


def test_only_http_addresses_and_known_events(make_key, as_key):
    _key, raw = make_key(ALL_SCOPES)
    for url in ("ftp://example.com/x", "javascript:alert(1)", "example.com/hook", "http://u:p@h/"):
        answer = as_key(raw).post(
            "/api/v1/webhooks/", {"url": url, "events": ["ticket.created"]}, format="json"
        )
        assert answer.status_code == 400, url
        assert list(answer.json()["fields"]) == ["url"], url
    unknown = as_key(raw).post(
        "/api/v1/webhooks/", {"url": "https://example.com/", "events": ["x"]}, format="json"
    )
    assert unknown.status_code == 400 and "events[0]" in unknown.json()["fields"]


def test_who_registers_webhooks(make_key, as_key, api_as, admin_user, make_user):
    key, raw = make_key(["tickets:create", "tickets:read"])
    # A key without webhooks:manage.
    refused = as_key(raw).post(
        "/api/v1/webhooks/", {"url": "https://example.com/", "events": ["ticket.created"]}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "missing_scope"
    # Staff who are not administrators.
    answer = api_as(make_user(Role.CUSTOMER_SERVICE)).post(
        "/api/v1/webhooks/",
        {"url": "https://example.com/", "events": ["ticket.created"], "key": key.pk},
        format="json",
    )
    assert answer.status_code == 403
    # An administrator, for a key.
    made = api_as(admin_user).post(
        "/api/v1/webhooks/",
        {"url": "https://example.com/", "events": ["ticket.resolved"], "key": key.pk},
        format="json",
    )
    assert made.status_code == 201 and made.json()["key"] == key.pk
    # Ticket events need a key that reads tickets.
    blind, _raw = make_key(["tickets:create"])
    answer = api_as(admin_user).post(
        "/api/v1/webhooks/",
        {"url": "https://example.com/", "events": ["ticket.created"], "key": blind.pk},
        format="json",
    )
    assert answer.status_code == 400 and "events" in answer.json()["fields"]
    # A key sees and switches off its own webhooks only.
    _other, other_raw = make_key(ALL_SCOPES)
    theirs = _register(as_key(other_raw), "https://example.org/")
    assert as_key(other_raw).get("/api/v1/webhooks/").json()["count"] == 1
    assert api_as(admin_user).get("/api/v1/webhooks/").json()["count"] == 2
    assert as_key(other_raw).delete(f"/api/v1/webhooks/{made.json()['id']}/").status_code == 404
    assert as_key(other_raw).delete(f"/api/v1/webhooks/{theirs['id']}/").status_code == 204
    assert not Webhook.objects.get(pk=theirs["id"]).active


def test_status_changes_reach_the_dealers_key_only(
    make_key, as_key, receiver, dealer_a, dealer_b, make_user, django_capture_on_commit_callbacks
):
    from aftersales.customers.tests.factories import dealer_user
    from aftersales.service.services.intake import IntakeInput, case_intake

    _a, raw_a = make_key(ALL_SCOPES, dealer=dealer_a)
    _b, raw_b = make_key(ALL_SCOPES, dealer=dealer_b)
    events = ("ticket.status_changed", "ticket.resolved")
    _register(as_key(raw_a), receiver.url + "?for=a", events)
    _register(as_key(raw_b), receiver.url + "?for=b", events)
    person = dealer_user(make_user, dealer_a, username="a1")
    case, _ = case_intake(
        actor=person,
        data=IntakeInput("phone", "repair", "李四", "13800000002", "洗衣机漏水"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_transition(actor=person, case=case, action="accept")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.case_transition(actor=person, case=case, action="resolve", solution="更换水管")
    got = [(r["path"].split("?for=")[1], json.loads(r["raw"])["event"]) for r in receiver.requests]
    assert got == [
        ("a", "ticket.status_changed"),
        ("a", "ticket.status_changed"),
        ("a", "ticket.resolved"),
    ]
    assert json.loads(receiver.requests[-1]["raw"])["data"]["status"] == "resolved"


def test_a_failing_endpoint_is_retried_with_back_off_and_listed(
    make_key,
    as_key,
    receiver,
    client,
    admin_user,
    time_machine,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    start = datetime(2026, 12, 20, 10, 0, tzinfo=SH)
    time_machine.move_to(start, tick=False)
    _key, raw = make_key(ALL_SCOPES)
    _register(as_key(raw), receiver.url)
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        as_key(raw).post("/api/v1/tickets/", intake_body(), format="json")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("retrying", 1, 500)
    waits = []
    while delivery.status == "retrying":
        waits.append((delivery.next_attempt_at - start).total_seconds())
        # Not before it is due ...
        time_machine.move_to(delivery.next_attempt_at - timedelta(seconds=1), tick=False)
        assert retry_webhooks() == 0
        # ... and then by the periodic task.
        time_machine.move_to(delivery.next_attempt_at, tick=False)
        start = delivery.next_attempt_at
        assert retry_webhooks() == 1
        delivery.refresh_from_db()
    assert waits == [60, 300, 1800, 7200, 21600, 43200]
    assert delivery.status == "failed" and delivery.attempts == 7
    assert (delivery.finished_at - delivery.created_at) < timedelta(hours=24)
    assert len(receiver.requests) == 7
    assert len({r["headers"]["X-Aftersales-Delivery"] for r in receiver.requests}) == 1

    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        page = client.get("/partners/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("HTTP 500") >= 7 and 'data-testid="resend"' in html


def test_resend_sends_the_same_event_again(
    make_key, as_key, receiver, client, admin_user, django_capture_on_commit_callbacks
):
    _key, raw = make_key(ALL_SCOPES)
    _register(as_key(raw), receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        as_key(raw).post("/api/v1/tickets/", intake_body(), format="json")
    first = WebhookDelivery.objects.get()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/partners/deliveries/{first.pk}/resend/")
    assert answer.status_code == 302
    again = WebhookDelivery.objects.exclude(pk=first.pk).get()
    assert again.resent_from == first and again.resent_by == admin_user
    assert again.status == "succeeded"
    one, two = receiver.requests
    assert one["raw"] == two["raw"]  # the same body, event id and signature
    assert one["headers"]["X-Aftersales-Delivery"] != two["headers"]["X-Aftersales-Delivery"]
    # A key with webhooks:manage resends its own through the API.
    with django_capture_on_commit_callbacks(execute=True):
        resent = as_key(raw).post(f"/api/v1/webhooks/deliveries/{first.pk}/resend/")
    assert resent.status_code == 201 and resent.json()["resent_from"] == first.pk
    assert len(receiver.requests) == 3
    listed = as_key(raw).get("/api/v1/webhooks/deliveries/").json()
    assert listed["count"] == 3 and listed["results"][0]["attempt_log"][0]["status_code"] == 200


def test_private_addresses_are_refused_unless_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    status, error = sending.post("http://127.0.0.1:9/hook", b"{}", {})
    assert status is None and "not allowed" in error
    status, error = sending.post("http://10.1.2.3/hook", b"{}", {})
    assert status is None and "not allowed" in error


def test_the_page_is_for_administrators(client, make_user, admin_user, dealer_a):
    client.force_login(make_user(Role.CUSTOMER_SERVICE))
    assert client.get("/partners/").status_code == 404
    client.force_login(admin_user)
    made = client.post(
        "/partners/keys/new/",
        {
            "name": "呼叫中心",
            "scopes": ["tickets:create", "tickets:read"],
            "rate_limit": 60,
            "dealer": dealer_a.pk,
            "allowed_ips": "203.0.113.0/24\n198.51.100.7",
        },
    )
    assert made.status_code == 200
    html = made.content.decode()
    assert 'data-testid="new-key"' in html
    from ..models import PartnerKey

    key = PartnerKey.objects.get()
    assert key.allowed_ips == ["203.0.113.0/24", "198.51.100.7/32"] and key.dealer == dealer_a
    # The key is not shown again.
    again = client.get("/partners/").content.decode()
    assert 'data-testid="new-key"' not in again and key.prefix in again
    hooked = client.post(
        "/partners/webhooks/new/",
        {"key": key.pk, "url": "https://crm.example.com/aftersales", "events": ["ticket.resolved"]},
    )
    assert 'data-testid="new-secret"' in hooked.content.decode()
    assert Webhook.objects.get().secret in hooked.content.decode()
    refused = client.post(
        "/partners/webhooks/new/",
        {"key": key.pk, "url": "ftp://crm.example.com/", "events": ["ticket.resolved"]},
    )
    assert 'data-field-error="url"' in refused.content.decode()
    assert client.post(f"/partners/keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_refund_reaches_the_key_whose_case_it_is(
    make_key, as_key, receiver, api_as, make_user, django_capture_on_commit_callbacks, time_machine
):
    from decimal import Decimal

    from django.utils import timezone

    # A working Tuesday with a published calendar: the 7-day return window is not the clock's.
    time_machine.move_to(datetime(2026, 12, 15, 10, 0, tzinfo=SH))

    from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory

    category = CategoryFactory(code="tv", name="电视", sanbao_category="彩色电视机")
    tv = ProductFactory(
        sku="TV-55X", category=category, list_price=Decimal("2999.00"), serial_tracked=True
    )
    _key, raw = make_key(ALL_SCOPES)
    _register(as_key(raw), receiver.url, ("return.refunded",))
    _other, other_raw = make_key(ALL_SCOPES)
    _register(as_key(other_raw), receiver.url + "?other", ("return.refunded",))
    bought = timezone.localdate() - timedelta(days=5)
    number = (
        as_key(raw)
        .post(
            "/api/v1/tickets/",
            intake_body(kind="return", product_sku=tv.sku, purchase_date=bought.isoformat()),
            format="json",
        )
        .json()["number"]
    )
    desk, boss = make_user(Role.CUSTOMER_SERVICE), make_user(Role.SERVICE)
    warehouse = make_user(Role.LOGISTICS)
    app = api_as(desk).post(
        "/api/v1/warranty/applications/",
        {"case": number, "requested": "return", "price": "2999.00"},
        format="json",
    )
    assert app.status_code == 201, app.json()
    application = app.json()["number"]

    def step(who, action, **body):
        url = f"/api/v1/warranty/applications/{application}/{action}/"
        answer = api_as(who).post(url, body, format="json")
        assert answer.status_code == 200, answer.json()

    step(boss, "approve", remedy="return")
    step(desk, "plan_answer", agree=True, via="phone", note="客户同意")
    step(boss, "request_goods", return_address="仓库", return_contact="赵", return_phone="021-1")
    step(warehouse, "receive", intact=True, disposition="stock")
    with django_capture_on_commit_callbacks(execute=True):
        step(boss, "refund")
    assert [r["path"] for r in receiver.requests] == ["/hooks/aftersales"]
    body = json.loads(receiver.requests[0]["raw"])
    assert body["event"] == "return.refunded"
    assert body["data"]["number"] == application and body["data"]["case_number"] == number
    assert body["data"]["status"] == "refunded" and body["data"]["refund_total"] == "2999.00"
