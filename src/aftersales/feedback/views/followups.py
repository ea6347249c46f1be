"""The follow-up queue and the call form (FB-1)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.company import company
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text
from aftersales.customers.masking import phone_for

from ..models import FollowUp, FollowUpKind, Survey
from ..permissions import (
    can_record_survey,
    can_view_follow_ups,
    can_view_surveys,
    can_work_follow_up,
)
from ..selectors import follow_up_get_for_user, follow_up_list_for_user
from ..services.followups import CallInput, follow_up_call
from ..services.surveys import scores_text
from .public import _questions, answers_from_post

STATUSES = {
    "due": lambda rows, today: rows.filter(status=FollowUp.Status.DUE, due_on__lte=today),
    "overdue": lambda rows, today: rows.filter(status=FollowUp.Status.DUE, deadline_on__lt=today),
    "upcoming": lambda rows, today: rows.filter(status=FollowUp.Status.DUE, due_on__gt=today),
    "done": lambda rows, today: rows.exclude(status=FollowUp.Status.DUE),
    "all": lambda rows, today: rows,
}
STATUS_LABELS = {
    "due": gettext_lazy("To call"),
    "overdue": gettext_lazy("Overdue"),
    "upcoming": gettext_lazy("Later"),
    "done": gettext_lazy("Done"),
    "all": gettext_lazy("All"),
}


@login_required
def follow_up_list(request):
    if not can_view_follow_ups(request.user):
        raise Http404
    today = timezone.localdate()
    status = request.GET.get("status", "due")
    if status not in STATUSES:
        status = "due"
    kind = request.GET.get("kind", "")
    rows = STATUSES[status](follow_up_list_for_user(request.user), today)
    if kind in FollowUpKind.values:
        rows = rows.filter(kind=kind)
    rows = rows.order_by("-done_at", "due_on", "id") if status == "done" else rows
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    for f in page:
        f.overdue = f.status == FollowUp.Status.DUE and f.deadline_on < today
        f.phone_shown = phone_for(request.user, f.phone)
    return render(
        request,
        "feedback/follow_up_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "tabs": [(k, str(v)) for k, v in STATUS_LABELS.items()],
            "kinds": FollowUpKind.choices,
        },
    )


def _script(follow_up: FollowUp) -> str:
    script = follow_up.rule.script if follow_up.rule else ""
    return script.replace("{公司}", company().sms_signature).replace("{单号}", follow_up.subject)


def _survey_to_ask(follow_up: FollowUp) -> Survey | None:
    """The case's unanswered survey, asked on the call (the phone channel)."""
    if follow_up.case_id is None:
        return None
    return (
        Survey.objects.filter(case_id=follow_up.case_id, status=Survey.Status.SENT)
        .select_related("version")
        .order_by("-sent_at")
        .first()
    )


@login_required
def follow_up_detail(request, number: str):
    follow_up = follow_up_get_for_user(request.user, number=number)
    if follow_up is None:
        raise Http404
    survey = _survey_to_ask(follow_up)
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        answers = answers_from_post(request.POST, survey.version) if survey else {}
        data = CallInput(
            outcome=request.POST.get("outcome", ""),
            verdict=request.POST.get("verdict", ""),
            remarks=request.POST.get("remarks", ""),
            reopen=request.POST.get("reopen") == "on",
            open_complaint=request.POST.get("open_complaint") == "on",
            answers=answers or None,
        )
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            follow_up = follow_up_call(
                actor=request.user, follow_up=follow_up, data=data, expected_version=version
            )
        except ApplicationError as exc:
            errors = {
                k.removeprefix("answers."): v
                for k, v in (exc.fields or {"": [error_text(exc)]}).items()
            }
            messages.error(request, error_text(exc))
        else:
            if follow_up.status == FollowUp.Status.DUE:
                messages.info(
                    request,
                    _("Not reached: call again on %(day)s.")
                    % {"day": follow_up.due_on.isoformat()},
                )
            else:
                messages.success(request, _("The follow-up is recorded."))
            if follow_up.complaint_id:
                messages.info(
                    request,
                    _("Complaint %(number)s opened.") % {"number": follow_up.complaint.number},
                )
            return redirect(follow_up.get_absolute_url())
    today = timezone.localdate()
    answered = (
        follow_up.case.surveys.filter(status=Survey.Status.ANSWERED).first()
        if follow_up.case_id and can_view_surveys(request.user)
        else None
    )
    return render(
        request,
        "feedback/follow_up_detail.html",
        {
            "f": follow_up,
            "phone": phone_for(request.user, follow_up.phone),
            "script": _script(follow_up),
            "calls": follow_up.calls.select_related("by"),
            "can_call": follow_up.status == FollowUp.Status.DUE
            and can_work_follow_up(request.user, follow_up),
            "can_reopen": follow_up.case_id is not None
            and follow_up.case.status in ("confirmed", "closed"),
            "survey": survey if can_record_survey(request.user) else None,
            "questions": _questions(
                survey.version,
                answers_from_post(posted, survey.version) if posted else {},
                errors,
            )
            if survey and can_record_survey(request.user)
            else [],
            "errors": errors,
            "posted": posted,
            "overdue": follow_up.status == FollowUp.Status.DUE and follow_up.deadline_on < today,
            "outcomes": [
                (FollowUp.Outcome.REACHED, _("Reached")),
                (FollowUp.Outcome.NOT_REACHED, _("Not reached")),
                (FollowUp.Outcome.REFUSED, _("Refused to talk")),
            ],
            "verdicts": [c for c in FollowUp.Verdict.choices if c[0]],
            "answered": answered,
            "answered_scores": scores_text(answered) if answered else "",
            "survey_scores": scores_text(follow_up.survey) if follow_up.survey_id else "",
        },
        status=400 if errors else 200,
    )
