"""The client's address, read one way everywhere: throttles, limits, sign-in records.

``X-Forwarded-For`` is a header anyone can send. Only the entries our own proxies appended can
be believed, so the deployment says how many proxies stand in front of the application
(``TRUSTED_PROXY_COUNT``):

- 0 (the default): no proxy; the address is the connection's (``REMOTE_ADDR``) and
  ``X-Forwarded-For`` is ignored;
- N: the N-th address from the right of ``X-Forwarded-For`` (each proxy appends the address
  it saw, so what a client writes itself stays on the left). With fewer entries than N, the
  leftmost, as DRF's ``NUM_PROXIES`` does (``REST_FRAMEWORK["NUM_PROXIES"]`` is set to the
  same number).

An entry that is not an address (``unknown``, garbage) gives ``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The address of the client behind ``request`` (a Django or DRF request)."""
    meta = request.META
    remote = _address(meta.get("REMOTE_ADDR", "")) or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return _address(hops[-min(count, len(hops))]) or remote


def _address(raw: str) -> str | None:
    """``raw`` as a normalised IP address, also from ``1.2.3.4:5678`` or ``[::1]:80``."""
    raw = (raw or "").strip()
    candidates = [raw]
    if raw.startswith("[") and "]" in raw:
        candidates.append(raw[1 : raw.index("]")])
    elif raw.count(":") == 1:
        candidates.append(raw.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
