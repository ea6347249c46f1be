"""Training and assessment over the API (STF-1, STF-2): the scorecards of a period (the
contract of the performance-review integration) and a person's training record. The same
selectors and rules of who sees what as the pages; every other person's scorecard read is
kept (SEC-1)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.accounts.models import Department
from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied

from . import selectors
from .indicators import parse_period
from .models import Scorecard, Source
from .permissions import is_staff_member
from .services.scorecards import record_views


class ScorecardUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField(allow_null=True, help_text="The department's code.")


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    target = serializers.FloatField()
    score = serializers.FloatField(allow_null=True)
    weight = serializers.FloatField()
    source = serializers.ChoiceField(choices=["computed", "scored"])


class ScorecardSerializer(serializers.Serializer):
    user = ScorecardUserSerializer()
    period = serializers.CharField()
    status = serializers.ChoiceField(choices=Scorecard.Status.values)
    indicators = IndicatorSerializer(many=True)
    total = serializers.FloatField(allow_null=True)


def _number(value):
    return float(value) if value is not None else None


def scorecard_data(card: Scorecard) -> dict:
    return {
        "user": {
            "id": card.user_id,
            "name": str(card.user),
            "department": card.department.code if card.department_id else None,
        },
        "period": card.period,
        "status": card.status,
        "indicators": [
            {
                "code": line.code,
                "name": line.label,
                "value": _number(line.value),
                "target": float(line.target),
                "score": _number(line.score),
                "weight": float(line.weight),
                "source": "scored" if line.source == Source.SCORED else "computed",
            }
            for line in card.lines.all()
        ],
        "total": _number(card.total),
    }


class ScorecardListApi(APIView):
    """``GET ?period=2026-11&department=<code>``: the current scorecard of each person the
    reader may see (their own; a department head's department; HR and the vice-president
    everyone), best total first."""

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, required=True, description="2026-11 or 2026-Q4"),
            OpenApiParameter("department", str, description="a department's code"),
        ],
        responses={200: ScorecardSerializer(many=True)},
        operation_id="staff_scorecards_list",
    )
    def get(self, request):
        if not is_staff_member(request.user):
            raise PermissionDenied()
        period = parse_period(request.query_params.get("period", ""))
        code = request.query_params.get("department", "").strip()
        department = None
        if code:
            department = Department.objects.filter(code=code).first()
            if department is None:
                raise InvalidInput(
                    fields={
                        "department": [
                            _("No department has the code “%(code)s”.") % {"code": code[:40]}
                        ]
                    }
                )
        cards = selectors.ranking(request.user, period, department, lines=True)
        record_views(viewer=request.user, cards=cards)
        return Response([scorecard_data(c) for c in cards])


class QualificationSerializer(serializers.Serializer):
    course = serializers.CharField()
    course_name = serializers.CharField()
    passed_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    certificate_no = serializers.CharField()


class TrainingSerializer(serializers.Serializer):
    session = serializers.CharField()
    course = serializers.CharField()
    held_on = serializers.DateField()
    hours = serializers.FloatField()
    attended = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField()


class TrainingRecordSerializer(serializers.Serializer):
    user = ScorecardUserSerializer()
    qualifications = QualificationSerializer(many=True)
    missing = serializers.ListField(child=serializers.CharField())
    sessions = TrainingSerializer(many=True)


class TrainingRecordApi(APIView):
    """``GET``: a person's valid qualifications, the required training they lack, and their
    sessions (newest first)."""

    @extend_schema(responses={200: TrainingRecordSerializer}, operation_id="staff_training_record")
    def get(self, request, username: str):
        from .gating import missing_training
        from .models import RecordView
        from .services.scorecards import record_view

        # Someone outside the reader's sight (a dealer's reader sees nobody) is missing.
        person = selectors.person_get_for_user(request.user, username)
        if person is None:
            raise NotFound()
        record_view(viewer=request.user, subject=person, what=RecordView.What.RECORD)
        return Response(
            {
                "user": {
                    "id": person.pk,
                    "name": str(person),
                    "department": person.department.code if person.department_id else None,
                },
                "qualifications": [
                    {
                        "course": a.session.course.code,
                        "course_name": a.session.course.label,
                        "passed_on": a.session.held_on,
                        "valid_until": a.valid_until,
                        "certificate_no": a.certificate_no,
                    }
                    for a in selectors.qualifications(person)
                ],
                "missing": missing_training([person]).get(person.pk, []),
                "sessions": [
                    {
                        "session": a.session.number,
                        "course": a.session.course.code,
                        "held_on": a.session.held_on,
                        "hours": float(a.session.hours),
                        "attended": a.attended,
                        "score": _number(a.score),
                        "passed": a.passed,
                    }
                    for a in selectors.training_record(person)[:200]
                ],
            }
        )
