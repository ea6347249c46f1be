"""The complaint analysis page, improvement proposals and the monthly reports (FB-3)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aftersales.accounts.models import Department
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text
from aftersales.quality.models import Nonconformance

from ..analysis import DIMENSION_LABELS, PERIODS, analysis, monthly_counts, parse_period
from ..models import ComplaintReport, ImprovementProposal
from ..permissions import can_analyse_complaints
from ..services.improvements import proposal_raise


def _guard(request) -> None:
    if not can_analyse_complaints(request.user):
        raise Http404


def _register_url(period, **params) -> str:
    query = {
        "date_from": period.start.isoformat(),
        "date_to": period.end.isoformat(),
        **params,
    }
    return f"{reverse('service:register-complaints')}?{urlencode(query)}"


@login_required
def complaint_analysis(request):
    _guard(request)
    today = timezone.localdate()
    period = parse_period(
        request.GET.get("period", "month"), request.GET.get("at", ""), today=today
    )
    dimension = request.GET.get("by", "category")
    if dimension not in DIMENSION_LABELS:
        dimension = "category"
    data = analysis(request.user, period, dimension)
    for bar in data["pareto"]:
        bar["url"] = _register_url(period, by=dimension, key=bar["key"]) if bar["key"] else ""
    for row in data["repeat_customers"]:
        row["url"] = _register_url(period, by="customer", key=row["key"])
    for row in data["repeat_serials"]:
        row["url"] = _register_url(period, by="serial", key=row["key"])
    for t in data["topics"]:
        t["url"] = _register_url(period, topic=t["word"])
    return render(
        request,
        "feedback/analysis.html",
        {
            **data,
            "periods": [(k, str(v)) for k, v in PERIODS.items()],
            "dimensions": [(k, str(v)) for k, v in DIMENSION_LABELS.items()],
            "dimension_label": DIMENSION_LABELS[dimension],
            "prev_at": data["previous_period"].key,
            "next_at": _next(period).key,
            "months": monthly_counts(request.user, months=12, until=period.end),
            "all_url": _register_url(period),
            "proposals": ImprovementProposal.objects.filter(
                period_start__gte=period.start, period_end__lte=period.end
            ).select_related("nonconformance", "liaison_form")[:20],
            "tab": "analysis",
            "can_analyse": True,
        },
    )


def _next(period):
    from datetime import timedelta

    from ..analysis import period_of

    return period_of(period.kind, period.end + timedelta(days=1))


@login_required
def proposal_new(request):
    _guard(request)
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    period = parse_period(source.get("period", "month"), source.get("at", ""), today=today)
    dimension, key = source.get("by", ""), source.get("key", "")
    label = source.get("label", "")[:120]
    errors = {}
    if request.method == "POST":
        department = None
        if (request.POST.get("department") or "").isdigit():
            department = Department.objects.filter(pk=int(request.POST["department"])).first()
        try:
            proposal = proposal_raise(
                actor=request.user,
                period=period,
                dimension=dimension,
                key=key,
                key_label=label,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                target=request.POST.get("target", ""),
                department=department,
                severity=request.POST.get("severity", "major"),
            )
        except ApplicationError as exc:
            errors = exc.fields or {"": [error_text(exc)]}
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("Proposal %(number)s raised as %(target)s.")
                % {"number": proposal.number, "target": proposal.get_target_display()},
            )
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "feedback/proposal_form.html",
        {
            "period": period,
            "by": dimension,
            "key": key,
            "label": label,
            "dimension_label": DIMENSION_LABELS.get(dimension, ""),
            "errors": errors,
            "posted": request.POST,
            "targets": ImprovementProposal.Target.choices,
            "severities": Nonconformance.Severity.choices,
            "departments": Department.objects.filter(active=True).order_by("code"),
            "default_title": _("Complaints about %(label)s (%(period)s)")
            % {"label": label, "period": period.label},
            "register_url": _register_url(period, by=dimension, key=key),
        },
        status=400 if errors else 200,
    )


@login_required
def proposal_detail(request, number: str):
    _guard(request)
    proposal = (
        ImprovementProposal.objects.select_related("nonconformance", "liaison_form", "raised_by")
        .filter(number=number)
        .first()
    )
    if proposal is None:
        raise Http404
    return render(
        request,
        "feedback/proposal_detail.html",
        {
            "p": proposal,
            "complaints": proposal.complaints.select_related("customer", "product").order_by(
                "created_at"
            )[:200],
            "count": proposal.complaints.count(),
            "dimension_label": DIMENSION_LABELS.get(proposal.dimension, proposal.dimension),
        },
    )


@login_required
def report_list(request):
    _guard(request)
    return render(
        request,
        "feedback/reports.html",
        {"reports": ComplaintReport.objects.all()[:36], "tab": "reports", "can_analyse": True},
    )


@login_required
def report_download(request, month: str):
    _guard(request)
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise Http404 from None
    report = ComplaintReport.objects.filter(month=first).first()
    if report is None:
        raise Http404
    return FileResponse(
        report.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"complaint-analysis-{month}.pdf",
    )
