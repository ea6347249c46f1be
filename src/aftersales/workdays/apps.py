from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "aftersales.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from aftersales.accounts.roles import Role
        from aftersales.core.health import register_health_check, register_health_summary
        from aftersales.core.navigation import NavItem, register_nav

        from . import checks  # noqa: F401  (registers the R43 system check)
        from .selectors import calendar_health, calendar_health_summary

        register_health_check("calendar", calendar_health)
        register_health_summary("calendar", calendar_health_summary)
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
