"""What the knowledge app plugs into the others: numbers, navigation, the customer message,
and the suggestion panels on the case page and the technician's visit page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    from aftersales.core.hooks import register_hook
    from aftersales.core.messaging import register_message_templates
    from aftersales.core.navigation import NavItem, register_nav
    from aftersales.core.numbering import register_document_kind
    from aftersales.core.workbench import register_todo_provider

    from . import workbench

    register_document_kind("article", prefix="ZS", name=_("Support article"))
    register_message_templates(
        {
            "knowledge_article": _(
                "%(name)s, hello: this may help with your product: %(title)s %(url)s"
            )
        }
    )
    register_nav(
        NavItem("knowledge", _("Knowledge"), "knowledge:list", icon="journal-text", order=48)
    )
    register_todo_provider(workbench.todos)
    register_hook("case_detail_panels", _case_panel)
    register_hook("technician_visit_panels", _visit_panel)
    register_hook("intake_side_panels", _intake_panel)
    register_hook("case_taken_in", _taken_in)


def _case_panel(*, case, request):
    from .views import case_panel

    return case_panel(case, request)


def _visit_panel(*, work_order, request):
    from .views import visit_panel

    return visit_panel(work_order, request)


def _intake_panel(*, request):
    from .views import intake_panel

    return intake_panel(request)


def _taken_in(*, case, request):
    from .views import attach_from_intake

    return attach_from_intake(case, request)
