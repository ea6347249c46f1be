"""The feedback loop over the API (FB-1, FB-2): the satisfaction summary, answers taken by
phone, and the follow-ups of a case. The same services and selectors as the pages."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.api import Pagination, flatten_fields
from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.schema import paginated
from aftersales.service.selectors import case_get_for_user

from .models import FollowUp, Survey
from .permissions import can_record_survey, can_view_follow_ups, can_view_surveys
from .selectors import GROUPS, follow_up_list_for_user, survey_summary
from .services.surveys import survey_answer_by_phone


class SurveyGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    responses = serializers.IntegerField()
    csat = serializers.FloatField(allow_null=True)
    nps = serializers.FloatField(allow_null=True)


class SurveySummarySerializer(serializers.Serializer):
    sent = serializers.IntegerField()
    responses = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    csat = serializers.FloatField(allow_null=True)
    nps = serializers.FloatField(allow_null=True)
    groups = SurveyGroupSerializer(many=True)


def _day(request, name: str) -> date | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(fields={name: [_("Give a date as YYYY-MM-DD.")]}) from None


class SurveySummaryApi(APIView):
    """``GET``: of the surveys sent in the period, how many were answered, the share with
    ``overall`` ≥ 4 (``csat``, a fraction), and the NPS (−100 … 100); ``null`` where nothing
    was answered; ``group_by`` adds the same figures per group."""

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", date),
            OpenApiParameter("date_to", date),
            OpenApiParameter("group_by", str, enum=list(GROUPS)),
        ],
        responses={200: SurveySummarySerializer},
        operation_id="surveys_summary",
    )
    def get(self, request):
        if not can_view_surveys(request.user):
            raise PermissionDenied()
        date_from, date_to = _day(request, "date_from"), _day(request, "date_to")
        errors = {}
        if date_from and date_to and date_from > date_to:
            errors["date_to"] = [_("The end is before the start.")]
        group_by = request.query_params.get("group_by", "").strip()
        if group_by and group_by not in GROUPS:
            errors["group_by"] = [
                _("Group by one of: %(choices)s.") % {"choices": ", ".join(GROUPS)}
            ]
        if errors:
            raise InvalidInput(fields=errors)
        summary = survey_summary(
            request.user, date_from=date_from, date_to=date_to, group_by=group_by
        )
        return Response(SurveySummarySerializer(summary).data)


class SurveyResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.number")
    channel = serializers.CharField(source="answered_via")
    answers = serializers.DictField()
    answered_at = serializers.DateTimeField()
    low = serializers.BooleanField()
    questionnaire = serializers.CharField(source="version.questionnaire.code")
    version = serializers.IntegerField(source="version.number")


class SurveyResponseApi(APIView):
    """``POST``: an answer taken on the phone: ``{"case": "TK-…", "channel": "phone",
    "answers": {"overall": 2, "nps": 3, "comment": "…"}}`` → 201. The case's survey is
    answered once: a second answer is a 409 ``already_answered``; a bad score is a 400 naming
    the question (``answers.overall``)."""

    class InputSerializer(serializers.Serializer):
        case = serializers.CharField(max_length=30)
        channel = serializers.ChoiceField(choices=[Survey.Channel.PHONE])
        answers = serializers.DictField()

    @extend_schema(
        request=InputSerializer,
        responses={201: SurveyResponseSerializer},
        operation_id="surveys_response_create",
    )
    def post(self, request):
        if not can_record_survey(request.user):
            raise PermissionDenied()
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        v = data.validated_data
        case = case_get_for_user(request.user, number=v["case"].strip().upper())
        if case is None:
            raise InvalidInput(fields={"case": [_("There is no such case.")]})
        survey = survey_answer_by_phone(actor=request.user, case=case, answers=v["answers"])
        return Response(SurveyResponseSerializer(survey).data, status=status.HTTP_201_CREATED)


class FollowUpSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    case = serializers.CharField(source="case.number", default=None)
    order = serializers.CharField(source="order.number", default=None)
    due_on = serializers.DateField()
    deadline_on = serializers.DateField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    verdict = serializers.CharField()
    attempts = serializers.IntegerField()
    max_attempts = serializers.IntegerField()
    remarks = serializers.CharField()
    assignee = serializers.CharField(source="assignee.username", default=None)
    done_at = serializers.DateTimeField(allow_null=True)


FOLLOW_UP_STATUSES = {
    "due": {"status": FollowUp.Status.DUE},
    "done": {"status": FollowUp.Status.DONE},
    "all": {},
}


class FollowUpListApi(APIView):
    """``GET``: follow-ups (``case`` = a case number; ``status`` = due | done | all, default
    all), soonest due first."""

    @extend_schema(
        parameters=[
            OpenApiParameter("case", str),
            OpenApiParameter("status", str, enum=list(FOLLOW_UP_STATUSES)),
        ],
        responses={200: paginated(FollowUpSerializer)},
        operation_id="followups_list",
    )
    def get(self, request):
        if not can_view_follow_ups(request.user):
            raise PermissionDenied()
        wanted = request.query_params.get("status", "all").strip() or "all"
        if wanted not in FOLLOW_UP_STATUSES:
            raise InvalidInput(fields={"status": [_("Choose due, done or all.")]})
        rows = follow_up_list_for_user(request.user).filter(**FOLLOW_UP_STATUSES[wanted])
        number = request.query_params.get("case", "").strip().upper()
        if number:
            case = case_get_for_user(request.user, number=number)
            if case is None:
                raise InvalidInput(fields={"case": [_("There is no such case.")]})
            rows = rows.filter(case=case)
        paginator = Pagination()
        page = paginator.paginate_queryset(rows.order_by("due_on", "id"), request, view=self)
        return paginator.get_paginated_response(FollowUpSerializer(page, many=True).data)
