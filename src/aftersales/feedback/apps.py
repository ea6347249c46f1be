from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "aftersales.feedback"
    label = "feedback"
    verbose_name = _("Follow-ups, satisfaction and complaint analysis")

    def ready(self) -> None:
        from . import wiring

        wiring.connect()
