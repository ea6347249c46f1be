"""The customer's side (the portal): on the signed page of their case, what the rules give
them and a form to ask for a return, exchange or repair with photos; then where to send the
goods and when the refund is due."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text
from aftersales.service.services.attachments import ACCEPT

from ..models import Remedy
from ..services import applications as flow
from ..services.evaluation import evaluate_facts, facts_from_case

PORTAL_KINDS = {"return", "exchange", "repair", "complaint"}


def track_panel(case, request, token: str) -> str:
    if case.product_id is None or case.kind not in PORTAL_KINDS:
        return ""
    current = flow.open_application_for(case)
    answer = None
    if current is None:
        if not flow.portal_may_apply(case):
            return ""  # resolved: the page asks to confirm or reject; finished: a new case
        try:
            answer = evaluate_facts(facts_from_case(case))
        except ApplicationError:
            return ""  # not enough facts: the desk asks the customer
    return render_to_string(
        "warranty/_track_panel.html",
        {
            "case": case,
            "token": token,
            "answer": answer,
            "current": current,
            "offered": [o["remedy"] for o in answer["options"]] if answer else [],
            "remedies": Remedy.choices,
            "accept": ACCEPT,
        },
        request=request,
    )


def track_apply(case, request) -> list[tuple[bool, str]]:
    answer = request.POST.get("answer", "")
    if answer in ("plan_agree", "plan_refuse"):
        return _plan_answer(case, request, agree=answer == "plan_agree")
    if answer != "apply":
        return []
    try:
        app = flow.application_from_portal(
            case=case,
            requested=request.POST.get("requested", ""),
            reason=request.POST.get("reason", ""),
            files=request.FILES.getlist("photos"),
        )
    except ApplicationError as exc:
        return [(False, error_text(exc))]
    return [
        (
            True,
            _("Your application %(number)s is in; we will reply within one working day.")
            % {"number": app.number},
        )
    ]


def _plan_answer(case, request, *, agree: bool) -> list[tuple[bool, str]]:
    """S2: the customer agrees to the handling plan, or refuses it, on their signed page."""
    from ..services import handling

    current = flow.open_application_for(case)
    if current is None:
        return [(False, _("There is no handling plan waiting for your answer."))]
    try:
        handling.application_plan_answer(
            actor=None,
            application=current,
            agree=agree,
            via="link",
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        return [(False, error_text(exc))]
    if agree:
        return [(True, _("Thank you: we start as the plan says."))]
    return [(False, _("You refused the plan; we will contact you with another one."))]
