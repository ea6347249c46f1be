from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManagementConfig(AppConfig):
    name = "aftersales.management"
    label = "management"
    verbose_name = _("Management cockpit")

    def ready(self) -> None:
        from . import wiring

        wiring.connect()
