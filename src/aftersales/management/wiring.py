"""What the cockpit adds to the rest of the product when Django starts: the navigation
entry, the vice-president's headline figures, and the summary tables' care for deleted
records."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    from django.db.models.signals import post_delete

    from aftersales.accounts.roles import Role
    from aftersales.core.navigation import NavItem, register_nav
    from aftersales.core.workbench import register_figure_provider

    from . import workbench
    from .facts import SOURCES

    register_figure_provider(workbench.figures)
    register_nav(
        NavItem(
            "management",
            _("Cockpit"),
            "management:home",
            icon="speedometer2",
            order=5,
            roles=frozenset({Role.SALES_VP.value, Role.ADMIN.value, Role.QUALITY.value}),
        )
    )
    for name, source in SOURCES.items():
        post_delete.connect(
            _forgetter(name), sender=source.model, weak=False, dispatch_uid=f"facts-{name}"
        )


def _forgetter(name: str):
    def forget_deleted(sender, instance, **kwargs):
        from .facts import forget

        forget(name, [instance.pk])

    return forget_deleted
