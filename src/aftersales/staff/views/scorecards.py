"""Scorecard pages (STF-2): the department ranking (and its Excel for the performance
review), one scorecard with its workflow, and the records behind each computed figure."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.models import Department
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text

from .. import selectors
from ..indicators import SOURCES, parse_period, period_containing
from ..models import RecordView, Scorecard, Source
from ..permissions import (
    can_answer,
    can_compute_scorecards,
    can_correct,
    can_finalize,
    can_review,
    can_view_people,
    can_view_scorecard,
    headed_department_ids,
    sees_everyone,
)
from ..services import scorecards as services

S = Scorecard.Status


def _last_month():
    today = timezone.localdate()
    return period_containing(today.replace(day=1) - timedelta(days=1), "month")


def _period(request):
    raw = request.GET.get("period", "")
    if not raw:
        return _last_month(), ""
    try:
        return parse_period(raw), ""
    except ApplicationError as exc:
        return _last_month(), error_text(exc)


def _visible_departments(user):
    departments = Department.objects.filter(active=True).order_by("code")
    if sees_everyone(user):
        return departments
    return departments.filter(pk__in=headed_department_ids(user))


@login_required
def ranking(request):
    if not can_view_people(request.user):
        raise Http404
    period, period_error = _period(request)
    departments = _visible_departments(request.user)
    department = departments.filter(code=request.GET.get("department", "")).first()
    to_review = request.GET.get("status") == "to_review"
    if to_review:
        cards = list(
            selectors.scorecards_to_act_on(request.user).order_by("-period", "user__username")
        )
    else:
        cards = selectors.ranking(request.user, period, department)
    services.record_views(viewer=request.user, cards=cards)
    if request.GET.get("format") == "xlsx" and not to_review:
        return _export(request, period, department, cards)
    return render(
        request,
        "staff/ranking.html",
        {
            "cards": cards,
            "period": period,
            "period_error": period_error,
            "previous": period.previous().key,
            "next": period.next().key,
            "departments": departments,
            "department": department,
            "to_review": to_review,
            "can_compute": can_compute_scorecards(request.user),
            "export_url": "?"
            + urlencode(
                {
                    "period": period.key,
                    "department": department.code if department else "",
                    "format": "xlsx",
                }
            ),
        },
    )


def _export(request, period, department, cards):
    from aftersales.core.excel import export_response
    from aftersales.core.models import ExportRecord

    cards_with_lines = {
        c.pk: c
        for c in Scorecard.objects.filter(pk__in=[c.pk for c in cards]).prefetch_related("lines")
    }
    codes: list[tuple[str, str]] = []
    for card in cards_with_lines.values():
        for line in card.lines.all():
            if (line.code, line.label) not in codes:
                codes.append((line.code, line.label))
    headers = [
        _("Rank"),
        _("Person"),
        _("Department"),
        _("Role"),
        _("Period"),
        _("Status"),
        _("Total"),
    ]
    for _code, label in codes:  # each indicator: what was counted, then its score
        headers += [label, _("%(indicator)s, score") % {"indicator": label}]

    def rows():
        for card in cards:
            lines = {line.code: line for line in cards_with_lines[card.pk].lines.all()}
            row = [
                card.place,
                str(card.user),
                card.department.label if card.department_id else "",
                card.get_role_display(),
                card.period,
                card.get_status_display(),
                card.total,
            ]
            for code, _label in codes:
                line = lines.get(code)
                row += [line.value, line.score] if line else [None, None]
            yield row

    title = _("Scorecards %(period)s") % {"period": period.key}
    response, count = export_response(
        filename=f"{title}.xlsx", headers=headers, rows=rows(), sheet_title=title
    )
    ExportRecord.objects.create(
        user=request.user,
        what="staff.scorecards",
        rows=count,
        filters=request.GET.urlencode()[:300],
    )
    return response


@login_required
@require_POST
def compute(request):
    if not can_compute_scorecards(request.user):
        raise Http404
    try:
        period = parse_period(request.POST.get("period", ""))
        result = services.scorecards_compute(period=period, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect("staff:scorecards")
    messages.success(
        request,
        _(
            "%(period)s: %(created)s scorecards computed, %(updated)s drafts computed again, "
            "%(kept)s already reviewed left as they are."
        )
        % {"period": period.key, **result},
    )
    return redirect(reverse("staff:scorecards") + f"?period={period.key}")


def _card(request, pk: int) -> Scorecard:
    card = get_object_or_404(
        Scorecard.objects.select_related("user", "department", "corrects"), pk=pk
    )
    if not can_view_scorecard(request.user, card):
        raise Http404
    return card


@login_required
def scorecard_detail(request, pk: int):
    card = _card(request, pk)
    services.record_view(
        viewer=request.user, subject=card.user, what=RecordView.What.SCORECARD, scorecard=card
    )
    lines = list(card.lines.all())
    for line in lines:
        line.drillable = line.source in SOURCES
    later = (
        Scorecard.objects.filter(user=card.user, period=card.period, revision__gt=card.revision)
        .order_by("revision")
        .first()
    )
    errors = request.session.pop(f"scorecard-errors-{card.pk}", {})
    fields, posted = errors.get("fields", {}), errors.get("posted", {})
    typed_comment = posted.get("comment")
    for line in lines:
        line.errors = fields.get(f"score_{line.code}", []) + fields.get(f"reason_{line.code}", [])
        line.typed_score = posted.get(f"score_{line.code}")
        line.typed_reason = posted.get(f"reason_{line.code}")
    user = request.user
    return render(
        request,
        "staff/scorecard_detail.html",
        {
            "card": card,
            "lines": lines,
            "scored": [line for line in lines if line.is_scored],
            "events": card.events.select_related("actor"),
            "later": later,
            "errors": errors,
            "may_review": can_review(user, card)
            and card.status in (S.DRAFT, S.REVIEWED, S.DISPUTED),
            "may_answer": can_answer(user, card) and card.status == S.REVIEWED,
            "may_finalize": can_finalize(user, card)
            and card.status in (S.ACKNOWLEDGED, S.DISPUTED),
            "may_correct": can_correct(user, card) and card.status == S.FINAL and later is None,
            "typed_comment": typed_comment,
            "views": selectors.views_summary(card.user, scorecard=card)
            if card.user_id == user.pk or sees_everyone(user)
            else [],
            "trend": selectors.trend(card.user, until=parse_period(card.period), periods=6),
            "can_view_people": can_view_people(user),
        },
    )


@login_required
@require_POST
def scorecard_step(request, pk: int, action: str):
    card = _card(request, pk)
    post = request.POST
    try:
        version = int(post.get("version", ""))
    except ValueError:
        version = None
    try:
        if action == "review":
            scores = {
                line.code: (post.get(f"score_{line.code}", ""), post.get(f"reason_{line.code}", ""))
                for line in card.lines.filter(source=Source.SCORED)
            }
            services.scorecard_review(
                actor=request.user,
                scorecard=card,
                scores=scores,
                comment=post.get("comment", ""),
                expected_version=version,
            )
            messages.success(
                request, _("Reviewed: %(who)s is asked to acknowledge it.") % {"who": card.user}
            )
        elif action == "acknowledge":
            services.scorecard_acknowledge(
                actor=request.user, scorecard=card, expected_version=version
            )
            messages.success(request, _("You acknowledged the scorecard."))
        elif action == "dispute":
            services.scorecard_dispute(
                actor=request.user,
                scorecard=card,
                reason=post.get("reason", ""),
                expected_version=version,
            )
            messages.success(request, _("Your supervisor is told what you disagree with."))
        elif action == "finalize":
            services.scorecard_finalize(
                actor=request.user,
                scorecard=card,
                note=post.get("note", ""),
                expected_version=version,
            )
            messages.success(request, _("The scorecard is final."))
        elif action == "correct":
            new = services.scorecard_correct(
                actor=request.user, scorecard=card, reason=post.get("reason", "")
            )
            messages.success(request, _("Revision %(n)s made: review it.") % {"n": new.revision})
            return redirect(new.get_absolute_url())
        else:
            raise Http404
    except ApplicationError as exc:
        request.session[f"scorecard-errors-{card.pk}"] = {
            "fields": {k: [str(m) for m in v] for k, v in (exc.fields or {}).items()},
            "posted": {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"},
        }
        messages.error(request, error_text(exc))
    return redirect(card.get_absolute_url())


@login_required
def line_records(request, pk: int, code: str):
    card = _card(request, pk)
    line = get_object_or_404(card.lines, code=code)
    if line.source not in SOURCES:
        raise Http404
    services.record_view(
        viewer=request.user, subject=card.user, what=RecordView.What.DETAIL, scorecard=card
    )
    rows = selectors.line_records(request.user, card, line)
    return render(
        request,
        "staff/line_records.html",
        {
            "card": card,
            "line": line,
            "rows": rows,
            "record_kind": SOURCES[line.source].record_kind,
            "good": sum(1 for r in rows if r.good),
            "marked": any(r.good is not None for r in rows),
        },
    )
