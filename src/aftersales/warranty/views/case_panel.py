"""The 三包 panel on the case page: what the rules give the customer, and the case's
applications, so the agent on the phone can say it at once."""

from __future__ import annotations

from django.template.loader import render_to_string

from aftersales.core.errors import ApplicationError

from .. import selectors
from ..permissions import can_apply, can_view_warranty
from ..services.evaluation import evaluate_facts, facts_from_case

KINDS_WITH_PANEL = {"return", "exchange", "repair", "complaint", "delivery_delay", "maintenance"}


def case_panel(case, request) -> str:
    user = request.user
    if not can_view_warranty(user) or case.product_id is None:
        return ""
    if case.kind not in KINDS_WITH_PANEL:
        return ""
    answer, problem = None, ""
    try:
        answer = evaluate_facts(facts_from_case(case))
    except ApplicationError as exc:
        problem = " ".join(str(m) for ms in exc.fields.values() for m in ms) or str(exc.message)
    applications = list(
        selectors.application_list_for_user(user).filter(case=case).order_by("-created_at")[:5]
    )
    return render_to_string(
        "warranty/_case_panel.html",
        {
            "case": case,
            "answer": answer,
            "problem": problem,
            "applications": applications,
            "can_apply": can_apply(user) and case.is_open,
        },
        request=request,
    )
