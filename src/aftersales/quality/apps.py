from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "aftersales.quality"
    label = "quality"
    verbose_name = _("Quality")

    def ready(self) -> None:
        from aftersales.core.navigation import NavItem, register_nav
        from aftersales.core.numbering import register_document_kind
        from aftersales.core.timeline import register_timeline_source

        from .models import Nonconformance
        from .permissions import STAFF_ROLES
        from .timeline import nonconformance_events

        register_document_kind("inspection", prefix="QI", name=_("Inspection record"))
        register_document_kind("certificate", prefix="HG", name=_("Certificate of conformity"))
        register_document_kind("nonconformance", prefix="NC", name=_("Nonconformance"))
        register_document_kind("liaison_form", prefix="LF", name=_("Liaison form"))
        register_document_kind("recall", prefix="RC", name=_("Recall"))
        register_timeline_source(Nonconformance, nonconformance_events)
        register_nav(
            NavItem(
                "quality",
                _("Quality"),
                "quality:home",
                icon="clipboard-check",
                order=60,
                roles=frozenset(r.value for r in STAFF_ROLES),
            )
        )
