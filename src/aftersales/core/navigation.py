"""The main navigation, filtered by the person's roles.

Apps register their entries in ``AppConfig.ready()``; the layout shows only entries whose roles
intersect the person's. Role checks go through ``accounts.permissions``, the one place that
decides who holds which role.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    icon: str = "circle"
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: everyone signed in
    order: int = 100

    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return "#"


_ITEMS: dict[str, NavItem] = {}


def register_nav(*items: NavItem) -> None:
    for item in items:
        _ITEMS[item.key] = item


def nav_for_user(user, roles: Iterable[str]) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    held = set(roles)
    visible = [i for i in _ITEMS.values() if not i.roles or held & i.roles]
    return sorted(visible, key=lambda i: (i.order, i.key))


def list_url(url_name: str, *args, **params) -> str:
    """``reverse(url_name)`` with a query string: the link to a list filtered to exactly the
    records a workbench to-do counts or a search found."""
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(url_name, args=args) + (f"?{query}" if query else "")
