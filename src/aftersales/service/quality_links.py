"""What the cases give the quality department (SVC-9, QC-5): the cases on a batch on its
trace page, a case number in the trace search, and the case as a subject of the
responsibility judgement."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Case
from .selectors import case_list_for_user

CASES_ON_TRACE_PAGE = 20


def batch_cases_section(batch, user):
    from aftersales.quality.selectors import TraceSection

    cases = case_list_for_user(user).filter(batch=batch)
    total = cases.count()
    rows = [
        {
            "cells": [
                c.number,
                timezone.localtime(c.created_at).strftime("%Y-%m-%d"),
                c.get_kind_display(),
                c.customer.name,
                c.get_status_display(),
            ],
            "url": reverse("service:case-detail", args=[c.number]),
        }
        for c in cases.order_by("-created_at")[:CASES_ON_TRACE_PAGE]
    ]
    return TraceSection(
        key="cases",
        title=_("After-sales cases on this batch"),
        headers=[_("Case number"), _("Taken in"), _("Kind"), _("Customer"), _("Status")],
        rows=rows,
        total=total,
    )


def case_lookup(query: str, user) -> list[dict]:
    case = case_list_for_user(user).filter(number__iexact=query).first()
    if case is None:
        return []
    label = f"{case.number} · {case.customer.name}"
    if case.product_id:
        label += f" · {case.product}"
    return [
        {
            "kind": "case",
            "kind_label": str(gettext_lazy("After-sales case")),
            "label": label,
            "batch_id": case.batch_id,
            "url": reverse("quality:trace-batch", args=[case.batch_id])
            if case.batch_id
            else reverse("service:case-detail", args=[case.number]),
        }
    ]


def register() -> None:
    from aftersales.quality.selectors import register_batch_trace_section, register_trace_lookup
    from aftersales.quality.services.judgements import register_judgement_subject

    register_batch_trace_section(batch_cases_section)
    register_trace_lookup(case_lookup)
    register_judgement_subject(Case, gettext_lazy("After-sales case"))
