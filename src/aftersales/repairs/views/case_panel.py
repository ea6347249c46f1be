"""The field-service panel on the case page: the case's work orders, their appointment and
result, and a button to send someone."""

from __future__ import annotations

from django.template.loader import render_to_string

from ..models import WorkOrder
from ..permissions import can_create_work_order, can_view_work_orders
from ..selectors import work_orders_for_user

PANEL_KINDS = {"repair", "installation", "maintenance", "complaint", "return", "exchange"}


def case_panel(case, request) -> str:
    """For whoever sees work orders, and for the case's handler (a field technician or anyone
    else the case is assigned to): the work orders of the case they may open."""
    user = request.user
    handler = case.assignee_id is not None and case.assignee_id == user.pk
    orders = list(
        work_orders_for_user(user)
        .filter(case=case)
        .select_related("technician", "case")
        .order_by("-created_at")[:10]
    )
    if not (orders or handler or can_view_work_orders(user)):
        return ""
    if not orders and case.kind not in PANEL_KINDS:
        return ""
    return render_to_string(
        "repairs/_case_panel.html",
        {
            "case": case,
            "orders": orders,
            "can_create": can_create_work_order(user) and case.is_open,
            "kinds": WorkOrder.Kind.choices,
        },
        request=request,
    )
