from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "aftersales.staff"
    label = "staff"
    verbose_name = _("Training and assessment")

    def ready(self) -> None:
        from . import wiring

        wiring.connect()
