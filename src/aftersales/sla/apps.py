from django.apps import AppConfig
from django.db import models
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "aftersales.sla"
    label = "sla"
    verbose_name = _("Service levels (SLA)")

    def ready(self) -> None:
        from aftersales.core.timeline import register_timeline_source
        from aftersales.workdays.services import register_calendar_listener

        from .services import sla_recompute_provisional
        from .timeline import sla_timeline_events

        register_calendar_listener(sla_recompute_provisional, key="sla_clocks")
        # Any record may own clocks, so the source is registered for every model.
        register_timeline_source(models.Model, sla_timeline_events)
