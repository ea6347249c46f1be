"""What an API key may call: the operations that accept a key, each with the scope it needs.
Every other endpoint refuses a key (403 ``api_key_not_accepted``), so a new endpoint is
closed to partners until it is named here on purpose."""

from __future__ import annotations

from .models import Event, Scope

# URL name → {method: scope}
ENDPOINTS: dict[str, dict[str, str]] = {
    "api-ticket-create": {"GET": Scope.TICKETS_READ, "POST": Scope.TICKETS_CREATE},
    "api-ticket-detail": {"GET": Scope.TICKETS_READ},
    "api-order-list": {"GET": Scope.ORDERS_READ},
    "api-webhook-list": {"GET": Scope.WEBHOOKS_MANAGE, "POST": Scope.WEBHOOKS_MANAGE},
    "api-webhook-detail": {"DELETE": Scope.WEBHOOKS_MANAGE},
    "api-webhook-deliveries": {"GET": Scope.WEBHOOKS_MANAGE},
    "api-webhook-resend": {"POST": Scope.WEBHOOKS_MANAGE},
}

# What a key needs to be told of an event: it must be able to read what the event is about.
EVENT_SCOPES: dict[str, str] = {
    Event.TICKET_CREATED: Scope.TICKETS_READ,
    Event.TICKET_STATUS_CHANGED: Scope.TICKETS_READ,
    Event.TICKET_RESOLVED: Scope.TICKETS_READ,
    Event.TICKET_CLOSED: Scope.TICKETS_READ,
    Event.RETURN_REFUNDED: Scope.TICKETS_READ,
}


def required_scope(url_name: str | None, method: str) -> str | None:
    """The scope a key needs for ``method`` on the route ``url_name``; None: keys refused.
    ``HEAD`` is a ``GET`` without the body."""
    method = method.upper()
    return ENDPOINTS.get(url_name or "", {}).get("GET" if method == "HEAD" else method)
