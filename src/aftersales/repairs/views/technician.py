"""The technician's own pages, made for a phone (SVC-7): the day's visits, and one visit from
arriving to the customer's signature. Each step is a small form that posts to a service and
comes back to the visit; who may see a visit is ``can_work_on``, and anyone else gets 404 as
if it did not exist."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError, InvalidInput
from aftersales.core.files import stored_file_response
from aftersales.core.forms import error_text
from aftersales.core.hooks import call_hook

from ..models import ChargeLine, SparePart, Stock, WorkOrder, WorkOrderPhoto
from ..permissions import can_work_on
from ..services import work_orders as flow

S = WorkOrder.Status
PAUSED = (S.AWAITING_PARTS, S.AWAITING_QUOTE)

# The completion form's fields as the page names them, so that a refusal says which one.
FIELD_LABELS = {
    "diagnosis": gettext_lazy("Diagnosis"),
    "work_done": gettext_lazy("What was done"),
    "result": gettext_lazy("Result"),
    "signed_name": gettext_lazy("Customer's name"),
    "signature": gettext_lazy("Customer's signature"),
}


def _named_errors(exc: ApplicationError) -> str:
    """One line for the page, each message after the name of the field it is about."""
    if not exc.fields:
        return error_text(exc)
    return " ".join(
        _("%(field)s: %(message)s") % {"field": FIELD_LABELS.get(name, name), "message": m}
        for name, found in exc.fields.items()
        for m in found
    )


def _day_from(raw: str) -> date:
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def my_day(request):
    """The signed-in technician's visits for a day (today unless another is asked for)."""
    today = timezone.localdate()
    day = _day_from(request.GET.get("day", "").strip())
    visits = list(flow.technician_day(request.user, day))
    return render(
        request,
        "repairs/tech_day.html",
        {
            "visits": visits,
            "day": day,
            "today": today,
            "tomorrow": today + timedelta(days=1),
        },
    )


def _visit(request, number: str) -> WorkOrder:
    wo = (
        WorkOrder.objects.select_related("customer", "product", "serial", "case", "technician")
        .filter(number=number)
        .first()
    )
    if wo is None or not can_work_on(request.user, wo):
        raise Http404
    return wo


@login_required
def my_visit(request, number: str):
    return _render_visit(request, _visit(request, number))


def _render_visit(request, wo: WorkOrder, posted=None, errors=None, status: int = 200):
    """The visit; after a refused completion, with what was typed kept and the fields marked."""
    # Parts go on while the work is in progress, and when the missing one arrives.
    can_add_parts = wo.status in (S.IN_PROGRESS, S.AWAITING_PARTS)
    van_parts = []
    if can_add_parts and wo.technician_id:
        van_parts = list(
            Stock.objects.filter(
                location__technician_id=wo.technician_id, location__active=True, quantity__gt=0
            )
            .select_related("part")
            .order_by("part__part_no")
        )
    return render(
        request,
        "repairs/tech_visit.html",
        {
            "wo": wo,
            "parts_used": list(wo.charges.filter(kind=ChargeLine.Kind.PART).select_related("part")),
            "photos": list(wo.photos.all()),
            "van_parts": van_parts,
            "results": WorkOrder.Result.choices,
            "can_check_in": wo.status == S.SCHEDULED,
            "can_add_parts": can_add_parts,
            "working": wo.status == S.IN_PROGRESS,
            "paused": wo.status in PAUSED,
            "done": wo.status in (S.COMPLETED, S.RETURNED),
            "signs": wo.kind in flow.SIGNED_KINDS,
            "posted": posted or {},
            "errors": errors or {},
            # Other apps' help for the visit (how this fault was fixed before).
            "panels": call_hook("technician_visit_panels", work_order=wo, request=request),
        },
        status=status,
    )


def _back(wo: WorkOrder):
    return redirect("repairs:my-visit", number=wo.number)


@login_required
@require_POST
def visit_check_in(request, number: str):
    wo = _visit(request, number)
    try:
        wo = flow.work_order_check_in(actor=request.user, work_order=wo)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        at = timezone.localtime(wo.checked_in_at).strftime("%H:%M")
        messages.success(request, _("Checked in at %(time)s.") % {"time": at})
    return _back(wo)


@login_required
@require_POST
def visit_pause(request, number: str):
    wo = _visit(request, number)
    try:
        flow.work_order_pause(
            actor=request.user,
            work_order=wo,
            waiting_for=request.POST.get("waiting_for", ""),
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The visit is paused."))
    return _back(wo)


@login_required
@require_POST
def visit_resume(request, number: str):
    wo = _visit(request, number)
    try:
        flow.work_order_resume(actor=request.user, work_order=wo)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Work resumed."))
    return _back(wo)


@login_required
@require_POST
def visit_add_part(request, number: str):
    """A part taken from the van and fitted: stock goes down, a charge line is added (free or
    paid by the 三包 decision)."""
    from ..services.parts import part_consume

    wo = _visit(request, number)
    part_no = request.POST.get("part_no", "").strip()
    raw_quantity = request.POST.get("quantity", "").strip() or "1"
    part = SparePart.objects.filter(part_no__iexact=part_no).first() if part_no else None
    try:
        if part is None:
            raise InvalidInput(
                fields={"part_no": [_("There is no spare part “%(no)s”.") % {"no": part_no}]}
                if part_no
                else {"part_no": [_("Give the part number.")]}
            )
        if not raw_quantity.isdigit() or int(raw_quantity) < 1:
            raise InvalidInput(fields={"quantity": [_("The quantity is a whole number from 1.")]})
        line = part_consume(
            actor=request.user, work_order=wo, part=part, quantity=int(raw_quantity)
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("%(part)s × %(quantity)s recorded (%(charge)s).")
            % {
                "part": part.name,
                "quantity": raw_quantity,
                "charge": _("free") if line.free else f"¥{line.amount}",
            },
        )
    return _back(wo)


@login_required
@require_POST
def visit_add_photos(request, number: str):
    wo = _visit(request, number)
    try:
        rows = flow.work_order_add_photos(
            actor=request.user, work_order=wo, files=request.FILES.getlist("photos")
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(n)s photo(s) added.") % {"n": len(rows)})
    return _back(wo)


@login_required
@require_POST
def visit_complete(request, number: str):
    wo = _visit(request, number)
    post = request.POST
    version = post.get("version", "")
    try:
        flow.work_order_complete(
            actor=request.user,
            work_order=wo,
            diagnosis=post.get("diagnosis", ""),
            work_done=post.get("work_done", ""),
            result=post.get("result", ""),
            signed_name=post.get("signed_name", ""),
            signature=post.get("signature", "") or None,
            expected_version=int(version) if version.isdigit() else None,
        )
    except ApplicationError as exc:
        messages.error(request, _named_errors(exc))
        # The page again with what was typed: nobody writes the diagnosis twice on a phone.
        return _render_visit(
            request, _visit(request, number), posted=post, errors=exc.fields, status=400
        )
    messages.success(request, _("The visit is completed."))
    return _back(wo)


@login_required
def visit_signature(request, number: str):
    wo = _visit(request, number)
    if not wo.signature:
        raise Http404
    return stored_file_response(
        request, wo.signature, content_type="image/png", filename=f"{wo.number}-signature.png"
    )


@login_required
def visit_photo(request, number: str, pk: int):
    wo = _visit(request, number)
    row = WorkOrderPhoto.objects.filter(work_order=wo, pk=pk).first()
    if row is None:
        raise Http404
    return stored_file_response(
        request, row.file, content_type=row.content_type, filename=row.original_name
    )
