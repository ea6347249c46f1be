"""The customer's side: on the signed page of their case, their visits (when, who) and any
quotation waiting for their answer, which they accept or decline there (WAR-9)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text

from ..models import WorkOrder
from ..services import charges

ANSWERS = {"quote_accept", "quote_decline"}


def _orders(case):
    return list(
        WorkOrder.objects.filter(case=case)
        .exclude(status=WorkOrder.Status.CANCELLED)
        .select_related("technician")
        .prefetch_related("charges")
        .order_by("-created_at")[:5]
    )


def track_panel(case, request, token: str) -> str:
    orders = _orders(case)
    if not orders:
        return ""
    rows = []
    for wo in orders:
        waiting = (
            wo.quote_sent_at is not None
            and wo.quote_accepted_at is None
            and wo.quote_declined_at is None
            and wo.status not in ("completed", "returned")
        )
        rows.append(
            {
                "wo": wo,
                "waiting": waiting,
                "lines": [
                    ln for ln in wo.charges.all() if not ln.free and charges.line_amount(ln) > 0
                ]
                if waiting
                else [],
            }
        )
    return render_to_string(
        "repairs/_track_panel.html", {"rows": rows, "token": token}, request=request
    )


def track_post(case, request, answer: str) -> list[tuple[bool, str]]:
    if answer not in ANSWERS:
        return []
    wo = WorkOrder.objects.filter(case=case, number=request.POST.get("work_order", "")).first()
    if wo is None:
        return [(False, _("There is no such work order on your case."))]
    try:
        if answer == "quote_accept":
            charges.quote_accept(actor=None, work_order=wo, by_link=True)
            return [(True, _("Thank you: the quotation is accepted; we will go ahead."))]
        charges.quote_decline(
            actor=None, work_order=wo, by_link=True, note=request.POST.get("note", "")
        )
        return [(True, _("The quotation is declined; the paid work will not be done."))]
    except ApplicationError as exc:
        return [(False, error_text(exc))]
