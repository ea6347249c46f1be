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
        from aftersales.customers.services import register_customer_merge_hook

        register_customer_merge_hook(_move_orders_on_merge)
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


def _move_orders_on_merge(source, target) -> None:
    """A merged customer's orders and delivered lines belong to the customer kept."""
    from .models import Order, ShipmentLine

    Order.objects.filter(customer=source).update(customer=target)
    ShipmentLine.objects.filter(customer=source).update(customer=target)
