from __future__ import annotations

from django.contrib.auth import get_user_model

from aftersales.accounts.roles import Role


def role_users(role: Role) -> list:
    """Active people holding ``role`` (superusers excepted: they are not on duty rosters)."""
    return list(get_user_model().objects.filter(groups__name=role.value, is_active=True))
