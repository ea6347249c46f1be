"""The case's printable forms: whoever may open the case may print them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from . import printouts, selectors


def _pdf(request, number: str, render, name: str) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, number=number)
    if case is None:
        raise Http404
    response = HttpResponse(render(case, reader=request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}-{name}.pdf"'
    return response


@login_required
def request_form(request, number: str):
    """客户服务申请表 (S6)."""
    return _pdf(request, number, printouts.request_form_pdf, "request")


@login_required
def service_sheet(request, number: str):
    """售后服务单 for the customer (S15)."""
    return _pdf(request, number, printouts.service_sheet_pdf, "sheet")
