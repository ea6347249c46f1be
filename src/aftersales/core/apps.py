from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "aftersales.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Load the Celery app in every process (web too), so tasks pick up our settings:
        # eager without a broker, queued with one.
        import config.celery  # noqa: F401

        from .navigation import NavItem, register_nav

        register_nav(NavItem("home", _("Home"), "core:home", icon="house", order=0))
