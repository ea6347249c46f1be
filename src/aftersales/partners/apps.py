from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "aftersales.partners"
    label = "partners"
    verbose_name = _("Partners and API keys")

    def ready(self) -> None:
        from . import wiring

        wiring.connect()
