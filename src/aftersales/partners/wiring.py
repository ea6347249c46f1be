"""What the partners app plugs into the others: reading scopes and intake for API keys, the
events its webhooks tell, and the administrators' menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    from aftersales.accounts.roles import Role
    from aftersales.core.hooks import register_hook
    from aftersales.core.navigation import NavItem, register_nav

    from . import delivery, schema, selectors  # noqa: F401  (schema: the Api-Key scheme)

    register_hook("case_scope", selectors.case_scope)
    register_hook("order_scope", selectors.order_scope)
    register_hook("intake_outside_caller", _outside_caller)
    register_hook("case_created", delivery.on_case_created)
    register_hook("case_status_changed", delivery.on_case_status_changed)
    register_hook("return_refunded", delivery.on_return_refunded)
    register_nav(
        NavItem(
            "partners",
            _("Partners & API keys"),
            "partners:home",
            icon="plug",
            roles=frozenset({Role.ADMIN.value}),
            order=850,
        )
    )


def _outside_caller(*, user):
    """A request made with an API key takes cases in as the key: no staff author, the key's
    dealer, its own idempotency keys, and the key recorded on the case."""
    from functools import partial

    from aftersales.service.services.intake import OutsideCaller

    from .authentication import is_partner
    from .services import case_taken_by_key

    if not is_partner(user):
        return None
    key = user.key
    return OutsideCaller(
        source=f"partner-{key.pk}", dealer=key.dealer, taken=partial(case_taken_by_key, key)
    )
