"""The sales app's part of the workbench (core.workbench): approvals, shipping and deliveries
waiting for the reader, and the weekly orders and deliveries. (The follow-up calls after
delivery are the feedback app's.)"""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.navigation import list_url
from aftersales.core.workbench import Figure, Todo, weekly_counts, weekly_sums

from . import selectors
from .models import Order, Shipment
from .registers import delivery_notes_for_user

SELLING = (Role.SALES, Role.SALES_VP, Role.DEALER)


def todos(user, ctx):
    if user_has_role(user, Role.SALES_VP):
        yield Todo(
            "sales.approval",
            _("Orders waiting for my approval"),
            selectors.approval_queue(user).count(),
            list_url("sales:queue", "approval"),
            icon="check2-circle",
            order=10,
        )
    if user_has_role(user, Role.LOGISTICS):
        yield Todo(
            "sales.shipping",
            _("Orders to ship"),
            selectors.shipping_queue(user).count(),
            list_url("sales:queue", "shipping"),
            icon="box-arrow-right",
            order=20,
        )
        yield Todo(
            "sales.deliveries",
            _("Deliveries to record"),
            delivery_notes_for_user(user, status=Shipment.Status.SHIPPED).count(),
            list_url("sales:register-delivery", status=Shipment.Status.SHIPPED),
            icon="truck",
            order=21,
        )


def figures(user, ctx):
    if user_has_role(user, *SELLING):
        orders = selectors.order_list_for_user(user).select_related(None)
        yield Figure(
            "sales.orders",
            _("Orders submitted"),
            weekly_counts(orders, "submitted_at", ctx),
            url=list_url("sales:order-list"),
            order=10,
        )
        yield Figure(
            "sales.value",
            _("Value of orders submitted"),
            weekly_sums(
                orders.exclude(status__in=(Order.Status.REJECTED, Order.Status.CANCELLED)),
                "submitted_at",
                "total",
                ctx,
            ),
            url=list_url("sales:register-orders"),
            unit="¥",
            order=11,
        )
    if user_has_role(user, Role.LOGISTICS):
        yield Figure(
            "sales.shipped",
            _("Delivery notes issued"),
            weekly_counts(delivery_notes_for_user(user).select_related(None), "shipped_at", ctx),
            url=list_url("sales:register-delivery"),
            order=20,
        )
