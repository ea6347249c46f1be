from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch
from aftersales.core.errors import ApplicationError, NotFound, TooManyRequests
from aftersales.core.forms import add_error_to_form, error_text
from aftersales.core.hooks import call_hook
from aftersales.core.throttling import address_rate_exceeded
from aftersales.customers.selectors import customer_get_for_user

from . import permissions, selectors, services
from .forms import LineFormSet, OrderForm
from .models import Order, Shipment
from .pdf import delivery_note_pdf, order_pdf


def _order(request, order_id: int) -> Order:
    try:
        return selectors.order_get_for_user(request.user, order_id=order_id)
    except NotFound:
        raise Http404 from None


@login_required
def order_list(request):
    q, status = request.GET.get("q", ""), request.GET.get("status", "")
    orders = selectors.order_list_for_user(request.user, q=q, status=status)
    page = Paginator(orders, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "sales/order_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": Order.Status.choices,
            "can_sell": user_has_role(request.user, *services.SELLER_ROLES),
            # The written promises open from here: the top bar has no room for another entry.
            "can_view_promises": permissions.can_view_promises(request.user),
            "approvals": selectors.approval_queue(request.user).count()
            if user_has_role(request.user, Role.SALES_VP)
            else None,
            "to_ship": selectors.shipping_queue(request.user).count()
            if user_has_role(request.user, *services.WAREHOUSE_ROLES)
            else None,
        },
    )


@login_required
def queue(request, which: str):
    if which == "approval" and user_has_role(request.user, Role.SALES_VP):
        orders, title = selectors.approval_queue(request.user), _("Waiting for my approval")
    elif which == "shipping" and user_has_role(request.user, *services.WAREHOUSE_ROLES):
        orders, title = selectors.shipping_queue(request.user), _("Waiting to ship")
    else:
        raise Http404
    page = Paginator(orders, 25).get_page(request.GET.get("page"))
    return render(request, "sales/queue.html", {"page": page, "title": title, "which": which})


def _customer_label(user, raw) -> str:
    """ "王小明 · 138****5678": the chosen customer as the picker shows it, for the reader;
    empty when there is no such customer in the reader's scope."""
    from aftersales.customers.masking import phone_for

    raw = str(raw or "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        return ""
    try:
        customer = customer_get_for_user(user, customer_id=int(raw))
    except NotFound:
        return ""
    phone = phone_for(user, customer.mobile or customer.landline)
    return f"{customer.name} · {phone}" if phone else customer.name


@login_required
def order_create(request):
    if not user_has_role(request.user, *services.SELLER_ROLES):
        raise Http404
    chosen = request.POST.get("customer") if request.method == "POST" else None
    chosen = chosen or request.GET.get("customer", "")
    label = _customer_label(request.user, chosen)
    form = OrderForm(
        request.POST or None,
        initial={"customer": chosen if label else ""},
        customer_label=label,
    )
    lines = LineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = dict(form.cleaned_data)
        try:
            customer = customer_get_for_user(request.user, customer_id=data.pop("customer"))
            order = services.order_create(
                actor=request.user,
                customer=customer,
                lines=[
                    services.LineInput(f["product"], f["quantity"], f["unit_price"])
                    for f in lines.cleaned_data
                    if f
                ],
                **data,
            )
        except NotFound:
            form.add_error("customer", _("No such customer."))
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(
                request, _("Order %(number)s was created as a draft.") % {"number": order.number}
            )
            return redirect("sales:order-detail", order_id=order.pk)
    return render(request, "sales/order_form.html", {"form": form, "lines": lines})


@login_required
def order_edit(request, order_id: int):
    """Change a draft: its terms and its lines."""
    order = _order(request, order_id)
    if not user_has_role(request.user, *services.SELLER_ROLES) or order.status != "draft":
        raise Http404
    initial = {f: getattr(order, f) for f in services.EDITABLE_FIELDS}
    form = OrderForm(request.POST or None, initial={**initial, "customer": order.customer_id})
    del form.fields["customer"]
    lines = LineFormSet(
        request.POST or None,
        prefix="lines",
        initial=[
            {"product": line.product_id, "quantity": line.quantity, "unit_price": line.unit_price}
            for line in order.lines.all()
        ],
    )
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            services.order_update(
                actor=request.user,
                order=order,
                **form.cleaned_data,
                lines=[
                    services.LineInput(f["product"], f["quantity"], f["unit_price"])
                    for f in lines.cleaned_data
                    if f
                ],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Order %(number)s was saved.") % {"number": order.number})
            return redirect("sales:order-detail", order_id=order.pk)
    return render(request, "sales/order_form.html", {"form": form, "lines": lines, "order": order})


@login_required
def order_detail(request, order_id: int):
    return _render_detail(request, _order(request, order_id))


def _render_detail(request, order: Order, *, posted=None, errors=None, status: int = 200):
    """The order page; after a refused shipment or reship, with what was typed (a scanned
    list of serial numbers is not typed twice) and the problems per line."""
    user = request.user
    posted, errors = posted or {}, errors or {}
    actions = []
    if user_has_role(user, *services.SELLER_ROLES):
        actions += [
            a
            for a in ("submit", "rework", "cancel", "close")
            if services.can_transition(order, _ACTION_TARGET[a])
        ]
    if user_has_role(user, Role.SALES_VP) and order.salesperson_id != user.pk:
        actions += [
            a for a in ("approve", "reject") if services.can_transition(order, _ACTION_TARGET[a])
        ]
    if user_has_role(user, *services.WAREHOUSE_ROLES) and services.can_transition(
        order, Order.Status.IN_FULFILMENT
    ):
        actions.append("start-fulfilment")
    can_ship = user_has_role(user, *services.WAREHOUSE_ROLES) and order.status in (
        Order.Status.APPROVED,
        Order.Status.IN_FULFILMENT,
        Order.Status.PARTIALLY_SHIPPED,
    )
    open_lines = [line for line in order.lines.all() if line.open_quantity > 0]
    batches = {line.pk: _batches_for(line.product_id) for line in open_lines} if can_ship else {}
    disputes = selectors.dispute_lines(order) if order.shipments.all() else []
    in_dispute = order.status == Order.Status.ACCEPTED_WITH_ISSUES
    can_reship = in_dispute and permissions.can_reship(user)
    for line in open_lines:
        line.posted = {
            "batch": posted.get(f"batch-{line.pk}", ""),
            "qty": posted.get(f"qty-{line.pk}", line.open_quantity),
            "serials": posted.get(f"serials-{line.pk}", ""),
        }
        line.errors = errors.get(line.pk, [])
        line.serial_rows = min(max(line.open_quantity, 2), 8)
    for row in disputes:
        row.case_url = _case_url(row.case_number)
        row.batches = _batches_for(row.order_line.product_id) if can_reship else []
        row.posted = {
            "batch": posted.get(f"reship-batch-{row.pk}", ""),
            "qty": posted.get(f"reship-qty-{row.pk}", row.open_units),
            "serials": posted.get(f"reship-serials-{row.pk}", ""),
        }
        row.errors = errors.get(("reship", row.pk), [])
        row.serial_rows = min(max(row.open_units, 2), 8)
    for shipment in order.shipments.all():
        for row in shipment.lines.all():
            row.case_url = _case_url(row.case_number)
    return render(
        request,
        "sales/order_detail.html",
        {
            "order": order,
            "actions": actions,
            "can_ship": can_ship,
            "ship_lines": [(line, batches.get(line.pk, [])) for line in open_lines],
            "can_deliver": user_has_role(user, *services.WAREHOUSE_ROLES),
            "can_accept": user_has_role(user, *services.ACCEPT_ROLES),
            "documents": services.DOCUMENTS,
            # Other apps' cards (the follow-up calls of the feedback app).
            "panels": call_hook("order_detail_panels", order=order, request=request),
            "disputes": disputes,
            "open_units": sum(row.open_units for row in disputes),
            "can_reship": can_reship,
            "can_credit": in_dispute and permissions.can_credit(user, order),
        },
        status=status,
    )


def _batches_for(product_id: int):
    """Shippable batches first, oldest first (first in, first out); blocked ones are listed,
    disabled, so the warehouse sees why a batch is not offered."""
    return (
        Batch.objects.filter(product_id=product_id)
        .annotate(
            shippable=Q(
                quality_status__in=[
                    Batch.QualityStatus.PASSED,
                    Batch.QualityStatus.RELEASED_BY_EXCEPTION,
                ]
            )
        )
        .order_by("-shippable", "production_date")[:10]
    )


def _case_url(number: str) -> str:
    """The after-sales case a delivery problem opened (the service app's page), if any."""
    from django.urls import NoReverseMatch, reverse

    if not number:
        return ""
    try:
        return reverse("service:case-detail", args=[number])
    except NoReverseMatch:
        return ""


_ACTION_TARGET = {
    "submit": Order.Status.SUBMITTED,
    "approve": Order.Status.APPROVED,
    "reject": Order.Status.REJECTED,
    "rework": Order.Status.DRAFT,
    "cancel": Order.Status.CANCELLED,
    "close": Order.Status.CLOSED,
}


@login_required
@require_POST
def order_action(request, order_id: int, action: str):
    order = _order(request, order_id)
    reason = request.POST.get("reason", "")
    calls = {
        "submit": lambda: services.order_submit(actor=request.user, order=order),
        "approve": lambda: services.order_approve(
            actor=request.user, order=order, note=request.POST.get("note", reason)
        ),
        "reject": lambda: services.order_reject(actor=request.user, order=order, reason=reason),
        "rework": lambda: services.order_rework(actor=request.user, order=order),
        "cancel": lambda: services.order_cancel(actor=request.user, order=order, reason=reason),
        "start-fulfilment": lambda: services.order_start_fulfilment(
            actor=request.user, order=order
        ),
        "close": lambda: services.order_close(actor=request.user, order=order, note=reason),
    }
    if action not in calls:
        raise Http404
    try:
        calls[action]()
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        order.refresh_from_db()
        messages.success(
            request,
            _("Order %(number)s is now %(status)s.")
            % {"number": order.number, "status": order.get_status_display()},
        )
    return redirect("sales:order-detail", order_id=order.pk)


@login_required
@require_POST
def order_ship(request, order_id: int):
    order = _order(request, order_id)
    lines = []
    for line in order.lines.all():
        quantity = request.POST.get(f"qty-{line.pk}", "").strip()
        if not quantity or quantity == "0":
            continue
        batch = _posted_batch(request.POST.get(f"batch-{line.pk}", ""))
        if batch is None or not _digits(quantity):
            messages.error(
                request,
                _("Choose a batch and a quantity for %(product)s.") % {"product": line.product},
            )
            return _render_detail(request, order, posted=request.POST, status=400)
        serials = services.serials_from_text(request.POST.get(f"serials-{line.pk}", ""))
        lines.append(services.ShipInput(line, batch, int(quantity), serials))
    try:
        shipment = services.shipment_create(
            actor=request.user,
            order=order,
            lines=lines,
            documents=request.POST.getlist("documents"),
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        errors = _errors_by_line(exc, [line.order_line.pk for line in lines])
        return _render_detail(request, order, posted=request.POST, errors=errors, status=400)
    messages.success(
        request, _("Delivery note %(number)s was issued.") % {"number": shipment.number}
    )
    return redirect("sales:order-detail", order_id=order.pk)


def _digits(value: str, size: int = 9) -> bool:
    return value.isascii() and value.isdigit() and len(value) < size


def _posted_batch(raw: str) -> Batch | None:
    return Batch.objects.filter(pk=int(raw)).first() if _digits(raw, 12) else None


def _errors_by_line(exc: ApplicationError, keys: list) -> dict:
    """``lines[1].serials`` → the messages for the second posted line's key."""
    found: dict = {}
    for field, texts in exc.fields.items():
        match = re.match(r"lines\[(\d+)\]", field)
        if match and int(match.group(1)) < len(keys):
            found.setdefault(keys[int(match.group(1))], []).extend(str(t) for t in texts)
    return found


@login_required
@require_POST
def order_reship(request, order_id: int):
    """Send disputed goods again (the warehouse): quantity, batch and serials per line."""
    order = _order(request, order_id)
    rows = {row.pk: row for row in selectors.dispute_lines(order)}
    lines = []
    for row in rows.values():
        quantity = request.POST.get(f"reship-qty-{row.pk}", "").strip()
        if not quantity or quantity == "0":
            continue
        batch = _posted_batch(request.POST.get(f"reship-batch-{row.pk}", ""))
        if batch is None or not _digits(quantity):
            messages.error(
                request,
                _("Choose a batch and a quantity for %(product)s.")
                % {"product": row.order_line.product},
            )
            return _render_detail(request, order, posted=request.POST, status=400)
        serials = services.serials_from_text(request.POST.get(f"reship-serials-{row.pk}", ""))
        lines.append(services.ReshipInput(row, batch, int(quantity), serials))
    try:
        shipment = services.dispute_reship(
            actor=request.user,
            order=order,
            lines=lines,
            documents=request.POST.getlist("documents"),
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        errors = _errors_by_line(exc, [("reship", line.shipment_line.pk) for line in lines])
        return _render_detail(request, order, posted=request.POST, errors=errors, status=400)
    messages.success(
        request,
        _("Delivery note %(number)s was issued for the goods sent again.")
        % {"number": shipment.number},
    )
    return redirect("sales:order-detail", order_id=order.pk)


@login_required
@require_POST
def order_credit(request, order_id: int):
    """Credit disputed goods (the seller): the line and how many units."""
    order = _order(request, order_id)
    raw_line, raw_qty = request.POST.get("shipment_line", ""), request.POST.get("quantity", "")
    row = next(
        (
            r
            for r in selectors.dispute_lines(order)
            if _digits(raw_line, 12) and r.pk == int(raw_line)
        ),
        None,
    )
    if row is None or not _digits(raw_qty.strip()):
        messages.error(request, _("Choose the line and how many units to credit."))
        return redirect("sales:order-detail", order_id=order.pk)
    try:
        resolution = services.dispute_credit(
            actor=request.user,
            order=order,
            shipment_line=row,
            quantity=int(raw_qty.strip()),
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("%(n)s × %(product)s credited: ¥%(amount)s.")
            % {
                "n": resolution.quantity,
                "product": row.order_line.product,
                "amount": resolution.amount,
            },
        )
    return redirect("sales:order-detail", order_id=order.pk)


def _shipment(request, shipment_id: int) -> Shipment:
    try:
        return selectors.shipment_get_for_user(request.user, shipment_id=shipment_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_POST
def order_scan(request, order_id: int):
    order = _order(request, order_id)
    scan = request.FILES.get("signed_scan")
    if scan is None:
        messages.error(request, _("Choose the scanned contract to attach."))
        return redirect("sales:order-detail", order_id=order.pk)
    try:
        services.order_attach_scan(actor=request.user, order=order, scan=scan)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The signed contract was attached."))
    return redirect("sales:order-detail", order_id=order.pk)


PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


@login_required
def acceptance_photo(request, photo_id: int):
    """A photo taken at delivery, for whoever may see its delivery (never from /media/)."""
    from aftersales.core.files import stored_file_response

    from .models import AcceptancePhoto

    photo = AcceptancePhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    try:
        selectors.shipment_get_for_user(request.user, shipment_id=photo.shipment_id)
    except NotFound:
        raise Http404 from None
    name = photo.image.name.rsplit("/", 1)[-1]
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return stored_file_response(
        request,
        photo.image,
        content_type=PHOTO_TYPES.get(extension, "application/octet-stream"),
        filename=name,
    )


@login_required
def order_scan_download(request, order_id: int):
    from django.http import FileResponse

    order = _order(request, order_id)
    if not order.signed_scan:
        raise Http404
    name = order.signed_scan.name.rsplit("/", 1)[-1]
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    response = FileResponse(
        order.signed_scan.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=services.SCAN_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def shipment_deliver(request, shipment_id: int):
    shipment = _shipment(request, shipment_id)
    try:
        services.shipment_deliver(
            actor=request.user,
            shipment=shipment,
            deliverer=request.POST.get("deliverer", ""),
            carrier=request.POST.get("carrier", ""),
            handed_over=request.POST.get("handed_over", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The delivery of %(number)s was recorded.") % {"number": shipment.number}
        )
    return redirect("sales:order-detail", order_id=shipment.order_id)


@login_required
def shipment_accept(request, shipment_id: int):
    """The deliverer's phone form: accepted quantity and any problem per line, photos."""
    if not user_has_role(request.user, *services.ACCEPT_ROLES):
        raise Http404  # the form is only for those who record acceptance
    shipment = _shipment(request, shipment_id)
    rows = list(shipment.lines.select_related("order_line__product", "batch"))
    if request.method == "POST":
        lines = []
        for row in rows:
            raw = request.POST.get(f"accepted-{row.pk}", "")
            lines.append(
                services.AcceptInput(
                    row,
                    int(raw) if raw.isascii() and raw.isdigit() else -1,
                    request.POST.get(f"problem-{row.pk}", ""),
                    request.POST.get(f"note-{row.pk}", ""),
                )
            )
        raw_claim = request.POST.get("carrier_claim_amount", "").strip()
        try:
            claim = Decimal(raw_claim) if raw_claim else None
        except InvalidOperation:
            claim = Decimal("-1")  # reported on the field by the service
        try:
            services.shipment_accept(
                actor=request.user,
                shipment=shipment,
                lines=lines,
                photos=request.FILES.getlist("photos"),
                carrier_claim_ref=request.POST.get("carrier_claim_ref", ""),
                carrier_claim_amount=claim,
            )
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("The acceptance of %(number)s was recorded.") % {"number": shipment.number},
            )
            return redirect("sales:order-detail", order_id=shipment.order_id)
    return render(request, "sales/accept.html", {"shipment": shipment, "rows": rows})


@login_required
def delivery_note(request, shipment_id: int):
    shipment = _shipment(request, shipment_id)
    pdf = delivery_note_pdf(
        shipment, tracking_url=services.tracking_url(shipment.order), reader=request.user
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{shipment.number}.pdf"'
    return response


@login_required
def order_print(request, order_id: int):
    """The order or contract as a PDF, for both parties to sign (SAL-1)."""
    order = _order(request, order_id)
    response = HttpResponse(order_pdf(order, reader=request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


@never_cache
def track(request):
    """Public page: the order number and the last four digits of the phone. Limited per
    address (the API's rate) and per number (a few wrong phones), as the API is."""
    # The link in the SMS carries the number only: the page asks for the phone digits, with
    # no error before anything was typed. A lookup (and its error) needs both.
    number, phone = request.GET.get("number", "").strip(), request.GET.get("phone", "").strip()
    order, asked = None, bool(number and phone)
    if asked:
        if address_rate_exceeded(request, "track"):
            limited = _("Too many tries. Please wait a minute.")
            return render(request, "sales/track.html", {"limited": limited}, status=429)
        try:
            order = services.order_track_lookup(
                number=request.GET.get("number", ""), phone_tail=request.GET.get("phone", "")
            )
        except TooManyRequests as exc:
            return render(
                request,
                "sales/track.html",
                {"limited": exc.message, "number": request.GET.get("number", "")},
                status=429,
            )
    disputes = selectors.dispute_lines(order) if order else []
    return render(
        request,
        "sales/track.html",
        {
            "order": order,
            "asked": asked,
            "number": request.GET.get("number", ""),
            "steps": _progress(order, disputes) if order else [],
            "disputes": disputes,
            "open_units": sum(row.open_units for row in disputes),
        },
    )


def _progress(order: Order, disputes=()) -> list[tuple[str, str]]:
    """The customer's steps, each ``done``, ``todo`` or ``problem``: goods not accepted at
    delivery show as a problem being handled, never as a green "accepted"."""
    S = Order.Status
    reached = {
        S.APPROVED: 1,
        S.IN_FULFILMENT: 1,
        S.PARTIALLY_SHIPPED: 2,
        S.SHIPPED: 2,
        S.DELIVERED: 3,
        S.ACCEPTED: 4,
        S.ACCEPTED_WITH_ISSUES: 4,
        S.CLOSED: 4,
    }.get(order.status, 0)
    labels = [_("Order received"), _("Confirmed"), _("Shipped"), _("Delivered"), _("Accepted")]
    steps = [(label, "done" if index <= reached else "todo") for index, label in enumerate(labels)]
    if order.status == S.ACCEPTED_WITH_ISSUES:
        steps[-1] = (_("Problem at acceptance"), "problem")
    elif disputes and reached < 4:
        # Goods sent again are on their way: the last step waits for them.
        steps[-1] = (_("Problem at acceptance"), "problem")
    return steps
