"""The client's address comes from the connection, or from our own proxies' entries only: a
client writing X-Forwarded-For itself changes nothing (security probe, finding 1)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.settings import api_settings

from aftersales.core.clientip import client_ip
from aftersales.core.throttling import ScopedRateThrottle, address_rate_exceeded


def request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request()) == "203.0.113.7"
    assert client_ip(request(forwarded="1.2.3.4")) == "203.0.113.7"
    assert client_ip(request(forwarded="1.2.3.4, 5.6.7.8")) == "203.0.113.7"


def test_behind_one_proxy_the_rightmost_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4" itself; our proxy appended the address it saw.
    assert client_ip(request("10.0.0.2", "1.2.3.4, 198.51.100.9")) == "198.51.100.9"
    assert client_ip(request("10.0.0.2", "198.51.100.9")) == "198.51.100.9"
    assert client_ip(request("10.0.0.2")) == "10.0.0.2"  # not through the proxy


def test_behind_two_proxies_the_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    header = "1.2.3.4, 198.51.100.9, 10.0.0.5"
    assert client_ip(request("10.0.0.2", header)) == "198.51.100.9"
    # Fewer entries than proxies: the leftmost, as DRF's NUM_PROXIES does.
    assert client_ip(request("10.0.0.2", "198.51.100.9")) == "198.51.100.9"


def test_garbage_ports_and_ipv6(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("10.0.0.2", "unknown")) == "10.0.0.2"
    assert client_ip(request("10.0.0.2", "<script>")) == "10.0.0.2"
    assert client_ip(request("10.0.0.2", "198.51.100.9:5678")) == "198.51.100.9"
    assert client_ip(request("10.0.0.2", "[2001:db8::1]:443")) == "2001:db8::1"
    assert client_ip(request("10.0.0.2", "2001:DB8::1")) == "2001:db8::1"


def test_drf_uses_the_same_number_of_proxies():
    from django.conf import settings

    assert api_settings.NUM_PROXIES == settings.TRUSTED_PROXY_COUNT


def test_the_throttle_keys_on_the_trusted_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    throttle = ScopedRateThrottle()
    assert throttle.get_ident(request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


@pytest.mark.django_db
def test_rotating_the_header_does_not_reset_a_page_rate(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    results = []
    for n in range(21):
        req = request("203.0.113.7", f"10.9.{n}.1")
        req.user = AnonymousUser()
        results.append(address_rate_exceeded(req, "track"))
    assert results[:20] == [False] * 20 and results[20] is True
