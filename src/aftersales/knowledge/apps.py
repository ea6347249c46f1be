from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "aftersales.knowledge"
    label = "knowledge"
    verbose_name = _("Technical support knowledge")

    def ready(self) -> None:
        from . import wiring

        wiring.connect()
