"""The quality overview: what waits for whom today."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from aftersales.catalog.models import Batch, EmergencyRelease

from .. import selectors
from ..models import Inspection, LiaisonForm, Nonconformance
from ..permissions import can_decide_release, can_inspect, can_manage_quality
from ..services.nonconformances import overdue_actions
from .common import viewer


@login_required
def home(request):
    viewer(request)
    user = request.user
    batches = Batch.objects.aggregate(
        pending=Count("id", filter=Q(quality_status=Batch.QualityStatus.PENDING)),
        failed=Count("id", filter=Q(quality_status=Batch.QualityStatus.FAILED)),
        released=Count("id", filter=Q(quality_status=Batch.QualityStatus.RELEASED_BY_EXCEPTION)),
    )
    since = timezone.now() - timezone.timedelta(days=30)
    verdicts = dict(
        Inspection.objects.filter(inspected_at__gte=since)
        .values_list("verdict")
        .annotate(n=Count("id"))
    )
    inspected = sum(verdicts.values())
    passed = inspected - verdicts.get(Inspection.Verdict.FAILED, 0)
    return render(
        request,
        "quality/home.html",
        {
            "tab": "home",
            "batches": batches,
            "open_ncs": Nonconformance.objects.exclude(status=Nonconformance.Status.CLOSED).count(),
            "overdue": overdue_actions().count(),
            "releases_waiting": EmergencyRelease.objects.filter(
                status=EmergencyRelease.Status.REQUESTED
            ).count(),
            "liaison_department": LiaisonForm.objects.filter(
                department_id=user.department_id, status=LiaisonForm.Status.OPEN
            ).count()
            if user.department_id
            else 0,
            "liaison_to_verify": LiaisonForm.objects.filter(
                originator=user, status=LiaisonForm.Status.HANDLED
            ).count(),
            "my_actions": selectors.my_open_actions(user)[:10],
            "recent_failures": Inspection.objects.filter(verdict=Inspection.Verdict.FAILED)
            .select_related("batch", "batch__product")
            .order_by("-inspected_at")[:5],
            "pass_rate": round(100 * passed / inspected) if inspected else None,
            "inspected": inspected,
            "verdicts": verdicts,
            "can_inspect": can_inspect(user),
            "to_inspect": batches["pending"] if can_inspect(user) else 0,
            "can_manage": can_manage_quality(user),
            "can_decide": can_decide_release(user),
            "today": timezone.localdate(),
        },
    )
