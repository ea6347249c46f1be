"""The emergency-release register (QC-3): requests, the vice-president's decisions, and
what left the warehouse under each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.catalog.models import Batch, EmergencyRelease
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text

from .. import selectors
from ..permissions import can_decide_release, can_request_release
from ..services import releases as services
from .common import get_or_404, page_of, viewer


@login_required
def release_list(request):
    viewer(request)
    status = request.GET.get("status", "")
    return render(
        request,
        "quality/release_list.html",
        {
            "page": page_of(request, selectors.release_list(status=status)),
            "status": status,
            "statuses": EmergencyRelease.Status.choices,
            "can_decide": can_decide_release(request.user),
            "can_request": can_request_release(request.user),
            "pending_batches": Batch.objects.filter(quality_status=Batch.QualityStatus.PENDING)
            .select_related("product")
            .order_by("production_date")[:50]
            if can_request_release(request.user)
            else [],
            "waiting": EmergencyRelease.objects.filter(
                status=EmergencyRelease.Status.REQUESTED
            ).count(),
        },
    )


@login_required
@require_POST
def release_request(request):
    """Sales or logistics ask; the vice-president's own request is approved at once."""
    if not can_request_release(request.user):
        raise Http404
    batch_id = request.POST.get("batch", "")
    batch = Batch.objects.filter(pk=batch_id).first() if batch_id.isdigit() else None
    if batch is None:
        messages.error(request, _("Choose the batch to release."))
        return redirect("quality:release-list")
    reason = request.POST.get("reason", "")
    try:
        if can_decide_release(request.user):
            services.batch_release_by_exception(actor=request.user, batch=batch, reason=reason)
            messages.success(
                request, _("Batch %(batch)s may now ship by exception.") % {"batch": batch}
            )
        else:
            services.emergency_release_request(actor=request.user, batch=batch, reason=reason)
            messages.success(
                request,
                _("Emergency release of batch %(batch)s requested; the vice-president decides.")
                % {"batch": batch},
            )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("quality:release-list")


@login_required
@require_POST
def release_decide(request, release_id: int, decision: str):
    if not can_decide_release(request.user) or decision not in ("approve", "reject"):
        raise Http404
    release = get_or_404(EmergencyRelease, release_id, select=["batch"])
    note = request.POST.get("note", "")
    try:
        if decision == "approve":
            services.emergency_release_approve(actor=request.user, release=release, note=note)
            messages.success(
                request,
                _("Batch %(batch)s may now ship by exception.") % {"batch": release.batch},
            )
        else:
            services.emergency_release_reject(actor=request.user, release=release, note=note)
            messages.info(request, _("Request rejected."))
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    return redirect(reverse("quality:release-list") + "?status=requested")
