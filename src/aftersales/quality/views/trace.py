"""Traceability pages (QC-4, QC-5) and the responsibility judgement (S8, SVC-9)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.catalog.models import Batch, SerialNumber
from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.forms import error_text

from .. import selectors
from ..models import ResponsibilityJudgement
from ..permissions import can_manage_quality, can_work_recall
from ..services import judgements
from .common import get_or_404, viewer


@login_required
def trace_search(request):
    """Start from anything the customer or the warehouse has in hand: a serial number, a
    batch number, a delivery note (or a case number once cases exist)."""
    viewer(request)
    q = request.GET.get("q", "").strip()
    hits = selectors.trace_lookup(q, request.user) if q else []
    if len(hits) == 1:
        return redirect(hits[0]["url"])
    return render(request, "quality/trace_search.html", {"q": q, "hits": hits})


@login_required
def batch_trace(request, batch_id: int):
    viewer(request)
    batch = selectors.batch_get(batch_id)
    if batch is None:
        raise Http404
    page = request.GET.get("page", "1")
    context = selectors.batch_trace(
        batch, request.user, delivery_page=int(page) if page.isdigit() else 1
    )
    context["can_recall"] = can_work_recall(request.user)
    context["can_manage"] = can_manage_quality(request.user)
    context["statuses"] = Batch.QualityStatus
    return render(request, "quality/trace_batch.html", context)


@login_required
def serial_trace(request, serial_id: int):
    viewer(request)
    serial = get_or_404(SerialNumber, serial_id, select=["product", "batch", "owner"])
    return render(request, "quality/trace_serial.html", selectors.serial_trace(serial))


@login_required
def judgement_form(request, subject_type: str, subject_id: int):
    """The quality department's verdict on who is at fault (S8), made from the photos and the
    batch/packer data; it decides the 三包 cost split (WAR-9)."""
    viewer(request)
    try:
        subject = judgements.subject_resolve(subject_type, subject_id)
    except (NotFound, ApplicationError):
        raise Http404 from None
    judgement = judgements.judgement_for(subject)
    batches = _subject_batches(subject)
    if request.method == "POST":
        if not can_manage_quality(request.user):
            raise Http404
        batch_id = request.POST.get("batch", "")
        batch = next((b for b in batches if str(b.pk) == batch_id), None)
        try:
            judgement = judgements.responsibility_judge(
                actor=request.user,
                subject=subject,
                verdict=request.POST.get("verdict", ""),
                reasoning=request.POST.get("reasoning", ""),
                batch=batch,
                packer_no=request.POST.get("packer_no", ""),
                packing_list_ref=request.POST.get("packing_list_ref", ""),
            )
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("Verdict recorded: %(verdict)s; the manufacturer carries %(share)s%%.")
                % {
                    "verdict": judgement.get_verdict_display(),
                    "share": int(judgement.manufacturer_share * 100),
                },
            )
            return redirect(request.path)
    return render(
        request,
        "quality/judgement.html",
        {
            "subject": subject,
            "subject_label": judgements.judgement_subjects()[subject_type],
            "subject_url": getattr(subject, "get_absolute_url", lambda: "")(),
            "judgement": judgement,
            "batches": batches,
            "photos": _subject_photos(subject),
            "verdicts": ResponsibilityJudgement.Verdict.choices,
            "shares": judgements.MANUFACTURER_SHARE,
            "can_manage": can_manage_quality(request.user),
        },
    )


def _subject_batches(subject) -> list[Batch]:
    """The batches the judged goods came from, to pick the one at fault."""
    lines = getattr(subject, "lines", None)
    if lines is not None and hasattr(lines.model, "batch"):
        return list(Batch.objects.filter(pk__in=lines.values("batch")).select_related("product"))
    batch = getattr(subject, "batch", None)
    return [batch] if isinstance(batch, Batch) else []


def _subject_photos(subject) -> list:
    photos = getattr(subject, "photos", None)
    return list(photos.all()) if photos is not None else []
