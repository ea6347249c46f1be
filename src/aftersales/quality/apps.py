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
        _register_workbench_and_search()
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


def _register_workbench_and_search() -> None:
    from aftersales.core.search import register_search_provider
    from aftersales.core.workbench import register_figure_provider, register_todo_provider

    from . import global_search as gs
    from . import workbench

    register_todo_provider(workbench.todos)
    register_figure_provider(workbench.figures)
    for key, label, search, more, order in (
        ("inspections", _("Inspection records"), gs.inspections, gs.inspections_more, 60),
        ("certificates", _("Certificates of conformity"), gs.certificates, None, 61),
        ("nonconformances", _("Nonconformances"), gs.nonconformances, gs.nonconformances_more, 62),
        ("liaison_forms", _("Liaison forms"), gs.liaison_forms, gs.liaison_forms_more, 63),
        ("recalls", _("Recalls"), gs.recalls, None, 64),
    ):
        register_search_provider(key, label, search, more_url=more, order=order)
