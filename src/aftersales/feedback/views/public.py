"""The customer's side of the survey: the signed SMS link's phone page, and the questions on
the case's tracking page (FB-2)."""

from __future__ import annotations

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text
from aftersales.core.throttling import address_rate_exceeded

from ..models import Survey
from ..services.surveys import LinkProblem, survey_answer, survey_from_token

PROBLEMS = {
    "invalid": (
        gettext_lazy("This link is not valid"),
        gettext_lazy("Please open the link exactly as it came in the SMS, or call us."),
    ),
    "expired": (
        gettext_lazy("This survey has closed"),
        gettext_lazy("The link was valid for a limited time. Thank you all the same."),
    ),
    "used": (
        gettext_lazy("Thank you, we have your answer"),
        gettext_lazy("This survey has been answered; each link can be used once."),
    ),
}


def answers_from_post(post, version) -> dict:
    """The form's fields as answers: ``q_<code>`` for each question (a list for multiple)."""
    answers = {}
    for q in version.questions.all():
        if q.kind == "multiple":
            values = post.getlist(f"q_{q.code}")
            if values:
                answers[q.code] = values
        else:
            value = post.get(f"q_{q.code}", "")
            if value != "":
                answers[q.code] = value
    return answers


def _questions(version, answers=None, errors=None) -> list[dict]:
    answers, errors = answers or {}, errors or {}
    return [
        {
            "q": q,
            "value": answers.get(q.code, ""),
            "errors": errors.get(q.code, []),
            "scale": list(range(1, 6)) if q.kind == "rating" else list(range(0, 11)),
        }
        for q in version.questions.all()
    ]


@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    """Public, phone-first: the survey behind a signed link. Works once, until its date."""
    if address_rate_exceeded(request, "survey_answer"):
        return render(
            request,
            "feedback/answer.html",
            {"problem": (_("Too many tries"), _("Please wait a minute."))},
            status=429,
        )
    try:
        survey = survey_from_token(token)
    except LinkProblem as exc:
        status = 404 if exc.reason == "invalid" else 410 if exc.reason == "expired" else 200
        return render(
            request,
            "feedback/answer.html",
            {"problem": PROBLEMS[exc.reason], "reason": exc.reason},
            status=status,
        )
    answers, errors = {}, {}
    if request.method == "POST":
        answers = answers_from_post(request.POST, survey.version)
        try:
            survey_answer(survey=survey, answers=answers, channel=Survey.Channel.SMS)
        except ApplicationError as exc:
            if exc.code == "already_answered":
                return render(
                    request, "feedback/answer.html", {"problem": PROBLEMS["used"], "reason": "used"}
                )
            errors = {
                k.removeprefix("answers."): v
                for k, v in (exc.fields or {"": [error_text(exc)]}).items()
            }
        else:
            return render(request, "feedback/answer.html", {"thanks": True, "survey": survey})
    return render(
        request,
        "feedback/answer.html",
        {
            "survey": survey,
            "questions": _questions(survey.version, answers, errors),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _waiting_survey(case) -> Survey | None:
    return (
        Survey.objects.filter(case=case, status=Survey.Status.SENT, expires_at__gt=timezone.now())
        .select_related("version")
        .order_by("-sent_at")
        .first()
    )


def track_panel(case, request, token: str) -> str:
    """The tracking page: the case's survey, if one waits for the answer."""
    survey = _waiting_survey(case)
    if survey is None:
        return ""
    return render_to_string(
        "feedback/_track_survey.html",
        {"survey": survey, "questions": _questions(survey.version), "token": token},
        request=request,
    )


def track_post(case, request, answer: str) -> list[tuple[bool, str]]:
    if answer != "survey":
        return []
    survey = _waiting_survey(case)
    if survey is None:
        return [(False, _("This survey has been answered; each link can be used once."))]
    try:
        survey_answer(
            survey=survey,
            answers=answers_from_post(request.POST, survey.version),
            channel=Survey.Channel.TRACKING,
        )
    except ApplicationError as exc:
        return [(False, error_text(exc))]
    return [(True, _("Thank you for your answer."))]
