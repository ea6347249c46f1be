"""The self-inspection pages (FB-5): the list, starting one by hand, the inspection where the
inspector ticks each question for each sampled case (cards on a phone), and finishing it,
which turns the findings into corrective actions."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.errors import ApplicationError, InvalidInput
from aftersales.core.forms import error_text

from ..models import InspectionChecklist, SelfInspection, SelfInspectionResult
from ..permissions import (
    can_run_self_inspections,
    can_view_self_inspections,
    can_work_self_inspection,
)
from ..selectors import (
    self_inspection_counts,
    self_inspection_get_for_user,
    self_inspection_list_for_user,
    staff_people,
)
from ..services.policy import active_policy
from ..services.self_inspections import (
    FindingInput,
    ResultInput,
    checklist_items,
    default_due,
    failed_items,
    missing_results,
    previous_month,
    self_inspection_finish,
    self_inspection_record,
    self_inspection_start,
)

STATUSES = {
    "open": gettext_lazy("To check"),
    "done": gettext_lazy("Done"),
    "all": gettext_lazy("All"),
}


def _viewer(request) -> None:
    if not can_view_self_inspections(request.user):
        raise PermissionDenied


def _get(request, number: str) -> SelfInspection:
    _viewer(request)
    inspection = self_inspection_get_for_user(request.user, number=number)
    if inspection is None:
        raise Http404
    return inspection


def _errors_of(exc: ApplicationError) -> dict:
    return exc.fields or {"": [error_text(exc)]}


@login_required
def self_inspection_list(request):
    _viewer(request)
    status = request.GET.get("status", "all")
    if status not in STATUSES:
        status = "all"
    mine = request.GET.get("inspector") == "me"
    rows = self_inspection_list_for_user(request.user)
    if status != "all":
        rows = rows.filter(status=status)
    if mine:
        rows = rows.filter(inspector=request.user)
    rows = self_inspection_counts(rows).order_by("-month", "-number")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/self_inspection_list.html",
        {
            "page": page,
            "status": status,
            "mine": mine,
            "tabs": [(k, str(v)) for k, v in STATUSES.items()],
            "can_start": can_run_self_inspections(request.user),
        },
    )


def _month_or_none(raw: str) -> date | None:
    try:
        return date.fromisoformat(f"{raw.strip()}-01") if raw.strip() else None
    except ValueError:
        return None


@login_required
def self_inspection_new(request):
    if not can_run_self_inspections(request.user):
        raise PermissionDenied
    checklists = list(InspectionChecklist.objects.filter(active=True).order_by("code"))
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        raw_month = posted.get("cases_month", "")
        raw_size = posted.get("sample_size", "").strip()
        checklist = next((c for c in checklists if c.code == posted.get("checklist")), None)
        try:
            if raw_month.strip() and _month_or_none(raw_month) is None:
                raise InvalidInput(fields={"cases_month": [_("Give a month as YYYY-MM.")]})
            if raw_size and not raw_size.isdigit():
                raise InvalidInput(fields={"sample_size": [_("Give a whole number.")]})
            inspection = self_inspection_start(
                actor=request.user,
                checklist=checklist,
                cases_month=_month_or_none(raw_month),
                sample_size=int(raw_size) if raw_size else None,
            )
        except ApplicationError as exc:
            errors = _errors_of(exc)
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("Self-inspection %(number)s started: %(n)s cases to check.")
                % {"number": inspection.number, "n": inspection.rows.count()},
            )
            return redirect(inspection.get_absolute_url())
    today = timezone.localdate()
    return render(
        request,
        "feedback/self_inspection_form.html",
        {
            "checklists": checklists,
            "errors": errors,
            "posted": posted,
            "default_month": f"{previous_month(today):%Y-%m}",
            "max_month": f"{today:%Y-%m}",
            "default_size": active_policy().self_inspection_sample_size or 10,
        },
        status=400 if errors else 200,
    )


def _grid(inspection: SelfInspection, items, posted=None) -> list[dict]:
    """The sampled cases, each with a cell per question: its result and note (as posted when
    the form came back with errors)."""
    rows = list(
        inspection.rows.select_related("case", "case__customer")
        .prefetch_related("results")
        .order_by("position", "id")
    )
    grid = []
    for row in rows:
        recorded = {r.item_id: r for r in row.results.all()}
        cells = []
        for item in items:
            result = recorded.get(item.pk)
            key = f"{row.pk}-{item.pk}"
            value = result.result if result else ""
            note = result.note if result else ""
            if posted is not None:
                value, note = posted.get(f"r-{key}", value), posted.get(f"n-{key}", note)
            cells.append({"item": item, "key": key, "result": value, "note": note})
        grid.append({"row": row, "case": row.case, "cells": cells})
    return grid


@login_required
def self_inspection_detail(request, number: str):
    inspection = _get(request, number)
    items = checklist_items(inspection)
    can_work = can_work_self_inspection(request.user, inspection)
    errors, posted = {}, None
    if request.method == "POST":
        if not can_work:
            raise PermissionDenied
        posted = request.POST
        entries = []
        for row in inspection.rows.select_related("case"):
            for item in items:
                key = f"{row.pk}-{item.pk}"
                value = posted.get(f"r-{key}", "")
                if value:
                    entries.append(
                        ResultInput(row.case.number, item.pk, value, posted.get(f"n-{key}", ""))
                    )
        try:
            version = int(posted.get("version", ""))
        except ValueError:
            version = None
        try:
            inspection = self_inspection_record(
                actor=request.user,
                inspection=inspection,
                results=entries,
                expected_version=version,
            )
        except ApplicationError as exc:
            errors = _errors_of(exc)
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The results are recorded."))
            if posted.get("then") == "finish":
                return redirect("feedback:self-inspection-finish", number=inspection.number)
            return redirect(inspection.get_absolute_url())
    counted = self_inspection_counts(SelfInspection.objects.filter(pk=inspection.pk)).get()
    findings = (
        list(inspection.nonconformance.actions.select_related("owner").order_by("id"))
        if inspection.nonconformance_id
        else []
    )
    return render(
        request,
        "feedback/self_inspection_detail.html",
        {
            "i": inspection,
            "counted": counted,
            "items": items,
            "grid": _grid(inspection, items, posted),
            "results": SelfInspectionResult.Result.choices,
            "can_work": can_work,
            "missing": missing_results(inspection) if can_work else 0,
            "errors": errors,
            "findings": findings,
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@login_required
def self_inspection_finish_view(request, number: str):
    inspection = _get(request, number)
    if inspection.status != SelfInspection.Status.OPEN:
        return redirect(inspection.get_absolute_url())
    if not can_work_self_inspection(request.user, inspection):
        raise PermissionDenied
    people = list(staff_people())
    by_pk = {str(p.pk): p for p in people}
    failed = failed_items(inspection)
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        findings = []
        for item, _results in failed:
            findings.append(_finding(posted, f"f-{item.pk}", by_pk, item=item.pk))
        if any(posted.get(f"x-{name}", "").strip() for name in ("text", "owner", "due_on")):
            findings.append(_finding(posted, "x", by_pk, item=None))
        try:
            version = int(posted.get("version", ""))
        except ValueError:
            version = None
        try:
            inspection = self_inspection_finish(
                actor=request.user,
                inspection=inspection,
                findings=findings,
                summary=posted.get("summary", ""),
                expected_version=version,
            )
        except ApplicationError as exc:
            errors = _page_errors(exc, failed)
            messages.error(request, error_text(exc))
        else:
            if inspection.nonconformance_id:
                messages.success(
                    request,
                    _("Finished: %(n)s findings became corrective actions of %(nc)s.")
                    % {
                        "n": inspection.nonconformance.actions.count(),
                        "nc": inspection.nonconformance.number,
                    },
                )
            else:
                messages.success(request, _("Finished: nothing failed."))
            return redirect(inspection.get_absolute_url())
    owner = inspection.inspector or request.user
    due = default_due()
    rows = [
        {
            "item": item,
            "prefix": f"f-{item.pk}",
            "cases": [r.row.case for r in results],
            "notes": [f"{r.row.case.number}: {r.note}" for r in results if r.note],
            "text": posted.get(f"f-{item.pk}-text", ""),
            "owner": posted.get(f"f-{item.pk}-owner", str(owner.pk)),
            "due_on": posted.get(f"f-{item.pk}-due_on", due.isoformat()),
            "errors": _row_errors(errors, f"f-{item.pk}"),
        }
        for item, results in failed
    ]
    return render(
        request,
        "feedback/self_inspection_finish.html",
        {
            "i": inspection,
            "rows": rows,
            "people": people,
            "missing": missing_results(inspection),
            "errors": errors,
            "posted": posted,
            "extra": {
                "text": posted.get("x-text", ""),
                "owner": posted.get("x-owner", ""),
                "due_on": posted.get("x-due_on", ""),
                "errors": _row_errors(errors, "x"),
            },
            "today": timezone.localdate().isoformat(),
        },
        status=400 if errors else 200,
    )


def _finding(posted, prefix: str, people: dict, *, item) -> FindingInput:
    raw_owner = posted.get(f"{prefix}-owner", "").strip()
    raw_due = posted.get(f"{prefix}-due_on", "").strip()
    try:
        due = date.fromisoformat(raw_due) if raw_due else None
    except ValueError:
        due = date.min  # refused by the service as a day in the past
    return FindingInput(
        item=item,
        text=posted.get(f"{prefix}-text", ""),
        owner=people.get(raw_owner),
        owner_given=bool(raw_owner),
        due_on=due,
    )


def _row_errors(errors: dict, prefix: str) -> dict:
    return {
        name: errors.get(f"{prefix}-{name}", []) for name in ("item", "text", "owner", "due_on")
    }


def _page_errors(exc: ApplicationError, failed) -> dict:
    """The service's ``findings[i].field`` as the form's ``f-<item>-field`` / ``x-field``."""
    prefixes = [f"f-{item.pk}" for item, _results in failed] + ["x"]
    out = {}
    for key, value in _errors_of(exc).items():
        if key.startswith("findings["):
            index, _sep, name = key[len("findings[") :].partition("].")
            if index.isdigit() and int(index) < len(prefixes):
                out[f"{prefixes[int(index)]}-{name}"] = value
                continue
        out[key] = value
    return out
