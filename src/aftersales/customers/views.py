from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError, NotFound, PermissionDenied
from aftersales.core.forms import add_error_to_form
from aftersales.core.models import ExportRecord

from . import selectors, services
from .excel import export_customers
from .forms import CustomerForm, FileEntryForm, MergeForm
from .masking import sees_full_phones
from .models import Customer
from .permissions import (
    can_edit_customers,
    can_export_customers,
    can_merge_customers,
    dealer_of,
    is_dealer_user,
)


def _customer(request, customer_id: int) -> Customer:
    try:
        return selectors.customer_get_for_user(request.user, customer_id=customer_id)
    except NotFound:
        raise Http404 from None


def _filters(request) -> dict:
    return {k: request.GET.get(k, "").strip() for k in ("q", "level", "dealer", "kind")}


@login_required
def customer_list(request):
    filters = _filters(request)
    customers = selectors.customer_list_for_user(request.user, **filters)
    page = Paginator(customers, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "levels": Customer.Level.choices,
        "kinds": Customer.Kind.choices,
        "dealers": selectors.dealer_list(),
        "full_phone": sees_full_phones(request.user),
        "can_edit": can_edit_customers(request.user),
        "can_export": can_export_customers(request.user),
        "is_dealer": is_dealer_user(request.user),
        "querystring": request.GET.urlencode(),
    }
    template = (
        "customers/partials/customer_table.html" if request.htmx else "customers/customer_list.html"
    )
    return render(request, template, context)


@login_required
def customer_export(request):
    if not can_export_customers(request.user):
        raise Http404
    filters = _filters(request)
    customers = selectors.customer_list_for_user(request.user, **filters)
    response, count = export_customers(request.user, customers)
    ExportRecord.objects.create(
        user=request.user, what="customers", rows=count, filters=request.GET.urlencode()[:300]
    )
    return response


@login_required
def customer_detail(request, customer_id: int):
    customer = _customer(request, customer_id)
    duplicates = selectors.customer_duplicates(
        mobile=customer.mobile,
        credit_code=customer.credit_code,
        exclude_id=customer.pk,
        user=request.user,
    )
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "full_phone": sees_full_phones(request.user, customer=customer),
            # A dealer that only handles an old case of a customer who moved on reads, not edits.
            "can_edit": can_edit_customers(request.user)
            and not customer.merged_into_id
            and (
                not is_dealer_user(request.user)
                or customer.dealer_id == getattr(dealer_of(request.user), "pk", None)
            ),
            "can_merge": can_merge_customers(request.user) and not customer.merged_into_id,
            "duplicates": duplicates,
            "file_form": FileEntryForm(),
            "merge_form": MergeForm(),
            "serials": customer.serials.select_related("product")[:50],
            "entries": customer.file.select_related("author")[:100],
            "page_actions": _page_actions(request.user, customer),
        },
    )


def _page_actions(user, customer) -> list[dict]:
    """Buttons other apps put on the customer's page (``customer_page_actions`` hook: each
    handler answers a list of ``{"label", "url", "icon", "testid"}`` for this reader), e.g.
    the sales app's "New order"."""
    from aftersales.core.hooks import call_hook

    return [
        action
        for answer in call_hook("customer_page_actions", user=user, customer=customer)
        for action in (answer or [])
    ]


PICKER_LIMIT = 10


@login_required
def customer_picker(request):
    """The customers matching a name or phone as it is typed (the order form's picker): the
    reader's own scope, phone numbers as the reader may see them."""
    from .masking import phone_display

    q = (request.GET.get("customer_search") or request.GET.get("q") or "").strip()
    rows = []
    if q:
        show = phone_display(request.user)
        customers = selectors.customer_list_for_user(request.user, q=q)[:PICKER_LIMIT]
        rows = [(c, show(c.mobile or c.landline)) for c in customers]
    return render(request, "customers/partials/customer_picker.html", {"rows": rows, "q": q})


def _form_data(form) -> tuple[dict, int | None]:
    data = dict(form.cleaned_data)
    version = data.pop("version", None)
    return data, version


@login_required
def customer_create(request):
    if not can_edit_customers(request.user):
        raise Http404
    form = CustomerForm(
        request.POST or None,
        initial={"level": "normal", "kind": "individual"},
        dealer_locked=is_dealer_user(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data, _version = _form_data(form)
        try:
            customer, duplicates = services.customer_create(actor=request.user, data=data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Customer %(name)s was created.") % {"name": customer})
            if duplicates:
                messages.warning(
                    request,
                    _(
                        "Possible duplicate: %(names)s share this mobile or credit code. "
                        "Merge them on this page if they are the same customer."
                    )
                    % {"names": "、".join(str(d) for d in duplicates[:5])},
                )
            return redirect("customers:customer-detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": None})


@login_required
def customer_edit(request, customer_id: int):
    customer = _customer(request, customer_id)
    if not can_edit_customers(request.user) or customer.merged_into_id:
        raise Http404
    initial = {f: getattr(customer, f) for f in services.CUSTOMER_FIELDS}
    initial["dealer"] = customer.dealer_id
    initial["version"] = customer.version
    form = CustomerForm(
        request.POST or None, initial=initial, dealer_locked=is_dealer_user(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data, version = _form_data(form)
        try:
            services.customer_update(
                actor=request.user, customer=customer, data=data, expected_version=version
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": customer})
            return redirect("customers:customer-detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@login_required
@require_POST
def customer_validate(request):
    """Inline validation while typing (htmx): the field's message, or a duplicate warning."""
    field = request.POST.get("_field", "")
    form = CustomerForm(request.POST, dealer_locked=is_dealer_user(request.user))
    message, level = "", "danger"
    if field in form.fields and not form.is_valid() and field in form.errors:
        message = form.errors[field][0]
    elif field in form.fields:
        data, _version = _form_data(form)
        try:
            services.customer_build(actor=request.user, data=data)
        except ApplicationError as exc:
            message = (exc.fields.get(field) or [""])[0]
        if not message and field in {"mobile", "credit_code"} and data.get(field):
            value = data[field]
            raw_id = request.POST.get("_id", "")
            found = selectors.customer_duplicates(
                **{field: value},
                exclude_id=int(raw_id) if raw_id.isascii() and raw_id.isdigit() else None,
                user=request.user,
            ).first()
            if found is not None:
                message, level = (
                    _("Already used by customer %(name)s (#%(id)s).")
                    % {"name": found.name, "id": found.pk},
                    "warning",
                )
    if not message:
        return HttpResponse("")
    return HttpResponse(f'<div class="small text-{level} mt-1">{escape(message)}</div>')


@login_required
@require_POST
def customer_reveal(request, customer_id: int):
    customer = _customer(request, customer_id)
    field = request.POST.get("field", "mobile")
    try:
        value = services.customer_reveal_phone(actor=request.user, customer=customer, field=field)
    except ApplicationError:
        raise Http404 from None
    return HttpResponse(f'<span data-testid="revealed-{escape(field)}">{escape(value)}</span>')


@login_required
@require_POST
def customer_file_add(request, customer_id: int):
    customer = _customer(request, customer_id)
    if not can_edit_customers(request.user):
        raise Http404
    form = FileEntryForm(request.POST)
    if form.is_valid():
        try:
            services.customer_file_add(actor=request.user, customer=customer, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Write what the customer needs or said."))
    return redirect("customers:customer-detail", customer_id=customer.pk)


@login_required
@require_POST
def customer_merge(request, customer_id: int):
    source = _customer(request, customer_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the number of the customer to merge into."))
        return redirect("customers:customer-detail", customer_id=source.pk)
    target = _customer(request, form.cleaned_data["into"])
    try:
        services.customer_merge(actor=request.user, source=source, target=target)
    except PermissionDenied:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(
            request, " ".join(m for ms in exc.fields.values() for m in ms) or exc.message
        )
        return redirect("customers:customer-detail", customer_id=source.pk)
    messages.success(
        request, _("%(source)s was merged into %(target)s.") % {"source": source, "target": target}
    )
    return redirect("customers:customer-detail", customer_id=target.pk)
