"""Pages of the care side of field service: loaners (R15), maintenance plans (WAR-16), and the
charges panel of the work order page (WAR-9) with the routes its forms post to. Thin: every
rule is in ``services.charges``, ``services.loaners`` and ``services.maintenance``."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.catalog.models import Product, SerialNumber
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import StyledFormMixin, add_error_to_form, error_text
from aftersales.customers.selectors import customer_list_for_user

from ..models import LoanerIssue, LoanerUnit, WorkOrder
from ..permissions import can_dispatch, can_view_work_orders
from ..selectors import work_order_get_for_user
from ..services import charges as charge_services
from ..services import loaners as loaner_services
from ..services import maintenance as plan_services
from ..services.work_orders import address_of

PER_PAGE = 25


def _back(number: str):
    return redirect(reverse("repairs:work-order-detail", args=[number]))


def _work_order(request, number: str) -> WorkOrder:
    wo = work_order_get_for_user(request.user, number)
    if wo is None:
        raise Http404
    return wo


def _customer(user, raw) -> object | None:
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    return customer_list_for_user(user, include_merged=False).filter(pk=pk).first()


# -- the charges panel (WAR-9) -------------------------------------------------------------


def charges_panel(work_order: WorkOrder, user) -> dict:
    """What ``repairs/_charges.html`` shows on the work order page: the lines free or paid,
    the total, the quotation's state, the cost split, and which forms the reader may use."""
    lines = charge_services.charge_lines(work_order)
    closed = work_order.status in charge_services.CLOSED
    may_charge = charge_services.can_charge(user, work_order) and not closed
    state = charge_services.quote_state(work_order)
    payable = sum((charge_services.line_amount(ln) for ln in lines), Decimal("0.00"))
    answerable = state in ("sent",) and not closed
    return {
        "wo": work_order,
        "lines": [
            {
                "line": ln,
                "amount": charge_services.line_amount(ln),
                # A part goes back to stock (a return move); other lines are just removed.
                "removable": may_charge,
            }
            for ln in lines
        ],
        "total": payable,
        "free_value": sum(
            (charge_services.line_value(ln) for ln in lines if ln.free), Decimal("0.00")
        ),
        "quote_state": state,
        "quote_needed": charge_services.quote_needed(work_order),
        "can_charge": may_charge,
        "kinds": [(k.value, k.label) for k in charge_services.ADDABLE_KINDS],
        "can_send": may_charge and payable > 0 and state in ("none", "declined", "outdated"),
        "can_resend": may_charge and payable > 0 and state == "sent",
        "can_accept_on_site": answerable
        and charge_services.can_accept_quote(user, work_order, by_customer=True),
        "can_accept_office": answerable
        and charge_services.can_accept_quote(user, work_order, by_customer=False),
        "split": charge_services.cost_split(work_order) if work_order.case_id else None,
        "can_record_split": can_dispatch(user) and work_order.case_id is not None,
    }


def _charger(request, number: str) -> WorkOrder:
    wo = _work_order(request, number)
    if not charge_services.can_charge(request.user, wo):
        raise Http404
    return wo


class ChargeForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in charge_services.ADDABLE_KINDS])
    description = forms.CharField(max_length=120, required=False)
    quantity = forms.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"))
    unit_price = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    free = forms.ChoiceField(
        choices=[("", "default"), ("1", "free"), ("0", "paid")], required=False
    )


@login_required
@require_POST
def charge_add(request, number: str):
    wo = _charger(request, number)
    form = ChargeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the charge: kind, quantity and price."))
        return _back(number)
    v = form.cleaned_data
    try:
        line = charge_services.charge_add(
            actor=request.user,
            work_order=wo,
            kind=v["kind"],
            description=v["description"],
            quantity=v["quantity"],
            unit_price=v["unit_price"],
            free={"1": True, "0": False}.get(v["free"]),
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Charge added: %(line)s.") % {"line": line.description})
    return _back(number)


@login_required
@require_POST
def charge_remove(request, number: str, pk: int):
    wo = _charger(request, number)
    line = wo.charges.filter(pk=pk).first()
    try:
        if line is not None and line.stock_move_id is not None:
            from ..services.parts import part_return_unused

            part_return_unused(actor=request.user, charge_line=line)
            done = _("The part went back to stock.")
        else:
            charge_services.charge_remove(actor=request.user, work_order=wo, line_id=pk)
            done = _("Charge removed.")
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)
    return _back(number)


@login_required
@require_POST
def quote_step(request, number: str, action: str):
    wo = _work_order(request, number)
    if action not in charge_services.QUOTE_ACTIONS:
        raise Http404
    by_customer = request.POST.get("by_customer") == "1"
    try:
        if action == "send":
            charge_services.quote_send(actor=request.user, work_order=wo)
            done = _("Quotation sent to the customer: ¥%(total)s.") % {"total": wo.quote_total}
        elif action == "accept":
            charge_services.quote_accept(actor=request.user, work_order=wo, by_customer=by_customer)
            done = _("The customer's acceptance is recorded.")
        else:
            charge_services.quote_decline(
                actor=request.user,
                work_order=wo,
                by_customer=by_customer,
                note=request.POST.get("note", "")[:300],
            )
            done = _("The refusal is recorded; the paid work is not done.")
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)
    return _back(number)


@login_required
def charge_sheet(request, number: str):
    wo = _work_order(request, number)
    response = HttpResponse(
        charge_services.charge_sheet_pdf(wo, reader=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="charges-{wo.number}.pdf"'
    return response


@login_required
@require_POST
def cost_split_record(request, number: str):
    wo = _work_order(request, number)
    try:
        charge_services.cost_split_record(actor=request.user, work_order=wo)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("The manufacturer's share is recorded: %(share)s.")
            % {"share": wo.manufacturer_share},
        )
    return _back(number)


# -- loaners (R15) -------------------------------------------------------------------------


def _loaner_viewer(request) -> None:
    if not loaner_services.can_view_loaners(request.user):
        raise Http404


def _loaner_manager(request) -> None:
    if not loaner_services.can_manage_loaners(request.user):
        raise Http404


class LoanerUnitForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("Loaner number"), max_length=40)
    product = forms.ModelChoiceField(
        label=gettext_lazy("Product"), queryset=Product.objects.filter(active=True)
    )
    serial = forms.CharField(label=gettext_lazy("Serial number"), max_length=60, required=False)
    condition = forms.CharField(label=gettext_lazy("Condition"), max_length=200, required=False)


class LoanerIssueForm(StyledFormMixin, forms.Form):
    customer = forms.IntegerField(
        label=gettext_lazy("Customer number"),
        help_text=gettext_lazy("The customer's number in the customer files."),
    )
    work_order = forms.CharField(label=gettext_lazy("Work order"), max_length=30, required=False)
    due_back_on = forms.DateField(
        label=gettext_lazy("Due back on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    condition_out = forms.CharField(label=gettext_lazy("Condition when lent"), max_length=200)


class LoanerReturnForm(StyledFormMixin, forms.Form):
    condition_in = forms.CharField(label=gettext_lazy("Condition when returned"), max_length=200)
    retire = forms.BooleanField(
        label=gettext_lazy("Retire the unit: it is no longer fit to lend"), required=False
    )


@login_required
def loaner_list(request):
    _loaner_viewer(request)
    status = request.GET.get("status", "")
    if status not in LoanerUnit.Status.values:
        status = ""
    overdue_only = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    units = loaner_services.loaner_units(status=status)
    if overdue_only:
        units = units.filter(
            issues__returned_at__isnull=True, issues__due_back_on__lt=today
        ).distinct()
    page = Paginator(units, PER_PAGE).get_page(request.GET.get("page"))
    loans = loaner_services.loans_by_unit(page.object_list)
    rows = [
        {
            "unit": u,
            "loan": loans.get(u.pk),
            "overdue": u.pk in loans and loans[u.pk].due_back_on < today,
        }
        for u in page.object_list
    ]
    return render(
        request,
        "repairs/loaner_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "overdue_only": overdue_only,
            "statuses": LoanerUnit.Status.choices,
            "overdue_count": loaner_services.loaners_overdue(today).count(),
            "can_manage": loaner_services.can_manage_loaners(request.user),
        },
    )


@login_required
def loaner_unit_new(request):
    _loaner_manager(request)
    form = LoanerUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            unit = loaner_services.loaner_unit_create(actor=request.user, **v)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Loaner %(code)s added.") % {"code": unit.code})
            return redirect("repairs:loaner-list")
    return render(request, "repairs/loaner_form.html", {"form": form, "unit": None})


def _unit(code: str) -> LoanerUnit:
    unit = LoanerUnit.objects.select_related("product").filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


@login_required
def loaner_issue(request, code: str):
    _loaner_manager(request)
    unit = _unit(code)
    initial = {"work_order": request.GET.get("work_order", "")}
    form = LoanerIssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        customer = _customer(request.user, v["customer"])
        work_order = None
        if v["work_order"].strip():
            work_order = work_order_get_for_user(request.user, v["work_order"].strip())
            if work_order is None:
                form.add_error("work_order", _("No work order has this number."))
        if customer is None:
            form.add_error("customer", _("No customer has this number."))
        if not form.errors:
            try:
                loaner_services.loaner_issue(
                    actor=request.user,
                    unit=unit,
                    customer=customer,
                    due_back_on=v["due_back_on"],
                    condition_out=v["condition_out"],
                    work_order=work_order,
                )
            except ApplicationError as exc:
                add_error_to_form(form, exc)
            else:
                messages.success(request, _("Loaner %(code)s lent.") % {"code": unit.code})
                return redirect("repairs:loaner-list")
    return render(
        request, "repairs/loaner_form.html", {"form": form, "unit": unit, "mode": "issue"}
    )


@login_required
def loaner_return(request, pk: int):
    _loaner_manager(request)
    issue = (
        LoanerIssue.objects.select_related("unit", "unit__product", "customer")
        .filter(pk=pk)
        .first()
    )
    if issue is None:
        raise Http404
    form = LoanerReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            loaner_services.loaner_return(
                actor=request.user, issue=issue, condition_in=v["condition_in"], retire=v["retire"]
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Loaner %(code)s returned.") % {"code": issue.unit.code})
            return redirect("repairs:loaner-list")
    return render(
        request,
        "repairs/loaner_form.html",
        {"form": form, "unit": issue.unit, "issue": issue, "mode": "return"},
    )


# -- maintenance plans (WAR-16) ------------------------------------------------------------


class PlanForm(StyledFormMixin, forms.Form):
    customer = forms.IntegerField(
        label=gettext_lazy("Customer number"),
        help_text=gettext_lazy("The customer's number in the customer files."),
    )
    product = forms.ModelChoiceField(
        label=gettext_lazy("Product"), queryset=Product.objects.filter(active=True)
    )
    serial = forms.CharField(label=gettext_lazy("Serial number"), max_length=60, required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)
    work = forms.CharField(
        label=gettext_lazy("What is done"),
        max_length=200,
        help_text=gettext_lazy("Cleaning, upkeep, replacing wearing parts."),
    )
    interval_months = forms.IntegerField(label=gettext_lazy("Every (months)"), min_value=1)
    next_due_on = forms.DateField(
        label=gettext_lazy("First visit due"), widget=forms.DateInput(attrs={"type": "date"})
    )
    lead_days = forms.IntegerField(
        label=gettext_lazy("Create the visit this many days ahead"), min_value=0, initial=14
    )
    covered = forms.BooleanField(
        label=gettext_lazy("Included in the contract (the visits are free)"), required=False
    )


@login_required
def maintenance_list(request):
    user = request.user
    if not can_view_work_orders(user):
        raise Http404
    show = request.GET.get("show", "active")
    plans = plan_services.plan_list_for_user(
        user, active=None if show == "all" else (show != "inactive")
    )
    page = Paginator(plans, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "repairs/maintenance_list.html",
        {
            "page": page,
            "show": show,
            "today": today,
            "can_create": plan_services.can_manage_plans(user),
            "can_generate": plan_services.can_generate(user),
        },
    )


@login_required
def maintenance_new(request):
    user = request.user
    if not plan_services.can_manage_plans(user):
        raise Http404
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        customer = _customer(user, v["customer"])
        serial = None
        if v["serial"].strip():
            serial = SerialNumber.objects.filter(serial=v["serial"].strip()).first()
            if serial is None:
                form.add_error("serial", _("No product has this serial number."))
        if customer is None:
            form.add_error("customer", _("No customer has this number."))
        if not form.errors:
            address = v["address"].strip() or address_of(customer)
            try:
                plan_services.plan_create(
                    actor=user,
                    customer=customer,
                    product=v["product"],
                    serial=serial,
                    address=address,
                    interval_months=v["interval_months"],
                    next_due_on=v["next_due_on"],
                    lead_days=v["lead_days"],
                    work=v["work"],
                    covered=v["covered"],
                )
            except ApplicationError as exc:
                add_error_to_form(form, exc)
            else:
                messages.success(request, _("Maintenance plan created."))
                return redirect("repairs:maintenance-list")
    return render(request, "repairs/maintenance_form.html", {"form": form})


@login_required
@require_POST
def maintenance_generate(request):
    if not plan_services.can_generate(request.user):
        raise Http404
    created = plan_services.maintenance_generate()
    if created:
        messages.success(
            request,
            _("%(n)s maintenance work orders created: %(numbers)s.")
            % {"n": len(created), "numbers": ", ".join(wo.number for wo in created)},
        )
    else:
        messages.info(request, _("No maintenance visit is due yet."))
    return redirect("repairs:maintenance-list")
