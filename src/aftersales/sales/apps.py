from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "aftersales.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from aftersales.accounts.roles import Role
        from aftersales.core.navigation import NavItem, register_nav
        from aftersales.core.numbering import register_document_kind
        from aftersales.core.timeline import register_timeline_source

        from .models import Order
        from .timeline import order_events

        register_document_kind("order", prefix="SO", name=_("Sales order"))
        register_document_kind("delivery_note", prefix="DN", name=_("Delivery note"))
        register_timeline_source(Order, order_events)
        from aftersales.customers.masking import mask_in_timeline

        mask_in_timeline(Order, "contact_phone")
        from aftersales.core.hooks import register_hook

        register_hook("customer_page_actions", _new_order_action)
        from aftersales.customers.services import register_customer_merge_hook

        register_customer_merge_hook(_move_orders_on_merge)
        _register_workbench_and_search()
        register_nav(
            NavItem(
                "orders",
                _("Orders"),
                "sales:order-list",
                icon="receipt",
                order=50,
                roles=frozenset(r.value for r in Role if r != Role.QUALITY_INSPECTION),
            ),
        )


def _register_workbench_and_search() -> None:
    from aftersales.core.search import register_search_provider
    from aftersales.core.workbench import register_figure_provider, register_todo_provider

    from . import global_search, workbench

    register_todo_provider(workbench.todos)
    register_figure_provider(workbench.figures)
    register_search_provider(
        "orders", _("Orders"), global_search.orders, more_url=global_search.orders_more, order=20
    )
    register_search_provider(
        "delivery_notes",
        _("Delivery notes"),
        global_search.delivery_notes,
        more_url=global_search.delivery_notes_more,
        order=21,
    )


def _new_order_action(*, user, customer) -> list[dict]:
    """The customer page's "New order": the order form with the customer filled in."""
    from django.urls import reverse

    from .permissions import can_sell_to

    if not can_sell_to(user, customer):
        return []
    return [
        {
            "label": _("New order"),
            "url": f"{reverse('sales:order-create')}?customer={customer.pk}",
            "icon": "receipt",
            "testid": "new-order-for-customer",
        }
    ]


def _move_orders_on_merge(source, target) -> None:
    """A merged customer's orders and delivered lines belong to the customer kept."""
    from .models import Order, ShipmentLine

    Order.objects.filter(customer=source).update(customer=target)
    ShipmentLine.objects.filter(customer=source).update(customer=target)
