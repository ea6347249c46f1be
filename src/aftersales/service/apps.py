from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "aftersales.service"
    label = "service"
    verbose_name = _("After-sales service")

    def ready(self) -> None:
        from aftersales.accounts.roles import Role
        from aftersales.core.hooks import register_hook
        from aftersales.core.messaging import register_message_templates
        from aftersales.core.navigation import NavItem, register_nav
        from aftersales.core.numbering import register_document_kind
        from aftersales.core.timeline import register_timeline_source

        from .messages import CUSTOMER_MESSAGES
        from .models import Case
        from .timeline import attachment_events, call_events, case_events, note_events

        register_document_kind("case", prefix="TK", name=_("After-sales case"))
        register_message_templates(CUSTOMER_MESSAGES)
        register_timeline_source(Case, case_events)
        from aftersales.customers.masking import mask_in_timeline

        mask_in_timeline(Case, "contact_phone")
        register_timeline_source(Case, attachment_events)
        register_timeline_source(Case, note_events, with_reader=True)
        register_timeline_source(Case, call_events, with_reader=True)
        register_hook("acceptance_problem", _acceptance_problem)
        register_hook("sla_clocks_recomputed", _clocks_recomputed)
        register_hook("customer_renamed", _customer_renamed)
        from aftersales.customers.services import register_customer_merge_hook

        register_customer_merge_hook(_move_cases_on_merge)
        from . import quality_links

        quality_links.register()
        _register_workbench_and_search()
        register_nav(
            NavItem(
                "service",
                _("After-sales"),
                "service:case-list",
                icon="headset",
                order=40,
                roles=frozenset(r.value for r in Role if r != Role.QUALITY_INSPECTION),
            )
        )


def _register_workbench_and_search() -> None:
    from aftersales.core.search import register_search_provider
    from aftersales.core.workbench import register_figure_provider, register_todo_provider

    from . import global_search, workbench

    register_todo_provider(workbench.todos)
    register_figure_provider(workbench.figures)
    register_search_provider(
        "cases",
        _("After-sales cases"),
        global_search.cases,
        more_url=global_search.cases_more,
        order=10,
    )


def _acceptance_problem(*, shipment, line, actor):
    from .services.intake import case_from_acceptance

    return case_from_acceptance(shipment=shipment, line=line, actor=actor)


def _clocks_recomputed(*, owner_type, owner_ids):
    from .services.sla import clocks_recomputed

    return clocks_recomputed(owner_type=owner_type, owner_ids=owner_ids)


def _customer_renamed(*, customer):
    from .services.customer_links import cases_follow_rename

    return cases_follow_rename(customer=customer)


def _move_cases_on_merge(source, target):
    from .services.customer_links import cases_follow_merge

    return cases_follow_merge(source, target)
