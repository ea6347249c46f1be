"""The application pages: the list, a new application from a case with the engine's answer,
and the application page with its steps."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError, InvalidInput
from aftersales.core.files import stored_file_response
from aftersales.core.forms import error_text
from aftersales.core.paging import DeferredJoinPaginator
from aftersales.service.selectors import case_get_for_user

from .. import selectors
from ..engine.policy import CONFIRM_EXCEPTIONS, STATUTORY_EXCEPTIONS
from ..models import Application, Evidence, Payment, Remedy, WarrantyCard
from ..permissions import (
    can_apply,
    can_judge_photos,
    can_record_plan_answer,
    can_review,
    can_view_warranty,
)
from ..presentation import exception_label, name_label
from ..services import applications as flow
from ..services import handling
from ..services.evaluation import evaluate_facts, facts_from_case
from ..services.policies import policy_choices


def _problem_labels() -> list[tuple[str, str]]:
    return [
        ("quality", _("A quality problem (a fault)")),
        ("none", _("No fault: a return without a reason")),
        ("misuse", _("Damaged by misuse or poor care")),
        ("unauthorized_repair", _("Taken apart or repaired by someone else")),
        ("force_majeure", _("Force majeure (fire, flood …)")),
    ]


@login_required
def application_list(request):
    if not can_view_warranty(request.user):
        raise Http404
    f = {
        k: request.GET.get(k, "").strip()
        for k in ("q", "status", "overridden", "late", "refund_due")
    }
    qs = selectors.application_filter(
        request.user,
        status=f["status"] or ("" if f["q"] else "open"),
        q=f["q"],
        overridden=f["overridden"] == "1",
        late=f["late"] == "1",
        refund_due=f["refund_due"] == "1",
    ).order_by("-created_at", "-id")
    page = DeferredJoinPaginator(
        qs,
        25,
        load=lambda ids: (
            selectors.application_list_for_user(request.user)
            .filter(pk__in=ids)
            .select_related("customer", "product", "case")
        ),
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "warranty/application_list.html",
        {
            "page": page,
            "f": f,
            "statuses": Application.Status.choices,
            "can_apply": can_apply(request.user),
        },
    )


def _facts_from_post(post, base: dict) -> dict:
    """The agent's corrections to what the records say (the form on the new page)."""
    facts = dict(base)
    for key in (
        "purchase_date",
        "received_date",
        "channel",
        "problem",
        "failed_part",
        "misrepresented_on",
    ):
        if key in post:
            value = post.get(key, "").strip()
            facts[key] = value or None
    for key in (
        "has_invoice_or_card",
        "goods_intact",
        "consumer_confirmed_at_checkout",
        "misuse_evidence",
        "misrepresentation_evidence",
        "spec_mismatch",
        "cannot_repair_in_time",
    ):
        if f"{key}_present" in post:
            facts[key] = post.get(key) == "1"
    if "prior_repairs" in post:
        raw = post.get("prior_repairs", "0").strip() or "0"
        facts["prior_repairs"] = int(raw) if raw.isdigit() else raw
    if "no_reason_exception" in post:
        facts["no_reason_exception"] = post.get("no_reason_exception") or None
    return {k: v for k, v in facts.items() if v is not None}


@login_required
def application_new(request):
    """From a case: the facts the records give, the engine's answer, and the application."""
    if not can_apply(request.user):
        raise Http404
    case = case_get_for_user(request.user, number=request.GET.get("case", "").strip())
    if case is None:
        messages.info(request, _("Start from the case: open it and choose “Return / exchange”."))
        return redirect("service:case-list")
    if case.product_id is None:
        messages.error(request, _("Record the product on the case first."))
        return redirect("service:case-detail", number=case.number)
    post = request.POST if request.method == "POST" else {}
    policy_key = (post.get("policy") if post else None) or None
    base = facts_from_case(case, policy_key)
    facts = _facts_from_post(post, base) if post else base
    answer, errors = None, {}
    try:
        answer = evaluate_facts(facts, policy_key)
    except InvalidInput as exc:
        errors = exc.fields
    if request.method == "POST" and post.get("submit") == "apply" and answer is not None:
        payments = []
        for method, amount in zip(
            post.getlist("payment_method"), post.getlist("payment_amount"), strict=False
        ):
            if amount.strip():
                payments.append(flow.PaymentInput(method, amount.strip()))
        methods = post.getlist("payment_method")
        if not payments and methods and post.get("price", "").strip():
            payments = [flow.PaymentInput(methods[0], post.get("price", "").strip())]
        try:
            with transaction.atomic():  # the photos are checked before anything is kept
                app = _apply_from_page(request, case, post, payments, policy_key, facts, base)
        except ApplicationError as exc:
            errors = exc.fields
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, _("Application %(number)s taken in.") % {"number": app.number}
            )
            return redirect("warranty:application-detail", number=app.number)
    offered = [o["remedy"] for o in answer["options"]] if answer else []
    return render(
        request,
        "warranty/application_new.html",
        {
            "case": case,
            "facts": facts,
            "answer": answer,
            "errors": errors,
            "policies": policy_choices(),
            "policy_key": policy_key or "",
            "requested": post.get("requested") if post else (offered[0] if offered else "return"),
            "remedies": Remedy.choices,
            "problems": _problem_labels(),
            "exceptions": [
                (k, exception_label(k)) for k in STATUTORY_EXCEPTIONS + CONFIRM_EXCEPTIONS
            ],
            "methods": Payment.Method.choices,
            "price": post.get("price") if post else flow.price_paid_for(case),
            "reason": post.get("reason") if post else case.description,
        },
    )


def _apply_from_page(request, case, post, payments, policy_key, facts, base):
    app = flow.application_from_case(
        actor=request.user,
        case=case,
        requested=post.get("requested", ""),
        reason=post.get("reason", ""),
        price=post.get("price", ""),
        payments=payments,
        policy_key=policy_key,
        facts={k: v for k, v in facts.items() if k not in base or base[k] != v},
    )
    files = request.FILES.getlist("photos")
    if files:
        flow.evidence_add(actor=request.user, application=app, files=files)
    return app


def _application(request, number: str) -> Application:
    app = selectors.application_get_for_user(request.user, number)
    if app is None:
        raise Http404
    return app


def _refund_preview(app: Application):
    return flow.refund_plan(app) if app.remedy == Remedy.RETURN else None


@login_required
def application_detail(request, number: str):
    return _render_detail(request, _application(request, number))


def _render_detail(request, app: Application, posted=None, status: int = 200):
    """The application page; after a failed step, with what was typed (``posted``) kept."""
    user = request.user
    return render(
        request,
        "warranty/application_detail.html",
        {
            "app": app,
            "answer": app.answer,
            "actions": flow.allowed_actions(app, user),
            "offered": [o["remedy"] for o in app.answer.get("options", [])],
            "remedies": Remedy.choices,
            "dispositions": Application.Disposition.choices,
            "payers": Application.ShippingPayer.choices,
            "events": app.events.select_related("actor"),
            "evidence": list(app.evidence.all()),
            "payments": list(app.payments.all()),
            "refund": _refund_preview(app),
            "company_address": _company_return_address(),
            "facts_rows": _facts_rows(app.facts),
            "upgrades": handling.upgrade_choices(app)
            if app.status in (Application.Status.APPLIED, Application.Status.APPROVED)
            else [],
            "default_timetable": handling.default_timetable(app) if app.remedy else "",
            "needs_verdict": handling.needs_quality_verdict(app),
            "may_judge": can_judge_photos(user),
            "may_plan": can_review(user) and app.status == Application.Status.APPROVED,
            "may_record_answer": can_record_plan_answer(user)
            and app.status == Application.Status.APPROVED
            and app.plan_sent_at is not None
            and not app.plan_answer,
            "verdicts": Application.Verdict.choices,
            "plan_vias": [
                c for c in Application.PlanVia.choices if c[0] != Application.PlanVia.LINK
            ],
            "posted": posted or {},
            "new_card": WarrantyCard.objects.filter(
                serial=app.replacement_serial, void=False
            ).first()
            if app.replacement_serial_id
            else None,
        },
        status=status,
    )


def _company_return_address() -> dict:
    from django.conf import settings

    return {
        "address": getattr(settings, "COMPANY_RETURN_ADDRESS", ""),
        "contact": getattr(settings, "COMPANY_RETURN_CONTACT", ""),
        "phone": getattr(settings, "COMPANY_RETURN_PHONE", ""),
    }


FACT_LABELS = {
    "category": gettext_lazy("Category"),
    "channel": gettext_lazy("Channel"),
    "purchase_date": gettext_lazy("Purchase (invoice) date"),
    "received_date": gettext_lazy("Received on"),
    "report_date": gettext_lazy("Reported on"),
    "problem": gettext_lazy("Problem"),
    "prior_repairs": gettext_lazy("Repairs so far"),
    "has_invoice_or_card": gettext_lazy("Invoice or Three Guarantees (三包) certificate"),
    "failed_part": gettext_lazy("Failed part"),
    "exchanged_on": gettext_lazy("Exchanged on"),
    "repair_intervals": gettext_lazy("Days in repair"),
    "goods_intact": gettext_lazy("Goods intact"),
    "no_reason_exception": gettext_lazy("No-reason return exception"),
    "consumer_confirmed_at_checkout": gettext_lazy("Confirmed at checkout"),
    "price": gettext_lazy("Price"),
    "misuse_evidence": gettext_lazy("Evidence of misuse"),
    "other_proof_of_purchase": gettext_lazy("Other proof of purchase"),
    "card_model_mismatch_or_altered": gettext_lazy("Certificate altered or of another model"),
    "same_model_available": gettext_lazy("Same model available to exchange"),
    "sent_for_repair": gettext_lazy("Sent for repair on"),
    "still_unrepaired_on": gettext_lazy("Still not repaired on"),
    "factory_date": gettext_lazy("Production date"),
    "component": gettext_lazy("Component"),
    "delay_cause": gettext_lazy("Cause of the delay"),
    "misrepresented_on": gettext_lazy("Misrepresentation discovered on"),
    "misrepresentation_evidence": gettext_lazy("Evidence of the misrepresentation"),
    "cannot_repair_in_time": gettext_lazy("Cannot be repaired in the promised time"),
    "quality_verdict": gettext_lazy("Quality department's verdict on the photos"),
    "extended_warranty": gettext_lazy("Extended warranty"),
    "spec_mismatch": gettext_lazy("Not the ordered specification"),
}
DELAY_CAUSE_LABELS = {
    "repairer": gettext_lazy("The repairer's own delay"),
    "producer_no_parts": gettext_lazy("No parts from the producer"),
}


def _facts_rows(facts: dict) -> list[tuple[str, object]]:
    rows = []
    for key, value in facts.items():
        label = FACT_LABELS.get(key, key)
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif key == "channel":
            value = _("Online (distance sale)") if value == "online" else _("In store")
        elif key == "problem":
            value = dict(_problem_labels()).get(value, value)
        elif key == "no_reason_exception":
            value = exception_label(value)
        elif key == "category":
            value = name_label(value)
        elif key == "delay_cause":
            value = DELAY_CAUSE_LABELS.get(value, value)
        elif key == "extended_warranty" and isinstance(value, dict):
            value = f"{value.get('plan', '')} · {value.get('number', '')}"
        elif key == "quality_verdict":
            value = dict(Application.Verdict.choices).get(value, value)
        rows.append((label, value))
    return rows


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_POST
def application_step(request, number: str, action: str):
    app = _application(request, number)
    post = request.POST
    common = {"actor": request.user, "application": app}
    version = post.get("version", "")
    if version.isdigit():
        common["expected_version"] = int(version)
    try:
        plan = {
            "timetable": post.get("timetable", ""),
            "replacement_product": _replacement_product(post.get("replacement_product", "")),
            "extra_fee": post.get("extra_fee", "") or None,
        }
        if action == "approve":
            flow.application_review(
                **common,
                approve=True,
                remedy=post.get("remedy", ""),
                note=post.get("note", ""),
                **plan,
            )
        elif action == "reject":
            flow.application_review(
                **common, approve=False, remedy=post.get("remedy", ""), note=post.get("note", "")
            )
        elif action == "plan":
            handling.application_plan_send(**common, **plan)
        elif action == "plan_answer":
            handling.application_plan_answer(
                **common,
                agree=post.get("agree") == "1",
                via=post.get("via", ""),
                note=post.get("note", ""),
            )
        elif action == "quality_verdict":
            handling.application_quality_verdict(
                **common, verdict=post.get("verdict", ""), note=post.get("note", "")
            )
        elif action == "request_goods":
            flow.application_request_goods(
                **common,
                return_address=post.get("return_address", ""),
                return_contact=post.get("return_contact", ""),
                return_phone=post.get("return_phone", ""),
                carrier=post.get("carrier", ""),
                tracking_no=post.get("tracking_no", ""),
                shipping_payer=post.get("shipping_payer", ""),
            )
        elif action == "receive":
            flow.application_receive(
                **common,
                intact={"1": True, "0": False}.get(post.get("intact", "")),
                condition=post.get("condition", ""),
                received_serial=post.get("received_serial", ""),
                disposition=post.get("disposition", ""),
                photos=request.FILES.getlist("photos"),
            )
        elif action == "refund":
            flow.application_refund(
                **common,
                gift_deduction=post.get("gift_deduction", "") or "0",
                shipping_deduction=post.get("shipping_deduction", "") or "0",
            )
        elif action == "ship_replacement":
            flow.application_ship_replacement(
                **common, replacement_serial=post.get("replacement_serial", "")
            )
        elif action == "repaired":
            flow.application_mark_repaired(**common, work_done=post.get("work_done", ""))
        elif action == "close":
            flow.application_close(**common, note=post.get("note", ""))
        elif action == "cancel":
            flow.application_cancel(**common, note=post.get("note", ""))
        elif action == "evidence":
            flow.evidence_add(
                actor=request.user, application=app, files=request.FILES.getlist("photos")
            )
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        # Show the page again with what was typed: a clerk must not re-submit blank fields.
        return _render_detail(request, _application(request, number), posted=post, status=400)
    label = flow.ACTION_LABELS.get(action) or PAGE_STEP_LABELS.get(action)
    messages.success(request, _("%(step)s: done.") % {"step": label} if label else _("Saved."))
    return redirect("warranty:application-detail", number=app.number)


PAGE_STEP_LABELS = {
    "plan": gettext_lazy("Handling plan sent"),
    "plan_answer": gettext_lazy("The customer's answer"),
    "quality_verdict": gettext_lazy("Verdict on the photos"),
}


def _replacement_product(pk: str):
    """The higher-specification product chosen on the approval form (blank: the same one)."""
    from aftersales.catalog.models import Product

    pk = (pk or "").strip()
    if not pk.isdigit():
        return None
    return Product.objects.filter(pk=int(pk)).first()


@login_required
def evidence_file(request, number: str, pk: int):
    app = _application(request, number)
    row = Evidence.objects.filter(application=app, pk=pk).first()
    if row is None:
        raise Http404
    return stored_file_response(
        request, row.file, content_type=row.content_type, filename=row.original_name
    )
