"""Pages of 三包 certificates (R4, R7, R10) and the public promises page (S2, SAL-11).

Thin: the forms check the shape of the input, the services decide; reads and scope come from
``services.cards`` so these pages and the API agree on who sees which certificate.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aftersales.catalog.models import Product
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.forms import StyledFormMixin, add_error_to_form, error_text
from aftersales.customers.selectors import customer_list_for_user

from ..models import WarrantyCard
from ..pdf import card_pdf
from ..permissions import can_issue_card, can_view_warranty
from ..services import cards as services

PAGE_SIZE = 25


class DateInput(forms.DateInput):
    input_type = "date"


class CardForm(StyledFormMixin, forms.Form):
    product_sku = forms.CharField(label=gettext_lazy("Product SKU"), max_length=40)
    customer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    serial = forms.CharField(label=gettext_lazy("Serial number"), max_length=60, required=False)
    invoice_date = forms.DateField(label=gettext_lazy("Invoice date"), widget=DateInput)
    starts_on = forms.DateField(
        label=gettext_lazy("Period starts on"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Leave empty: the invoice date (after an exchange: today)."),
    )
    order = forms.CharField(label=gettext_lazy("Order number"), max_length=30, required=False)
    replaces = forms.CharField(widget=forms.HiddenInput, required=False)


class RepairForm(StyledFormMixin, forms.Form):
    sent_on = forms.DateField(label=gettext_lazy("Handed in"), widget=DateInput)
    returned_on = forms.DateField(label=gettext_lazy("Returned"), required=False, widget=DateInput)
    fault = forms.CharField(label=gettext_lazy("Fault"), max_length=200)
    part = forms.CharField(label=gettext_lazy("Part"), max_length=60, required=False)
    work_done = forms.CharField(label=gettext_lazy("Work done"), max_length=300, required=False)
    repairer = forms.CharField(label=gettext_lazy("Repaired by"), max_length=60)
    waiting_for_parts = forms.BooleanField(label=gettext_lazy("Waited for parts"), required=False)


def _viewer(request) -> None:
    """Certificates are for the company's staff and dealers; anyone else gets a plain 404."""
    if not can_view_warranty(request.user):
        raise Http404


def _card(request, number: str) -> WarrantyCard:
    try:
        return services.card_get_for_user(request.user, number=number)
    except NotFound:
        raise Http404 from None


@login_required
def card_list(request):
    _viewer(request)
    q = request.GET.get("q", "")
    cards = services.card_list_for_user(request.user, q=q)
    page = Paginator(cards, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "warranty/card_list.html",
        {"page": page, "q": q, "can_issue": can_issue_card(request.user)},
    )


@login_required
def card_new(request):
    """Issue a certificate: the product by SKU, the customer picked from a search, the serial,
    invoice date and order. ``?replaces=<number>`` issues the new certificate after an
    exchange (R10)."""
    if not can_issue_card(request.user):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    form = CardForm(request.POST or None, initial=request.GET.dict())
    customers = customer_list_for_user(request.user)
    customer = None
    customer_id = source.get("customer", "")
    if str(customer_id).isdigit():
        customer = customers.filter(pk=int(customer_id)).first()
    replaces = None
    if source.get("replaces"):
        replaces = (
            services.card_list_for_user(request.user).filter(number=source["replaces"]).first()
        )
        if replaces is not None and customer is None:
            customer = replaces.customer
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            card = services.card_issue_by_reference(
                actor=request.user,
                product_sku=data["product_sku"],
                customer_id=data["customer"],
                invoice_date=data["invoice_date"],
                serial_no=data["serial"],
                order_no=data["order"],
                starts_on=data["starts_on"],
                replaces_no=data["replaces"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Certificate %(number)s issued.") % {"number": card.number})
            return redirect(card.get_absolute_url())
    if request.method != "POST":
        if replaces is not None:
            form.initial.update(
                {
                    "product_sku": replaces.product.sku,
                    "invoice_date": replaces.invoice_date,
                    "replaces": replaces.number,
                }
            )
        if customer is not None:
            form.initial["customer"] = customer.pk
    customer_q = request.GET.get("customer_q", "").strip()
    found = customer_list_for_user(request.user, q=customer_q)[:20] if customer_q else []
    return render(
        request,
        "warranty/card_form.html",
        {
            "form": form,
            "customer": customer,
            "customer_q": customer_q,
            "found": found,
            "replaces": replaces,
        },
    )


@login_required
def card_detail(request, number: str):
    """The certificate's terms and periods, its repair records, and a form to add one."""
    _viewer(request)
    card = _card(request, number)
    can_edit = services.can_issue_card_for(request.user, card.customer) and not card.void
    form = RepairForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            try:
                services.card_repair_add(actor=request.user, card=card, **form.cleaned_data)
            except ApplicationError as exc:
                add_error_to_form(form, exc)
                if not exc.fields:
                    messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Repair record added."))
                return redirect(card.get_absolute_url())
    repairs = list(card.repairs.all())
    return render(
        request,
        "warranty/card_detail.html",
        {
            "card": card,
            "terms": card.terms or {},
            "periods": services.card_periods(card, repairs=repairs),
            "repairs": repairs,
            "form": form,
            "can_edit": can_edit,
            "can_replace": can_edit and can_issue_card(request.user),
            "successor": WarrantyCard.objects.filter(replaces=card).only("number").first(),
            **_extended_context(request.user, card),
        },
    )


def _extended_context(user, card) -> dict:
    """The unit's extended warranty, or the plans that may be sold on it (S14 五、2)."""
    from ..permissions import can_sell_extended
    from ..services import extended

    contract = extended.active_extended_warranty(card.serial) if card.serial_id else None
    return {
        "extended": contract,
        "extended_period": extended.contract_period(contract) if contract else None,
        "extended_plans": extended.plans_on_sale(card.product)
        if card.serial_id and not card.void and contract is None
        else [],
        "may_sell": can_sell_extended(user) and not card.void,
    }


@login_required
def card_pdf_view(request, number: str):
    _viewer(request)
    card = _card(request, number)
    response = HttpResponse(card_pdf(card), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{card.number}.pdf"'
    return response


def months_text(months) -> str:
    """12 → "1 year", 6 → "6 months", in the reader's language."""
    if not months:
        return ""
    months = int(months)
    if months % 12 == 0:
        years = months // 12
        return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}


def promises(request, sku: str):
    """PUBLIC (no sign-in): what the company promises after sale for this product (S2,
    SAL-11), from the default policy's terms for its category: the 三包 periods, return and
    exchange windows, the 7-day no-reason return for online purchases, fees, exemptions and
    how to ask for service; then the written promises beyond them (the authenticity guarantee
    …): the company's, and with ``?dealer=<code>`` that dealer's, once published."""
    product = Product.objects.select_related("category").filter(sku=sku, active=True).first()
    if product is None:
        raise Http404
    try:
        terms = services.terms_for_product(product)
    except ApplicationError:
        raise Http404 from None
    parts = [
        {"name": p.get("name", ""), "period": months_text(p.get("months"))}
        for p in terms.get("main_parts") or []
    ]
    components = [
        {"name": p.get("name", ""), "period": months_text(p.get("months"))}
        for p in terms.get("components") or []
    ]
    # The written promises beyond the 三包 (SAL-11): the company's, and with ``?dealer=<code>``
    # that dealer's, published and in force only.
    from aftersales.sales.selectors import promises_for_product

    groups = promises_for_product(product=product, dealer_code=request.GET.get("dealer", ""))
    return render(
        request,
        "warranty/promises.html",
        {
            "product": product,
            "terms": terms,
            "whole_unit": months_text(terms.get("whole_unit_months")),
            "main_parts": parts,
            "components": components,
            "from_receipt": terms.get("window_from") == "receipt",
            "company_promises": next((g.promises for g in groups if g.dealer is None), []),
            "dealer_promises": [g for g in groups if g.dealer is not None],
        },
    )
