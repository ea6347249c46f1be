"""The 顾客满意度调查表 (S18) as a page, Excel and PDF; one answer and its paper form; the
statistics page (FB-2)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import Department
from aftersales.catalog.models import Product
from aftersales.core.excel import export_response
from aftersales.core.models import ExportRecord
from aftersales.core.pdf import filters_text, render_pdf, table_pdf
from aftersales.customers.masking import phone_display
from aftersales.customers.models import Dealer

from ..models import Survey
from ..permissions import can_analyse_complaints, can_view_surveys
from ..selectors import (
    GROUPS,
    SCORE_CODES,
    SurveyFilter,
    follow_up_list_for_user,
    survey_list_for_user,
    survey_register,
    survey_score_averages,
    survey_summary,
)

HEADERS = [
    gettext_lazy("Answered on"),
    gettext_lazy("Case number"),
    gettext_lazy("Customer"),
    gettext_lazy("Phone"),
    gettext_lazy("Product"),
    gettext_lazy("Handled by"),
    gettext_lazy("Department"),
    gettext_lazy("Dealer"),
    gettext_lazy("Overall"),
    gettext_lazy("Timeliness"),
    gettext_lazy("Attitude"),
    gettext_lazy("Handling quality"),
    gettext_lazy("Recommendation (0–10)"),
    gettext_lazy("Comments"),
    gettext_lazy("Answered by"),
]
PER_PAGE = 50
GROUP_LABELS = {
    "department": gettext_lazy("Department"),
    "assignee": gettext_lazy("Handler"),
    "product": gettext_lazy("Product"),
    "category": gettext_lazy("Product category"),
    "dealer": gettext_lazy("Dealer"),
    "region": gettext_lazy("Region"),
    "month": gettext_lazy("Month"),
}


def _date(raw):
    try:
        return parse_date(raw or "")
    except ValueError:
        return None


def _int(raw):
    return int(raw) if (raw or "").isdigit() else None


def _filters(request) -> SurveyFilter:
    return SurveyFilter(
        date_from=_date(request.GET.get("date_from")),
        date_to=_date(request.GET.get("date_to")),
        department=_int(request.GET.get("department")),
        assignee=_int(request.GET.get("assignee")),
        product=_int(request.GET.get("product")),
        dealer=_int(request.GET.get("dealer")),
        low_only=request.GET.get("low") == "1",
    )


EXPORT_COLUMNS = (
    "answered_at",
    "case__number",
    "customer__name",
    "case__contact_phone",
    "customer__mobile",
    "product__name",
    "assignee__full_name",
    "assignee__username",
    "department__name",
    "department__code",
    "dealer__name",
    "answers",
    "comment",
    "answered_via",
)


def register_rows(surveys, show_phone):
    """The register's rows from plain values: no model instances per row (an export may be
    100,000 rows)."""
    from aftersales.accounts.seeded import DEPARTMENTS
    from aftersales.core.seeded import seeded_name

    via = dict(Survey.Channel.choices)
    rows = surveys.select_related(None).values_list(*EXPORT_COLUMNS)
    for (
        answered_at,
        number,
        customer,
        contact_phone,
        mobile,
        product,
        full_name,
        username,
        department,
        department_code,
        dealer,
        answers,
        comment,
        answered_via,
    ) in rows.iterator(chunk_size=2000):
        yield [
            timezone.localtime(answered_at).strftime("%Y-%m-%d %H:%M") if answered_at else "",
            number,
            customer,
            show_phone(contact_phone or mobile),
            product or "",
            full_name or username or "",
            seeded_name(department, DEPARTMENTS.get(department_code)) if department else "",
            dealer or "",
            *[answers.get(code, "") for code in SCORE_CODES],
            answers.get("nps", ""),
            comment,
            str(via.get(answered_via, "")),
        ]


def _choices():
    return {
        "departments": Department.objects.filter(active=True).order_by("code"),
        "products": Product.objects.order_by("sku").only("pk", "sku", "name")[:500],
        "dealers": Dealer.objects.order_by("code").only("pk", "name")[:500],
        # Who handles cases: the company's active people (a dealer's are not handlers here).
        "handlers": get_user_model()
        .objects.filter(is_active=True, dealer_member__isnull=True)
        .order_by("username")
        .only("pk", "username", "full_name")[:500],
    }


def _tabs(user, active: str) -> dict:
    return {"tab": active, "can_analyse": can_analyse_complaints(user)}


@login_required
def register(request):
    if not can_view_surveys(request.user):
        raise Http404
    filters = _filters(request)
    surveys = survey_register(request.user, filters)
    show = phone_display(request.user)
    title = _("Customer satisfaction survey register")
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf"):
        if fmt == "xlsx":
            response, count = export_response(
                filename=f"{title}.xlsx",
                headers=HEADERS,
                rows=register_rows(surveys, show),
                sheet_title=title,
            )
        else:
            printed = list(register_rows(surveys[:5000], show))
            summary = survey_summary(
                request.user, date_from=filters.date_from, date_to=filters.date_to
            )
            response = HttpResponse(
                table_pdf(
                    title=str(title),
                    subtitle="　".join(
                        x
                        for x in (
                            filters_text(request.GET),
                            _summary_line(summary),
                        )
                        if x
                    ),
                    headers=[str(h) for h in HEADERS],
                    rows=printed,
                ),
                content_type="application/pdf",
            )
            response["Content-Disposition"] = 'inline; filename="satisfaction_register.pdf"'
            count = len(printed)
        ExportRecord.objects.create(
            user=request.user,
            what=f"satisfaction_register.{fmt}",
            rows=count,
            filters=request.GET.urlencode()[:300],
        )
        return response
    # Newer and older pages without counting every answer (the statistics page counts).
    number = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    number = max(1, min(number, 10_000))
    rows = list(surveys[(number - 1) * PER_PAGE : number * PER_PAGE + 1])
    return render(
        request,
        "feedback/register.html",
        {
            "title": title,
            "page_number": number,
            "has_next": len(rows) > PER_PAGE,
            "rows": rows[:PER_PAGE],
            "filters": filters,
            "querystring": request.GET.urlencode(),
            **_choices(),
            **_tabs(request.user, "register"),
        },
    )


def _summary_line(summary: dict) -> str:
    def pct(v):
        return "—" if v is None else f"{v * 100:.1f}%"

    return _(
        "Sent %(sent)s · answered %(responses)s (%(rate)s) · satisfied %(csat)s · NPS %(nps)s"
    ) % {
        "sent": summary["sent"],
        "responses": summary["responses"],
        "rate": pct(summary["response_rate"]),
        "csat": pct(summary["csat"]),
        "nps": "—" if summary["nps"] is None else summary["nps"],
    }


@login_required
def survey_detail(request, pk: int):
    survey = (
        survey_list_for_user(request.user)
        .select_related("case", "customer", "version__questionnaire", "department", "assignee")
        .filter(pk=pk)
        .first()
    )
    if survey is None:
        raise Http404
    rows = _answer_rows(survey)
    if request.GET.get("format") == "pdf":
        pdf = render_pdf(
            "feedback/print/survey_form.html",
            {
                "s": survey,
                "rows": rows,
                "phone": phone_display(request.user)(
                    survey.case.contact_phone or survey.customer.mobile
                ),
            },
            title=str(survey.version.questionnaire.label),
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="survey-{survey.case.number}.pdf"'
        return response
    return render(
        request,
        "feedback/survey_detail.html",
        {
            "s": survey,
            "rows": rows,
            "follow_ups": follow_up_list_for_user(request.user).filter(survey=survey),
        },
    )


def _answer_rows(survey: Survey) -> list[dict]:
    out = []
    for q in survey.version.questions.all():
        value = survey.answers.get(q.code, "")
        out.append(
            {
                "q": q,
                "value": ", ".join(value) if isinstance(value, list) else value,
                "scale": list(range(1, 6))
                if q.kind == "rating"
                else list(range(0, 11))
                if q.kind == "nps"
                else [],
            }
        )
    return out


def _period(request) -> tuple[date, date]:
    today = timezone.localdate()
    date_from = _date(request.GET.get("date_from"))
    date_to = _date(request.GET.get("date_to")) or today
    if date_from is None:
        start = date(date_to.year, date_to.month, 1)
        for _i in range(5):  # six months by default: a trend to look at
            start = (start - timedelta(days=1)).replace(day=1)
        date_from = start
    return date_from, date_to


@login_required
def stats(request):
    if not can_view_surveys(request.user):
        raise Http404
    date_from, date_to = _period(request)
    group_by = request.GET.get("group_by", "department")
    if group_by not in GROUPS or group_by == "month":
        group_by = "department"
    summary = survey_summary(request.user, date_from=date_from, date_to=date_to, group_by=group_by)
    months = survey_summary(request.user, date_from=date_from, date_to=date_to, group_by="month")
    for g in summary["groups"]:
        g["csat_pct"] = None if g["csat"] is None else round(g["csat"] * 100)
    for m in months["groups"]:
        m["csat_pct"] = None if m["csat"] is None else round(m["csat"] * 100)
        m["nps_pos"] = None if m["nps"] is None else round((m["nps"] + 100) / 2)
    return render(
        request,
        "feedback/stats.html",
        {
            "date_from": date_from,
            "date_to": date_to,
            "group_by": group_by,
            "group_choices": [(k, str(v)) for k, v in GROUP_LABELS.items() if k != "month"],
            "group_label": GROUP_LABELS[group_by],
            "summary": summary,
            "rate_pct": None
            if summary["response_rate"] is None
            else round(summary["response_rate"] * 100, 1),
            "csat_pct": None if summary["csat"] is None else round(summary["csat"] * 100, 1),
            "months": months["groups"],
            "averages": [
                (code, str(label), value)
                for (code, value), label in zip(
                    survey_score_averages(
                        request.user, date_from=date_from, date_to=date_to
                    ).items(),
                    (HEADERS[8], HEADERS[9], HEADERS[10], HEADERS[11]),
                    strict=True,
                )
            ],
            **_tabs(request.user, "stats"),
        },
    )
