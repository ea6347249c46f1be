"""Extended-warranty pages (S14 五、2, issue 18 B2): the register with revenue by month and
the claims made under the plans, a contract's page, the plans (kept by the sales
vice-president and administrators), and selling a plan from a 三包 certificate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text

from ..models import ExtendedWarranty, ExtendedWarrantyPlan, WarrantyCard
from ..permissions import can_edit_extended_plans, can_sell_extended, can_view_extended
from ..services import extended as service
from ..services.cards import card_get_for_user

PER_PAGE = 50


@login_required
def extended_register(request):
    if not can_view_extended(request.user):
        raise Http404
    status = request.GET.get("status", "")
    q = request.GET.get("q", "")
    rows = service.extended_list_for_user(request.user, q=q, status=status)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    months = service.extended_revenue_by_month(request.user)
    top = max((m["revenue"] for m in months), default=0) or 1
    return render(
        request,
        "warranty/extended_register.html",
        {
            "page": page,
            "rows": list(page.object_list),
            "status": status,
            "q": q,
            "statuses": ExtendedWarranty.Status.choices,
            "months": [{**m, "bar": int(100 * m["revenue"] / top)} for m in months[-12:]],
            "claims": list(service.extended_claims_for_user(request.user)[:20]),
            "plans": ExtendedWarrantyPlan.objects.select_related("category"),
            "may_edit_plans": can_edit_extended_plans(request.user),
        },
    )


@login_required
def extended_detail(request, number: str):
    if not can_view_extended(request.user):
        raise Http404
    try:
        contract = service.extended_get_for_user(request.user, number=number)
    except ApplicationError:
        raise Http404 from None
    return render(
        request,
        "warranty/extended_detail.html",
        {
            "contract": contract,
            "period": service.contract_period(contract),
            "claims": list(contract.claims.select_related("customer")),
            "card": WarrantyCard.objects.filter(serial=contract.serial, void=False).first(),
            "may_cancel": can_edit_extended_plans(request.user)
            and contract.status == ExtendedWarranty.Status.ACTIVE,
        },
    )


@login_required
@require_POST
def extended_cancel(request, number: str):
    if not can_view_extended(request.user):
        raise Http404
    try:
        contract = service.extended_get_for_user(request.user, number=number)
        service.extended_warranty_cancel(
            actor=request.user, contract=contract, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The contract is cancelled."))
    return redirect("warranty:extended-detail", number=number)


@login_required
@require_POST
def extended_sell(request, number: str):
    """Sell a plan from the certificate's page (the unit and its customer come from it)."""
    if not can_sell_extended(request.user):
        raise Http404
    try:
        card = card_get_for_user(request.user, number=number)
    except ApplicationError:
        raise Http404 from None
    plan = ExtendedWarrantyPlan.objects.filter(pk=request.POST.get("plan") or 0).first()
    try:
        contract = service.extended_warranty_sell(
            actor=request.user,
            serial=card.serial,
            plan=plan,
            order=card.order if request.POST.get("with_order") == "1" else None,
            price=request.POST.get("price", "") or None,
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(card.get_absolute_url())
    messages.success(
        request,
        _("Extended warranty %(number)s sold: %(plan)s.")
        % {"number": contract.number, "plan": contract.plan.name},
    )
    return redirect(contract.get_absolute_url())


@login_required
def plan_edit(request, code: str = ""):
    """Create a plan (no code) or change one."""
    if not can_edit_extended_plans(request.user):
        raise Http404
    from aftersales.catalog.models import Category

    plan = ExtendedWarrantyPlan.objects.filter(code=code).first() if code else None
    if code and plan is None:
        raise Http404
    errors: dict = {}
    posted = request.POST if request.method == "POST" else None
    if request.method == "POST":
        p = request.POST

        def number(key):
            raw = (p.get(key) or "").strip()
            return int(raw) if raw.isdigit() else raw

        category = Category.objects.filter(pk=p.get("category") or 0).first()
        try:
            plan = service.plan_save(
                actor=request.user,
                plan=plan,
                code=p.get("code", ""),
                name=p.get("name", ""),
                price=p.get("price", ""),
                months=number("months"),
                sale_window_days=number("sale_window_days"),
                exclusions=p.get("exclusions", ""),
                category=category,
                covers_parts=p.get("covers_parts") == "1",
                covers_labour=p.get("covers_labour") == "1",
                transferable=p.get("transferable") == "1",
                active=p.get("active") == "1",
            )
        except ApplicationError as exc:
            errors = getattr(exc, "fields", {}) or {}
            if not errors:
                messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Plan %(name)s saved.") % {"name": plan.name})
            return redirect("warranty:extended-register")
    if posted:
        values = posted
    elif plan is not None:
        values = {k: getattr(plan, k) for k in service.PLAN_FIELDS if k != "category"}
    else:
        values = {"sale_window_days": 30}
    return render(
        request,
        "warranty/extended_plan_form.html",
        {
            "plan": plan,
            "values": values,
            "category_id": plan.category_id if plan else None,
            "checked": {
                "covers_parts": plan.covers_parts if plan else True,
                "covers_labour": plan.covers_labour if plan else True,
                "transferable": plan.transferable if plan else False,
                "active": plan.active if plan else True,
            },
            "errors": errors,
            "categories": Category.objects.order_by("code"),
        },
        status=400 if errors else 200,
    )
