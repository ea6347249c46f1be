"""The field-service panel on the case page: the case's work orders, their appointment and
result, and a button to send someone."""

from __future__ import annotations

from django.template.loader import render_to_string

from ..models import WorkOrder
from ..permissions import can_create_work_order, can_view_work_orders

PANEL_KINDS = {"repair", "installation", "maintenance", "complaint", "return", "exchange"}


def case_panel(case, request) -> str:
    user = request.user
    if not can_view_work_orders(user):
        return ""
    orders = list(
        WorkOrder.objects.filter(case=case)
        .select_related("technician")
        .order_by("-created_at")[:10]
    )
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
