"""Public order tracking cannot be used to guess a customer's phone digits (security probe,
finding 1): the address is the connection's, not a header the guesser writes, and one order's
number stops answering after a few wrong phones, from whatever addresses they come."""

from decimal import Decimal

import pytest

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.testing import soon
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.sales import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(make_user):
    customer = CustomerFactory(name="王小明", mobile="13812345678")
    return services.order_create(
        actor=make_user(Role.SALES),
        customer=customer,
        delivery_date=soon(),
        delivery_place="上海市徐汇区",
        lines=[services.LineInput(ProductFactory(), 1, Decimal("100.00"))],
    )


def wrong_phones(count):
    """Tails that are not the customer's (…5678)."""
    return [f"{n:04d}" for n in range(1000, 1000 + count)]


def test_rotating_x_forwarded_for_does_not_reset_the_address_limit(client, order, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    answers = [
        client.get(
            "/api/v1/track/",
            {"number": f"SO-NOPE-{n}", "phone": "1234"},
            HTTP_X_FORWARDED_FOR=f"10.{n}.0.1",
        ).status_code
        for n in range(21)
    ]
    assert answers[:20] == [404] * 20
    assert answers[20] == 429


def test_five_wrong_phones_lock_the_number_whatever_the_address(client, order):
    for n, phone in enumerate(wrong_phones(5)):
        response = client.get(
            "/api/v1/track/", {"number": order.number, "phone": phone}, REMOTE_ADDR=f"10.0.{n}.1"
        )
        assert response.status_code == 404
    # The sixth try, from yet another address, is refused: even the right phone answers
    # nothing more, so the guesser learns nothing.
    refused = client.get(
        "/api/v1/track/",
        {"number": order.number, "phone": "5678"},
        REMOTE_ADDR="10.0.9.1",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "too_many_wrong_tries"
    assert "Too many wrong tries for this number" in body["message"]
    assert 60 <= int(refused["Retry-After"]) <= 3600
    # Other orders are not affected.
    other = client.get("/api/v1/track/", {"number": "SO-OTHER", "phone": "1234"})
    assert other.status_code == 404


def test_the_number_counts_however_it_is_typed(client, order):
    for phone in wrong_phones(5):
        client.get("/api/v1/track/", {"number": f" {order.number.lower()} ", "phone": phone})
    refused = client.get("/api/v1/track/", {"number": order.number, "phone": "5678"})
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_wrong_tries"


def test_right_answers_do_not_count_against_the_customer(client, order):
    for _ in range(10):
        ok = client.get("/api/v1/track/", {"number": order.number, "phone": "5678"})
        assert ok.status_code == 200
    for phone in wrong_phones(4):  # a few typos
        client.get("/api/v1/track/", {"number": order.number, "phone": phone})
    assert (
        client.get("/api/v1/track/", {"number": order.number, "phone": "5678"}).status_code == 200
    )


def test_the_page_shares_the_number_limit(client, order):
    for n, phone in enumerate(wrong_phones(3)):
        client.get(
            "/api/v1/track/", {"number": order.number, "phone": phone}, REMOTE_ADDR=f"10.1.{n}.1"
        )
    for n, phone in enumerate(wrong_phones(2)):
        page = client.get(
            "/orders/track/", {"number": order.number, "phone": phone}, REMOTE_ADDR=f"10.2.{n}.1"
        )
        assert 'data-testid="track-none"' in page.content.decode()
    page = client.get("/orders/track/", {"number": order.number, "phone": "5678"})
    assert page.status_code == 429
    html = page.content.decode()
    assert 'data-testid="track-limited"' in html and 'data-testid="track-result"' not in html


def test_the_page_ignores_a_rotated_header_too(client, order, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    codes = [
        client.get(
            "/orders/track/",
            {"number": f"SO-NOPE-{n}", "phone": "1234"},
            HTTP_X_FORWARDED_FOR=f"10.{n}.0.1",
        ).status_code
        for n in range(21)
    ]
    assert codes[:20] == [200] * 20 and codes[20] == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_address_limit(client, order, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(20):
        client.get(
            "/api/v1/track/",
            {"number": "SO-NOPE", "phone": "1234"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    limited = client.get(
        "/api/v1/track/",
        {"number": "SO-NOPE", "phone": "1234"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.1",  # a forged entry on the left: same client
    )
    assert limited.status_code == 429
    other = client.get(
        "/api/v1/track/",
        {"number": order.number, "phone": "5678"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert other.status_code == 200
