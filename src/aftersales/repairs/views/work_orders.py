"""The dispatcher's board, the work-order list, a new work order from a case, and the work
order's page with its steps."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError
from aftersales.core.files import stored_file_response
from aftersales.core.forms import error_text
from aftersales.core.paging import DeferredJoinPaginator
from aftersales.service.models import ServiceSkill
from aftersales.service.selectors import case_get_for_user

from .. import selectors
from ..models import WorkOrder, WorkOrderPhoto
from ..permissions import can_create_work_order, can_dispatch, can_view_work_orders, can_work_on
from ..services import dispatch, repair_centre
from ..services import work_orders as flow


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def board(request):
    """Dispatchers: each technician's day and the work waiting for an appointment. Others:
    the work-order list; who may not read it (a field technician, a case's handler from
    another department), their own day."""
    if not can_dispatch(request.user):
        if not can_view_work_orders(request.user):
            return redirect("repairs:my-day")
        return redirect("repairs:work-order-list")
    day = _day(request.GET.get("day", ""))
    return render(
        request,
        "repairs/board.html",
        {
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "columns": dispatch.dispatch_board(day),
            "waiting": list(dispatch.unscheduled()[:50]),
            "mail_in": list(
                WorkOrder.objects.filter(kind=WorkOrder.Kind.MAIL_IN)
                .exclude(status__in=("completed", "returned", "cancelled"))
                .select_related("customer")
                .order_by("repair_due_on", "created_at")[:50]
            ),
            "today": timezone.localdate(),
            "now": timezone.now(),
        },
    )


@login_required
def work_order_list(request):
    if not can_view_work_orders(request.user):
        raise Http404
    f = {k: request.GET.get(k, "").strip() for k in ("q", "status", "kind")}
    qs = selectors.work_order_filter(
        request.user, status=f["status"] or ("" if f["q"] else "open"), kind=f["kind"], q=f["q"]
    ).order_by("-created_at", "-id")
    page = DeferredJoinPaginator(
        qs,
        25,
        load=lambda ids: (
            selectors.work_orders_for_user(request.user)
            .filter(pk__in=ids)
            .select_related("customer", "technician", "case")
        ),
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "repairs/work_order_list.html",
        {
            "page": page,
            "f": f,
            "statuses": WorkOrder.Status.choices,
            "kinds": WorkOrder.Kind.choices,
        },
    )


@login_required
def work_order_new(request):
    if not can_create_work_order(request.user):
        raise Http404
    case = case_get_for_user(request.user, number=request.GET.get("case", "").strip())
    if case is None:
        messages.info(request, _("Start from the case: open it and choose “Send someone”."))
        return redirect("service:case-list")
    kind = request.POST.get("kind") or request.GET.get("kind") or WorkOrder.Kind.ONSITE_REPAIR
    errors = {}
    if request.method == "POST":
        skills = list(ServiceSkill.objects.filter(pk__in=request.POST.getlist("skills")))
        try:
            wo = flow.work_order_from_case(
                actor=request.user,
                case=case,
                kind=kind,
                problem=request.POST.get("problem", ""),
                skills=skills,
            )
        except ApplicationError as exc:
            errors = exc.fields
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Work order %(number)s created.") % {"number": wo.number})
            return redirect("repairs:work-order-detail", number=wo.number)
    in_warranty, basis, _answer = flow.warranty_decision(case)
    return render(
        request,
        "repairs/work_order_new.html",
        {
            "case": case,
            "kind": kind,
            "kinds": WorkOrder.Kind.choices,
            "skills": ServiceSkill.objects.filter(active=True),
            "problem": request.POST.get("problem") or case.description,
            "errors": errors,
            "in_warranty": in_warranty,
            "basis": basis,
        },
    )


def _work_order(request, number: str) -> WorkOrder:
    wo = selectors.work_order_get_for_user(request.user, number)
    if wo is None:
        raise Http404
    return wo


def _charges(wo, user):
    try:
        from .care import charges_panel
    except ImportError:  # the charges part is optional on this page
        return None
    return charges_panel(wo, user)


@login_required
def work_order_detail(request, number: str):
    wo = _work_order(request, number)
    user = request.user
    dispatcher = can_dispatch(user)
    day = timezone.localdate(wo.window_start or wo.onsite_due_at or timezone.now())
    return render(
        request,
        "repairs/work_order_detail.html",
        {
            "wo": wo,
            "dispatcher": dispatcher,
            "worker": can_work_on(user, wo),
            "suggestions": dispatch.dispatch_suggestions(wo, day)
            if dispatcher and wo.status in ("new", "scheduled") and wo.kind != "mail_in"
            else [],
            "suggest_day": day,
            "changes": wo.appointment_changes.select_related("old_technician", "actor"),
            "events": wo.events.select_related("actor"),
            "photos": list(wo.photos.all()),
            "charges": _charges(wo, user),
            "late": wo.onsite_due_at is not None
            and wo.status == "new"
            and timezone.now() > wo.onsite_due_at,
            "repair_late": wo.repair_due_on is not None
            and wo.status not in ("completed", "returned", "cancelled")
            and timezone.localdate() > wo.repair_due_on,
        },
    )


def _datetime(day: str, clock: str):
    try:
        naive = datetime.fromisoformat(f"{day}T{clock}")
    except ValueError:
        return None
    return timezone.make_aware(naive)


@login_required
@require_POST
def work_order_step(request, number: str, action: str):
    wo = _work_order(request, number)
    post, user = request.POST, request.user
    try:
        if action == "schedule":
            technician = (
                get_user_model().objects.filter(pk=post.get("technician") or 0).first()
                if (post.get("technician") or "").isdigit()
                else None
            )
            dispatch.work_order_schedule(
                actor=user,
                work_order=wo,
                technician=technician,
                start=_datetime(post.get("day", ""), post.get("start", "")),
                end=_datetime(post.get("day", ""), post.get("end", "")),
                reason=post.get("reason", ""),
            )
        elif action == "confirm":
            dispatch.work_order_confirm(actor=user, work_order=wo)
        elif action == "receive":
            repair_centre.work_order_receive(
                actor=user,
                work_order=wo,
                condition=post.get("condition", ""),
                accessories=post.get("accessories", ""),
                photos=request.FILES.getlist("photos"),
            )
        elif action == "start":
            repair_centre.work_order_start(actor=user, work_order=wo)
        elif action == "test":
            repair_centre.work_order_test(actor=user, work_order=wo, result=post.get("result", ""))
        elif action == "return":
            repair_centre.work_order_return(
                actor=user, work_order=wo, waybill=post.get("waybill", "")
            )
        elif action == "warranty":
            flow.work_order_set_warranty(
                actor=user,
                work_order=wo,
                in_warranty=post.get("in_warranty") == "1",
                basis=post.get("basis", ""),
            )
        elif action == "complete":
            flow.work_order_complete(
                actor=user,
                work_order=wo,
                diagnosis=post.get("diagnosis", ""),
                work_done=post.get("work_done", ""),
                result=post.get("result", ""),
                signed_name=post.get("signed_name", ""),
                signature=post.get("signature", ""),
            )
        elif action == "cancel":
            flow.work_order_cancel(actor=user, work_order=wo, reason=post.get("reason", ""))
        elif action == "photos":
            flow.work_order_add_photos(
                actor=user, work_order=wo, files=request.FILES.getlist("photos")
            )
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("repairs:work-order-detail", number=wo.number)


@login_required
def work_order_photo(request, number: str, pk: int):
    wo = _work_order(request, number)
    photo = WorkOrderPhoto.objects.filter(work_order=wo, pk=pk).first()
    if photo is None:
        raise Http404
    return stored_file_response(
        request, photo.file, content_type=photo.content_type, filename=photo.original_name
    )
