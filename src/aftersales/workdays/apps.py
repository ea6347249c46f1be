from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "aftersales.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from aftersales.accounts.roles import Role
        from aftersales.core.health import register_health_check
        from aftersales.core.navigation import NavItem, register_nav

        from .selectors import calendar_health

        register_health_check("calendar", calendar_health)
        register_nav(
            NavItem(
                "calendar",
                _("Calendar & SLA"),
                "workdays:year-current",
                icon="calendar3",
                roles=frozenset({Role.ADMIN.value}),
                order=800,
            )
        )
