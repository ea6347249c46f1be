from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import add_error_to_form
from aftersales.core.input_guard import allows_text

from . import selectors, services
from .calendar import FIRST_YEAR, LAST_SUPPORTED_YEAR, OFFICIAL_LAST_YEAR
from .forms import AnnouncementForm, NoticeForm, OverrideForm
from .names import WEEKDAYS
from .permissions import can_manage_calendar


def _admin_only(request) -> None:
    if not can_manage_calendar(request.user):
        raise Http404


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_SUPPORTED_YEAR:
        raise Http404


@login_required
def year_current(request):
    return redirect("workdays:year", year=timezone.localdate().year)


def _month_grids(months_of_days) -> list[dict]:
    """Each month as weeks of seven cells (Monday first), blanks before the 1st and after."""
    months = []
    for days in months_of_days:
        lead = days[0].day.weekday()
        cells = [None] * lead + days
        cells += [None] * (-len(cells) % 7)
        months.append(
            {
                "number": days[0].day.month,
                "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)],
            }
        )
    return months


def _render_year(request, year: int, *, override_form=None, announcement_form=None):
    view = selectors.calendar_year(year)
    months = _month_grids(view.months)
    return render(
        request,
        "workdays/year.html",
        {
            "view": view,
            "months": months,
            "weekdays": WEEKDAYS,
            "today": timezone.localdate(),
            "prev_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < LAST_SUPPORTED_YEAR else None,
            "can_load_announcement": year > OFFICIAL_LAST_YEAR,
            "override_form": override_form or OverrideForm(),
            "announcement_form": announcement_form or AnnouncementForm(),
            "warnings": selectors.calendar_warnings(),
        },
    )


@login_required
def year(request, year: int):
    _admin_only(request)
    _check_year(year)
    return _render_year(request, year)


@login_required
@require_POST
def override_add(request, year: int):
    _admin_only(request)
    _check_year(year)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            row = services.override_set(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(day)s is now set: %(name)s.") % {"day": row.day.isoformat(), "name": row.name},
            )
            return redirect("workdays:year", year=row.day.year)
    return _render_year(request, year, override_form=form)


@login_required
@require_POST
def override_delete(request, year: int, day: str):
    _admin_only(request)
    from django.utils.dateparse import parse_date

    try:
        parsed = parse_date(day)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Http404
    try:
        services.override_delete(actor=request.user, day=parsed)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The override of %(day)s was removed.") % {"day": day})
    return redirect("workdays:year", year=year)


@login_required
@require_POST
def announcement_load(request, year: int):
    _admin_only(request)
    _check_year(year)
    form = AnnouncementForm(request.POST, request.FILES)
    if form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")  # Excel in China saves CSV as GBK
        try:
            services.announcement_load(
                actor=request.user, year=year, csv_text=text, notice=form.cleaned_data["notice"]
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The %(year)s schedule was loaded; open time limits were recomputed.")
                % {"year": year},
            )
            return redirect("workdays:year", year=year)
    return _render_year(request, year, announcement_form=form)


@allows_text(20_000)  # a pasted notice is about 1,000 characters; the service caps it
@login_required
def notice(request, year: int):
    """Import the State Council's notice for ``year``: paste or upload, preview the days that
    change, import (R43). The year becomes official and open time limits are recounted."""
    _admin_only(request)
    _check_year(year)
    preview = None
    form = NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        try:
            if request.POST.get("action") == "import":
                result = services.notice_import(actor=request.user, year=year, text=text)
            else:
                preview = services.notice_preview(actor=request.user, year=year, text=text)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            if preview is None:
                messages.success(request, _import_message(result))
                return redirect("workdays:year", year=year)
            # The preview carries the text on to the import button, whatever its source.
            form = NoticeForm(initial={"text": text})
    return render(
        request,
        "workdays/notice.html",
        {
            "year": year,
            "form": form,
            "preview": preview,
            "months": _month_grids(selectors.notice_preview_months(preview)) if preview else [],
            "weekdays": WEEKDAYS,
            "loadable": year > OFFICIAL_LAST_YEAR,
            "announcement": selectors.calendar_year_announcement(year),
        },
    )


def _import_message(result) -> str:
    labels = selectors.recount_labels()
    parts = [f"{labels.get(k, k)} {n}" for k, n in result.recomputed.items() if n]
    text = _(
        "The %(year)s schedule was imported from “%(title)s”: %(days)s days named, "
        "%(changed)s differ from the provisional calendar."
    ) % {
        "year": result.year,
        "title": result.title,
        "days": len(result.days),
        "changed": len(result.differences),
    }
    if parts:
        text += " " + _("%(n)s open time limits were recounted (%(parts)s).") % {
            "n": result.recomputed_total,
            "parts": ", ".join(parts),
        }
    else:
        text += " " + _("No open time limit had to move.")
    return text
