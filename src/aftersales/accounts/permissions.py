"""Who holds which role, decided in one place for pages, API, navigation and exports.

Everyone holds the roles whose groups they belong to; a superuser also holds the
administrator's role, and no other. Superuser status opens Django's admin site; it does not make
its holder a vice-president: approvals keep their separation of duties (QC-3, SAL-2) for
everybody.
"""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework.permissions import BasePermission

from .roles import Role

ALL_ROLES = frozenset(r.value for r in Role)
_CACHE_ATTR = "_aftersales_roles"


def user_roles(user) -> frozenset[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    names = [g.name for g in user.groups.all()]  # uses a prefetch when the list has one
    roles = frozenset(n for n in names if n in ALL_ROLES)
    if user.is_superuser:
        roles |= {Role.ADMIN.value}
    setattr(user, _CACHE_ATTR, roles)
    return roles


def forget_roles(user) -> None:
    """Drop the per-request cache after roles change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_has_role(user, *roles: str | Role) -> bool:
    return bool(user_roles(user) & {str(r) for r in roles})


def can_manage_users(user) -> bool:
    return user_has_role(user, Role.ADMIN)


def has_role(*roles: Role) -> type[BasePermission]:
    """A DRF permission class admitting holders of any of ``roles``: ``has_role(Role.ADMIN)``."""

    class HasRole(BasePermission):
        def has_permission(self, request, view) -> bool:
            return user_has_role(request.user, *roles)

    HasRole.__name__ = "HasRole_" + "_".join(str(r) for r in roles)
    return HasRole


def role_labels(codes: Iterable[str]) -> list[str]:
    labels = dict(Role.choices)
    return [str(labels[c]) for c in Role.values if c in set(codes)]
