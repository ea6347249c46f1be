"""Who manages partners' keys and webhooks: administrators; a key manages its own webhooks
when it holds ``webhooks:manage``."""

from __future__ import annotations

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role

from .authentication import is_partner
from .models import Scope


def can_manage_partners(user) -> bool:
    return not is_partner(user) and user_has_role(user, Role.ADMIN)


def can_manage_webhooks_of(user, key) -> bool:
    """An administrator, for any key; a key, for itself (with ``webhooks:manage``)."""
    if is_partner(user):
        return user.key.pk == key.pk and user.key.has_scope(Scope.WEBHOOKS_MANAGE)
    return can_manage_partners(user)
