from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "aftersales.repairs"
    label = "repairs"
    verbose_name = _("Field service and repairs")

    def ready(self) -> None:
        from aftersales.accounts.roles import Role
        from aftersales.core.hooks import register_hook
        from aftersales.core.messaging import register_message_templates
        from aftersales.core.navigation import NavItem, register_nav
        from aftersales.core.numbering import register_document_kind
        from aftersales.core.timeline import register_timeline_source
        from aftersales.service.models import Case
        from aftersales.workdays.services import register_calendar_listener

        from .messages import CUSTOMER_MESSAGES
        from .models import WorkOrder
        from .services.repair_centre import repair_due_recount
        from .timeline import case_work_order_events, work_order_events

        register_message_templates(CUSTOMER_MESSAGES)
        register_calendar_listener(repair_due_recount, key="repair_limits")
        register_timeline_source(WorkOrder, work_order_events)
        from aftersales.customers.masking import mask_in_timeline

        mask_in_timeline(WorkOrder, "contact_phone")
        register_timeline_source(Case, case_work_order_events)
        register_hook("case_detail_panels", _case_panel)
        register_hook("case_track_panels", _track_panel)
        register_hook("case_track_post", _track_post)

        register_document_kind("work_order", prefix="WO", name=_("Work order"))
        register_document_kind("counter_sale", prefix="PS", name=_("Parts sale"))
        _register_workbench_and_search()
        register_nav(
            NavItem(
                "repairs",
                _("Field service"),
                "repairs:board",
                icon="tools",
                order=42,
                roles=frozenset(
                    r.value
                    for r in (
                        Role.SERVICE,
                        Role.CUSTOMER_SERVICE,
                        Role.LOGISTICS,
                        Role.ADMIN,
                        Role.DEALER,
                    )
                ),
            )
        )


def _register_workbench_and_search() -> None:
    from aftersales.core.search import register_search_provider
    from aftersales.core.workbench import register_figure_provider, register_todo_provider

    from . import global_search, workbench

    register_todo_provider(workbench.todos)
    register_figure_provider(workbench.figures)
    register_search_provider(
        "work_orders",
        _("Work orders"),
        global_search.work_orders,
        more_url=global_search.work_orders_more,
        order=11,
    )
    register_search_provider(
        "counter_sales", _("Parts sales"), global_search.counter_sales, order=70
    )


def _case_panel(*, case, request):
    from .views.case_panel import case_panel

    return case_panel(case, request)


def _track_panel(*, case, request, token):
    from .views.portal import track_panel

    return track_panel(case, request, token)


def _track_post(*, case, request, answer):
    from .views.portal import track_post

    return track_post(case, request, answer)
