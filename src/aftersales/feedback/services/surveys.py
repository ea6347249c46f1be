"""Satisfaction surveys (FB-2, S15, S16, S18).

A closed case gets a survey when a survey rule covers its kind and the customer has not had
one in the policy's quiet days (preset 30). The SMS carries a signed link that expires and
works once; the same questions are asked on the phone follow-up and on the tracking page.
An answered survey never changes; its questionnaire version is frozen with it.

A low answer (``overall`` ≤ 2 or ``nps`` ≤ 6 by the preset policy) alerts the head of the
case's department, opens a 不满意回访 follow-up, and the follow-up offers to reopen the case.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from aftersales.core.messaging import message_customer
from aftersales.core.notifications import notify

from ..models import Question, QuestionnaireVersion, Survey, SurveyRule
from ..permissions import can_record_survey
from .policy import active_policy

SALT = "aftersales.feedback.survey"
MAX_TEXT = 2000
RANGES = {Question.Kind.RATING: (1, 5), Question.Kind.NPS: (0, 10)}


# -- the link ---------------------------------------------------------------------------------


def survey_token(survey: Survey) -> str:
    return signing.dumps(survey.pk, salt=SALT)


def survey_url(survey: Survey) -> str:
    from aftersales.core.company import public_base_url

    return f"{public_base_url()}{reverse('feedback_public:answer', args=[survey_token(survey)])}"


class LinkProblem(Exception):
    """Why a survey link does not open the questions: ``invalid``, ``expired`` or ``used``."""

    def __init__(self, reason: str, survey: Survey | None = None):
        super().__init__(reason)
        self.reason, self.survey = reason, survey


def survey_from_token(token: str) -> Survey:
    """The survey of a link, or ``LinkProblem``: tampered or unknown (invalid), past its date
    (expired), already answered (used)."""
    try:
        pk = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    survey = (
        Survey.objects.select_related("case", "customer", "version__questionnaire")
        .filter(pk=pk)
        .first()
        if isinstance(pk, int)
        else None
    )
    if survey is None:
        raise LinkProblem("invalid")
    if survey.status == Survey.Status.ANSWERED:
        raise LinkProblem("used", survey)
    if survey.expires_at <= timezone.now():
        raise LinkProblem("expired", survey)
    return survey


# -- sending ----------------------------------------------------------------------------------


def _rule_for(case) -> SurveyRule | None:
    rules = SurveyRule.objects.filter(active=True, questionnaire__active=True).select_related(
        "questionnaire"
    )
    specific = [r for r in rules if r.case_kind == case.kind]
    general = [r for r in rules if not r.case_kind]
    return (specific or general or [None])[0]


def published_version(questionnaire) -> QuestionnaireVersion | None:
    return questionnaire.versions.filter(published=True).first()


def _snapshot(case) -> dict:
    """The case's groups for the statistics, as they stand when the survey goes out."""
    product = case.product
    return {
        "department_id": case.department_id,
        "assignee_id": case.assignee_id,
        "product_id": case.product_id,
        "category_id": product.category_id if product is not None else None,
        "dealer_id": case.dealer_id,
        "region": case.region or case.customer.province,
    }


def _phone(case) -> str:
    if case.contact_phone and case.contact_phone.startswith("1"):
        return case.contact_phone
    return case.customer.mobile


def customer_surveyed_recently(customer, *, now=None) -> bool:
    quiet = active_policy().survey_quiet_days
    if not quiet:
        return False
    now = now or timezone.now()
    return Survey.objects.filter(
        customer=customer, sent_at__gt=now - timedelta(days=quiet)
    ).exists()


def survey_for_closed_case(case) -> Survey | None:
    """On closing (the ``case_closed`` hook): send the survey the rules call for, unless the
    customer had one within the quiet days or the case already has one waiting."""
    rule = _rule_for(case)
    if rule is None:
        return None
    version = published_version(rule.questionnaire)
    if version is None or customer_surveyed_recently(case.customer):
        return None
    if Survey.objects.filter(case=case, status=Survey.Status.SENT).exists():
        return None
    phone = _phone(case)
    by_sms = rule.send_sms and bool(phone)
    # Without an SMS the survey waits on the case's tracking page (and for the phone call).
    survey = _new_survey(
        case, version, via=Survey.Channel.SMS if by_sms else Survey.Channel.TRACKING
    )
    if by_sms:
        message_customer(
            phone=phone,
            template="survey_invite",
            context={
                "name": case.customer.name,
                "number": case.number,
                "url": survey_url(survey),
                "days": active_policy().survey_link_days,
            },
            related=case.number,
        )
    return survey


def _new_survey(case, version, *, via: str) -> Survey:
    now = timezone.now()
    return Survey.objects.create(
        case=case,
        customer=case.customer,
        version=version,
        sent_at=now,
        expires_at=now + timedelta(days=active_policy().survey_link_days),
        sent_via=via,
        **_snapshot(case),
    )


# -- answering --------------------------------------------------------------------------------


def _clean_answers(version: QuestionnaireVersion, raw) -> tuple[dict, dict[str, list[str]]]:
    """The answers checked against the version's questions: each error names its question."""
    if not isinstance(raw, dict):
        return {}, {"answers": [_("Give the answers as question code → answer.")]}
    questions = list(version.questions.all())
    known = {q.code for q in questions}
    errors: dict[str, list[str]] = {}
    for code in raw:
        if code not in known:
            errors[str(code)[:40]] = [_("There is no such question in this survey.")]
    clean: dict = {}
    for q in questions:
        value = raw.get(q.code)
        if value is None or value == "" or value == []:
            if q.required:
                errors[q.code] = [_("Please answer this question.")]
            continue
        if q.kind in RANGES:
            low, high = RANGES[q.kind]
            number = value
            if isinstance(value, str) and value.strip().isdigit():
                number = int(value.strip())
            if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
                errors[q.code] = [
                    _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
                ]
                continue
            clean[q.code] = number
        elif q.kind == Question.Kind.SINGLE:
            if not isinstance(value, str) or value not in q.choices:
                errors[q.code] = [_("Choose one of the offered answers.")]
                continue
            clean[q.code] = value
        elif q.kind == Question.Kind.MULTIPLE:
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str) and v in q.choices for v in values):
                errors[q.code] = [_("Choose among the offered answers.")]
                continue
            clean[q.code] = sorted(set(values), key=q.choices.index)
        else:
            if not isinstance(value, str):
                errors[q.code] = [_("Write the answer as text.")]
                continue
            if len(value) > MAX_TEXT:
                errors[q.code] = [_("At most %(n)s characters.") % {"n": MAX_TEXT}]
                continue
            if value.strip():
                clean[q.code] = value.strip()
    return clean, errors


def is_low(answers: dict) -> bool:
    policy = active_policy()
    overall, nps = answers.get("overall"), answers.get("nps")
    return (isinstance(overall, int) and overall <= policy.low_overall_max) or (
        isinstance(nps, int) and nps <= policy.low_nps_max
    )


@transaction.atomic
def survey_answer(
    *, survey: Survey, answers, channel: str, actor=None, follow_up_call: bool = False
) -> Survey:
    """Record the one answer of a survey; a second is a 409 ``already_answered``.
    ``follow_up_call``: asked on a follow-up call, whose agent already speaks with the
    customer: a low answer alerts the head but opens no second call."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == Survey.Status.ANSWERED:
        raise Conflict(_("This survey has already been answered."), code="already_answered")
    clean, errors = _clean_answers(survey.version, answers)
    if errors:
        # Named as the API's body has them: answers.overall, answers.nps …
        raise InvalidInput(
            fields={(k if k == "answers" else f"answers.{k}"): v for k, v in errors.items()}
        )
    survey.answers = clean
    survey.overall, survey.nps = clean.get("overall"), clean.get("nps")
    survey.comment = clean.get("comment", "")
    survey.low = is_low(clean)
    survey.status = Survey.Status.ANSWERED
    survey.answered_at, survey.answered_via = timezone.now(), channel
    survey.recorded_by = actor
    survey.save()
    from aftersales.service.services import workflow

    if survey.comment:
        workflow.case_customer_said(case=survey.case, words=survey.comment, actor=actor)
    if survey.low:
        _low_answer(survey, call_back=not follow_up_call)
    return survey


@transaction.atomic
def survey_answer_by_phone(*, actor, case, answers, follow_up_call: bool = False) -> Survey:
    """The answers taken on the phone (the follow-up call, ``POST /api/v1/surveys/responses/``):
    the case's waiting survey, or a new one when none was sent (the quiet days, no mobile)."""
    if not can_record_survey(actor):
        raise PermissionDenied(_("Only customer service records survey answers."))
    survey = Survey.objects.filter(case=case).order_by("-sent_at", "-id").first()
    if survey is None:
        rule = _rule_for(case)
        version = published_version(rule.questionnaire) if rule else None
        if version is None:
            raise NotFound(_("No survey is in use for this kind of case."))
        survey = _new_survey(case, version, via=Survey.Channel.PHONE)
    return survey_answer(
        survey=survey,
        answers=answers,
        channel=Survey.Channel.PHONE,
        actor=actor,
        follow_up_call=follow_up_call,
    )


def scores_text(survey: Survey) -> str:
    """ "总体满意度 2、推荐意愿 3": the scores as people read them."""
    labels = {q.code: q.label for q in survey.version.questions.all()}
    return "、".join(
        f"{labels.get(code, code)} {survey.answers[code]}"
        for code in ("overall", "nps")
        if code in survey.answers
    )


def _low_answer(survey: Survey, *, call_back: bool) -> None:
    from django.contrib.auth import get_user_model

    from .followups import follow_up_for_low_answer

    if call_back:
        follow_up_for_low_answer(survey)
    case = survey.case
    department = case.department
    heads = [department.head] if department is not None and department.head_id else []
    if not heads:  # no head named: the customer-service desk hears it
        heads = list(
            get_user_model().objects.filter(
                groups__name=Role.CUSTOMER_SERVICE.value, is_active=True
            )
        )
    scores = scores_text(survey)
    notify(
        recipients=heads,
        title=_("Dissatisfied customer on %(number)s (%(scores)s)")
        % {"number": case.number, "scores": scores},
        body=survey.comment[:500],
        link=survey.get_absolute_url(),  # a head may open the answer (the call is the desk's)
        level="danger",
    )
