from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarrantyConfig(AppConfig):
    name = "aftersales.warranty"
    label = "warranty"
    verbose_name = _("Three Guarantees (三包): returns, exchanges and refunds")

    def ready(self) -> None:
        from aftersales.core.hooks import register_hook
        from aftersales.core.messaging import register_message_templates
        from aftersales.core.navigation import NavItem, register_nav
        from aftersales.core.numbering import register_document_kind
        from aftersales.workdays.services import register_calendar_listener

        from .messages import CUSTOMER_MESSAGES
        from .permissions import VIEW_ROLES
        from .services.recompute import application_deadlines_recount

        register_message_templates(CUSTOMER_MESSAGES)
        register_document_kind("warranty_application", prefix="RA", name=_("Return application"))
        register_document_kind(
            "warranty_card", prefix="SB", name=_("Three Guarantees (三包) certificate")
        )
        register_document_kind("dealer_claim", prefix="DC", name=_("Dealer claim"))
        register_document_kind(
            "extended_warranty", prefix="EW", name=_("Extended warranty contract")
        )
        register_calendar_listener(application_deadlines_recount, key="return_applications")
        register_hook("case_detail_panels", _case_panel)
        register_hook("case_track_panels", _track_panel)
        register_hook("case_track_post", _track_apply)
        register_hook("shipment_delivered", _shipment_delivered)
        # Routing may send returns and exchanges only where someone can approve them.
        from aftersales.service.services.routing import register_kind_requirement

        from .permissions import can_review

        register_kind_requirement(("return", "exchange"), can_review)
        _register_workbench_and_search()
        register_nav(
            NavItem(
                "warranty",
                _("Returns & Three Guarantees (三包)"),
                "warranty:application-list",
                icon="arrow-left-right",
                order=45,
                roles=frozenset(r.value for r in VIEW_ROLES),
            )
        )


def _register_workbench_and_search() -> None:
    from aftersales.core.search import register_search_provider
    from aftersales.core.workbench import register_figure_provider, register_todo_provider

    from . import global_search as gs
    from . import workbench

    register_todo_provider(workbench.todos)
    register_figure_provider(workbench.figures)
    register_search_provider(
        "applications",
        _("Return applications"),
        gs.applications,
        more_url=gs.applications_more,
        order=12,
    )
    register_search_provider(
        "cards",
        _("Three Guarantees (三包) certificates"),
        gs.cards,
        more_url=gs.cards_more,
        order=13,
    )
    register_search_provider("claims", _("Dealer claims"), gs.claims, order=14)


def _case_panel(*, case, request):
    from .views.case_panel import case_panel

    return case_panel(case, request)


def _track_panel(*, case, request, token):
    from .views.portal import track_panel

    return track_panel(case, request, token)


def _track_apply(*, case, request, answer):
    if answer not in ("apply", "plan_agree", "plan_refuse"):
        return []
    from .views.portal import track_apply

    return track_apply(case, request)


def _shipment_delivered(*, shipment, actor):
    from .services.cards import cards_for_delivery

    return cards_for_delivery(shipment=shipment, actor=actor)
