"""Who may change what the core app keeps."""

from __future__ import annotations


def can_manage_company(user) -> bool:
    """The company profile (name, letterhead, SMS signature, public address): administrators."""
    from aftersales.accounts.permissions import user_has_role
    from aftersales.accounts.roles import Role

    return bool(user and user.is_authenticated and user_has_role(user, Role.ADMIN))
