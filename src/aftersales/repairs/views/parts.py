"""Pages of spare parts and their stock (WAR-15): the list, a part with its stock and ledger,
receipts, transfers and stock-takes, the re-order list and the counter sale.

Thin: the forms check the shape of the input, ``services.parts`` decides and says who may.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import StyledFormMixin, add_error_to_form, error_text
from aftersales.customers.selectors import customer_list_for_user

from ..models import CounterSale, Location, SparePart
from ..permissions import can_manage_stock
from ..services import parts as services

PAGE_SIZE = 25
MOVES_PAGE_SIZE = 20
SALE_ROWS = 5


def _locations():
    return services.locations_active()


class PartForm(StyledFormMixin, forms.Form):
    part_no = forms.CharField(label=gettext_lazy("Part number"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    price = forms.DecimalField(
        label=gettext_lazy("Price (CNY)"), min_value=0, max_digits=12, decimal_places=2
    )
    cost = forms.DecimalField(
        label=gettext_lazy("Cost (CNY)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=10, initial="个")
    warranty_months = forms.IntegerField(
        label=gettext_lazy("Part warranty (months)"), min_value=0, max_value=120, initial=3
    )
    reorder_point = forms.IntegerField(
        label=gettext_lazy("Re-order point"),
        min_value=0,
        initial=0,
        help_text=gettext_lazy(
            "The warehouse is told when stock in the warehouses and the repair centre falls "
            "to this. 0: not watched."
        ),
    )
    products = forms.CharField(
        label=gettext_lazy("Fits products (SKUs)"),
        required=False,
        help_text=gettext_lazy("SKUs separated by commas."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReceiveForm(StyledFormMixin, forms.Form):
    location = forms.ModelChoiceField(
        label=gettext_lazy("Into"), queryset=Location.objects.none(), to_field_name="code"
    )
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1)
    reference = forms.CharField(label=gettext_lazy("Delivery note"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()


class TransferForm(StyledFormMixin, forms.Form):
    from_location = forms.ModelChoiceField(
        label=gettext_lazy("From"), queryset=Location.objects.none(), to_field_name="code"
    )
    to_location = forms.ModelChoiceField(
        label=gettext_lazy("To"), queryset=Location.objects.none(), to_field_name="code"
    )
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_location"].queryset = _locations()
        self.fields["to_location"].queryset = _locations()


class AdjustForm(StyledFormMixin, forms.Form):
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"), queryset=Location.objects.none(), to_field_name="code"
    )
    counted = forms.IntegerField(label=gettext_lazy("Counted"), min_value=0)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations()


def _viewer(request) -> None:
    """Parts are for the company's staff; anyone else gets a plain 404."""
    if not services.can_view_parts(request.user):
        raise Http404


def _part(part_no: str) -> SparePart:
    part = services.part_get(part_no)
    if part is None:
        raise Http404
    return part


@login_required
def parts_list(request):
    _viewer(request)
    q = request.GET.get("q", "").strip()
    page = Paginator(services.part_list(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "repairs/parts_list.html",
        {
            "page": page,
            "q": q,
            "can_manage": can_manage_stock(request.user),
            "can_sell": services.can_sell_parts(request.user),
        },
    )


def _detail_context(request, part: SparePart, **forms_) -> dict:
    moves = Paginator(services.part_moves(part), MOVES_PAGE_SIZE).get_page(request.GET.get("page"))
    manage = can_manage_stock(request.user)
    context = {
        "part": part,
        "stock": list(services.part_stock(part)),
        "moves": moves,
        "page": moves,
        "can_manage": manage,
        "low": part.reorder_point > 0 and part.on_shelf <= part.reorder_point,
    }
    if manage:
        context["receive_form"] = forms_.get("receive_form") or ReceiveForm(prefix="receive")
        context["transfer_form"] = forms_.get("transfer_form") or TransferForm(prefix="transfer")
        context["adjust_form"] = forms_.get("adjust_form") or AdjustForm(prefix="adjust")
    return context


@login_required
def part_detail(request, part_no: str):
    _viewer(request)
    part = _part(part_no)
    return render(request, "repairs/parts_detail.html", _detail_context(request, part))


def _stock_step(request, part_no: str, form_class, prefix: str, run, done: str):
    """One stock form posted from the part page: on success back to the page, on error the
    page again with the form and its errors."""
    _viewer(request)
    if not can_manage_stock(request.user):
        raise Http404
    part = _part(part_no)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            run(part, form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
            messages.error(request, error_text(exc))
        else:
            messages.success(request, done)
            return redirect("repairs:part-detail", part_no=part.part_no)
    return render(
        request,
        "repairs/parts_detail.html",
        _detail_context(request, part, **{f"{prefix}_form": form}),
        status=400,
    )


@login_required
@require_POST
def part_receive(request, part_no: str):
    return _stock_step(
        request,
        part_no,
        ReceiveForm,
        "receive",
        lambda part, d: services.stock_receive(
            actor=request.user,
            part=part,
            location=d["location"],
            quantity=d["quantity"],
            reference=d["reference"],
        ),
        _("Receipt recorded."),
    )


@login_required
@require_POST
def part_transfer(request, part_no: str):
    return _stock_step(
        request,
        part_no,
        TransferForm,
        "transfer",
        lambda part, d: services.stock_transfer(
            actor=request.user,
            part=part,
            from_location=d["from_location"],
            to_location=d["to_location"],
            quantity=d["quantity"],
        ),
        _("Transfer recorded."),
    )


@login_required
@require_POST
def part_adjust(request, part_no: str):
    return _stock_step(
        request,
        part_no,
        AdjustForm,
        "adjust",
        lambda part, d: services.stock_adjust(
            actor=request.user,
            part=part,
            location=d["location"],
            counted=d["counted"],
            reason=d["reason"],
        ),
        _("Stock-take recorded."),
    )


def _part_form_page(request, part: SparePart | None):
    if not can_manage_stock(request.user):
        raise Http404
    initial = {}
    if part is not None:
        initial = {
            "part_no": part.part_no,
            "name": part.name,
            "price": part.price,
            "cost": part.cost,
            "unit": part.unit,
            "warranty_months": part.warranty_months,
            "reorder_point": part.reorder_point,
            "products": ", ".join(p.sku for p in part.products.all()),
            "version": part.version,
        }
    form = PartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            products = services.products_by_sku(d["products"].replace("，", ",").split(","))
            saved = services.part_save(
                actor=request.user,
                part_no=d["part_no"],
                name=d["name"],
                price=d["price"],
                cost=d["cost"] if d["cost"] is not None else 0,
                unit=d["unit"],
                warranty_months=d["warranty_months"],
                reorder_point=d["reorder_point"],
                products=products,
                part=part,
                expected_version=d["version"] if part is not None else None,
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Part %(part_no)s saved.") % {"part_no": saved.part_no})
            return redirect("repairs:part-detail", part_no=saved.part_no)
    return render(request, "repairs/parts_form.html", {"form": form, "part": part})


@login_required
def part_new(request):
    _viewer(request)
    return _part_form_page(request, None)


@login_required
def part_edit(request, part_no: str):
    _viewer(request)
    return _part_form_page(request, _part(part_no))


@login_required
def parts_alerts(request):
    _viewer(request)
    return render(request, "repairs/parts_alerts.html", {"alerts": services.reorder_alerts()})


def _sale_rows(post) -> list[dict]:
    rows = [
        {"part_no": no.strip(), "quantity": qty.strip()}
        for no, qty in zip(post.getlist("part_no"), post.getlist("quantity"), strict=False)
    ]
    while len(rows) < SALE_ROWS:
        rows.append({"part_no": "", "quantity": ""})
    return rows


@login_required
def counter_sale_new(request):
    """Sell parts at the counter: the location, up to five lines (part number and quantity),
    and the customer by mobile number or the buyer's name."""
    if not services.can_sell_parts(request.user):
        raise Http404
    post = request.POST if request.method == "POST" else None
    rows = _sale_rows(post) if post else _sale_rows(request.GET)
    errors: dict[str, list[str]] = {}
    values = {
        "location": (post or request.GET).get("location", ""),
        "phone": (post or {}).get("phone", "").strip() if post else "",
        "buyer": (post or {}).get("buyer", "").strip() if post else "",
    }
    if post is not None:
        lines = []
        for index, row in enumerate(rows):
            if not row["part_no"] and not row["quantity"]:
                continue
            part = services.part_get(row["part_no"]) if row["part_no"] else None
            if part is None:
                errors[f"lines[{index}].part"] = [
                    _("There is no part %(no)s.") % {"no": row["part_no"] or "—"}
                ]
                continue
            lines.append((part, row["quantity"] or "1"))
        customer = None
        if values["phone"]:
            customer = customer_list_for_user(request.user).filter(mobile=values["phone"]).first()
            if customer is None:
                errors["phone"] = [_("No customer has this mobile number.")]
        location = services.location_get(values["location"])
        if location is None:
            errors["location"] = [_("Choose the stock location.")]
        if not errors:
            try:
                sale = services.counter_sale_create(
                    actor=request.user,
                    location=location,
                    lines=lines,
                    customer=customer,
                    buyer=values["buyer"],
                )
            except ApplicationError as exc:
                errors = exc.fields or {"": [str(exc.message)]}
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Sale %(number)s recorded.") % {"number": sale.number})
                return redirect("repairs:counter-sale-detail", number=sale.number)
    return render(
        request,
        "repairs/parts_counter_sale.html",
        {
            "rows": rows,
            "values": values,
            "errors": errors,
            "error_list": [m for msgs in errors.values() for m in msgs],
            "locations": _locations(),
        },
        status=400 if errors else 200,
    )


@login_required
def counter_sale_detail(request, number: str):
    """The sale as printed for the buyer: lines, prices and the total."""
    if not services.can_sell_parts(request.user):
        raise Http404
    sale = (
        CounterSale.objects.filter(number=number)
        .select_related("location", "customer", "sold_by")
        .prefetch_related("lines__part")
        .first()
    )
    if sale is None:
        raise Http404
    lines = [{"line": line, "amount": line.unit_price * line.quantity} for line in sale.lines.all()]
    return render(request, "repairs/parts_counter_sale_detail.html", {"sale": sale, "lines": lines})
