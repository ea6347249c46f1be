"""API keys (docs/api.md, Partners): made by administrators and shown once, kept as a hash,
refused when revoked, outside their scope, from another address or over their rate."""

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from aftersales.accounts.roles import Role

from ..models import PartnerKey

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_a_key_is_shown_once_and_only_its_hash_is_kept(api_as, admin_user, dealer_a):
    made = api_as(admin_user).post(
        "/api/v1/partner-keys/",
        {"name": "天猫旗舰店", "scopes": ["tickets:create", "tickets:read"], "dealer": "dealer-a"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    raw = body["key"]
    prefix, secret = raw.removeprefix("ak_").split(".", 1)
    assert body["prefix"] == prefix and body["dealer"] == "dealer-a" and body["active"]
    assert body["scopes"] == ["tickets:create", "tickets:read"] and body["rate_limit"] == 60

    stored = PartnerKey.objects.get(pk=body["id"])
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    # The secret is nowhere in the database: not on the key, not in its history.
    with connection.cursor() as cursor:
        for table in ("partners_partnerkey", "partners_historicalpartnerkey"):
            cursor.execute(f"SELECT * FROM {table}")
            assert not any(secret in str(cell) for row in cursor.fetchall() for cell in row)

    listed = api_as(admin_user).get("/api/v1/partner-keys/").json()
    assert listed["count"] == 1 and "key" not in listed["results"][0]
    assert secret not in str(listed)


def test_only_administrators_make_keys(api_as, make_user):
    agent = make_user(Role.CUSTOMER_SERVICE)
    answer = api_as(agent).post(
        "/api/v1/partner-keys/", {"name": "x", "scopes": ["tickets:read"]}, format="json"
    )
    assert answer.status_code == 403
    assert api_as(agent).get("/api/v1/partner-keys/").status_code == 403


def test_bad_key_input_names_the_field(api_as, admin_user):
    answer = api_as(admin_user).post(
        "/api/v1/partner-keys/",
        {"name": "呼叫中心", "scopes": ["orders:read"], "allowed_ips": ["10.0.0.300"]},
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()["fields"]) == {"scopes", "allowed_ips"}


def test_a_key_without_tickets_read_gets_403(make_key, as_key):
    _key, raw = make_key(["tickets:create"])
    answer = as_key(raw).get("/api/v1/tickets/")
    assert answer.status_code == 403
    assert answer.json()["code"] == "missing_scope"
    assert "tickets:read" in answer.json()["message"]


def test_a_revoked_key_gets_403(make_key, as_key, api_as, admin_user):
    key, raw = make_key(["tickets:read"])
    assert as_key(raw).get("/api/v1/tickets/").status_code == 200
    assert api_as(admin_user).delete(f"/api/v1/partner-keys/{key.pk}/").status_code == 204
    answer = as_key(raw).get("/api/v1/tickets/")
    assert answer.status_code == 403 and answer.json()["code"] == "api_key_revoked"
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == admin_user
    # Revoking again changes nothing.
    assert api_as(admin_user).delete(f"/api/v1/partner-keys/{key.pk}/").status_code == 204


def test_a_wrong_key_is_401_and_a_key_elsewhere_403(make_key, as_key):
    _key, raw = make_key(["tickets:read"])
    prefix = raw.split(".")[0]
    for wrong in (f"{prefix}.not-the-secret", "ak_000000000000.x", "garbage"):
        answer = as_key(wrong).get("/api/v1/tickets/")
        assert answer.status_code == 401, wrong
        assert answer.json()["code"] == "authentication_failed"
    # An operation not opened to keys: refused, whatever the key may do elsewhere.
    for url in ("/api/v1/customers/", "/api/v1/me/", "/api/v1/partner-keys/"):
        answer = as_key(raw).get(url)
        assert answer.status_code == 403 and answer.json()["code"] == "api_key_not_accepted"


def test_an_address_outside_the_allow_list_gets_403(make_key, as_key):
    _key, raw = make_key(["tickets:read"], allowed_ips=["203.0.113.0/24", "198.51.100.7"])
    inside = as_key(raw, REMOTE_ADDR="203.0.113.9").get("/api/v1/tickets/")
    assert inside.status_code == 200
    assert as_key(raw, REMOTE_ADDR="198.51.100.7").get("/api/v1/tickets/").status_code == 200
    outside = as_key(raw, REMOTE_ADDR="192.0.2.1").get("/api/v1/tickets/")
    assert outside.status_code == 403 and outside.json()["code"] == "address_not_allowed"


def test_the_rate_limit_answers_429_with_the_error_body(make_key, as_key, time_machine):
    time_machine.move_to(datetime(2026, 12, 20, 10, 0, 10, tzinfo=SH), tick=False)
    _key, raw = make_key(["tickets:read"], rate_limit=2)
    client = as_key(raw)
    assert [client.get("/api/v1/tickets/").status_code for _ in range(2)] == [200, 200]
    over = client.get("/api/v1/tickets/")
    assert over.status_code == 429
    assert set(over.json()) == {"code", "message", "fields"}
    assert over.json()["code"] == "throttled" and over["Retry-After"] == "50"
    # Another key has its own allowance.
    _other, other_raw = make_key(["tickets:read"], rate_limit=2)
    assert as_key(other_raw).get("/api/v1/tickets/").status_code == 200
    # The next minute the key may call again.
    time_machine.move_to(datetime(2026, 12, 20, 10, 1, 0, tzinfo=SH), tick=False)
    assert client.get("/api/v1/tickets/").status_code == 200


def test_last_used_is_recorded(make_key, as_key, time_machine):
    time_machine.move_to(datetime(2026, 12, 20, 10, 0, tzinfo=SH), tick=False)
    key, raw = make_key(["tickets:read"])
    assert key.last_used_at is None
    as_key(raw).get("/api/v1/tickets/")
    key.refresh_from_db()
    assert key.last_used_at == datetime(2026, 12, 20, 10, 0, tzinfo=SH)
    time_machine.move_to(datetime(2026, 12, 20, 10, 0, tzinfo=SH) + timedelta(minutes=5))
    as_key(raw).get("/api/v1/tickets/")
    key.refresh_from_db()
    assert key.last_used_at >= datetime(2026, 12, 20, 10, 5, tzinfo=SH)
