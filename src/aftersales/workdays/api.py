"""Working-day arithmetic and the company calendar over HTTP."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.accounts.permissions import has_role
from aftersales.accounts.roles import Role
from aftersales.core.api import query_flag
from aftersales.core.errors import InvalidInput

from . import current_calendar, selectors, services
from .calendar import CalendarInputError
from .errors import invalid_input
from .models import CalendarOverride


def _moment(raw: str | None, field: str) -> date | datetime:
    """A date (2026-09-30) or an ISO datetime with offset (2026-09-30T18:00:00+08:00)."""
    if not raw:
        raise InvalidInput(fields={field: [_("This field is required.")]})
    try:
        value = parse_datetime(raw) if "T" in raw or " " in raw.strip() else parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        raise InvalidInput(fields={field: [_("Enter a date like 2026-11-28.")]})
    return value


def _count(raw: str | None, field: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(fields={field: [_("Enter a whole number.")]}) from None


def _result(day: date) -> dict:
    return {
        "date": day.isoformat(),
        "status": current_calendar().calendar_status(day),
        "is_workday": current_calendar().is_workday(day),
    }


class DayResultSerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=["official", "provisional"])
    is_workday = serializers.BooleanField()


# A day of the calendar's span, 2004 to 2099 (R43), and a date (2026-09-30) or an ISO
# datetime with an offset (2026-09-30T18:00:00+08:00) on such a day.
DAY = r"(200[4-9]|20[1-9]\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
TIME = r"T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)"
CALENDAR_DAY = {"type": "string", "format": "date", "pattern": f"^{DAY}$"}
MOMENT = {
    "anyOf": [
        CALENDAR_DAY,
        {"type": "string", "format": "date-time", "pattern": f"^{DAY}{TIME}$"},
    ]
}
START = OpenApiParameter(
    "start",
    MOMENT,
    required=True,
    description="Date, or ISO datetime with offset (read in Asia/Shanghai)",
)
# The calendar's span (R43).
YEAR = {"type": "integer", "minimum": 2004, "maximum": 2099}
COUNT = {"type": "integer", "minimum": 1}


class AddWorkingDaysApi(APIView):
    """The n-th working day strictly after the day of ``start`` (R41)."""

    @extend_schema(
        parameters=[START, OpenApiParameter("n", COUNT, required=True)],
        responses={200: DayResultSerializer},
    )
    def get(self, request):
        start = _moment(request.query_params.get("start"), "start")
        n = _count(request.query_params.get("n"), "n")
        try:
            return Response(_result(current_calendar().add_working_days(start, n)))
        except CalendarInputError as exc:
            raise invalid_input(exc) from None


class PeriodEndApi(APIView):
    """Last day of a calendar-day period (Civil Code arts. 201, 203; R38)."""

    @extend_schema(
        parameters=[START, OpenApiParameter("days", COUNT, required=True)],
        responses={200: DayResultSerializer},
    )
    def get(self, request):
        start = _moment(request.query_params.get("start"), "start")
        days = _count(request.query_params.get("days"), "days")
        try:
            return Response(_result(current_calendar().period_end(start, days)))
        except CalendarInputError as exc:
            raise invalid_input(exc) from None


class WorkingDaysBetweenApi(APIView):
    """Working days after ``a``'s day up to and including ``b``'s day."""

    class OutputSerializer(serializers.Serializer):
        working_days = serializers.IntegerField()

    @extend_schema(
        parameters=[
            OpenApiParameter("a", MOMENT, required=True),
            OpenApiParameter("b", MOMENT, required=True),
        ],
        responses={200: OutputSerializer},
    )
    def get(self, request):
        a = _moment(request.query_params.get("a"), "a")
        b = _moment(request.query_params.get("b"), "b")
        try:
            return Response({"working_days": current_calendar().working_days_between(a, b)})
        except CalendarInputError as exc:
            raise invalid_input(exc) from None


class CalendarYearApi(APIView):
    """Every day of a year: working or not, why, and whether the schedule is official."""

    class DaySerializer(serializers.Serializer):
        date = serializers.DateField(source="day")
        is_workday = serializers.BooleanField()
        kind = serializers.CharField()
        name = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        year = serializers.IntegerField()
        status = serializers.CharField()
        working_days = serializers.IntegerField()
        days = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        parameters=[OpenApiParameter("year", YEAR, OpenApiParameter.PATH)],
        responses={200: OutputSerializer},
    )
    def get(self, request, year: int):
        if not 2004 <= year <= 2099:
            raise InvalidInput(fields={"year": [_("Choose a year from 2004 to 2099.")]})
        view = selectors.calendar_year(year)
        days = [d for month in view.months for d in month]
        return Response(
            {
                "year": year,
                "status": view.status,
                "working_days": view.working_days,
                "days": self.DaySerializer(days, many=True).data,
            }
        )


@extend_schema_field(CALENDAR_DAY)
class CalendarDayField(serializers.DateField):
    """A day from 2004 to 2099."""


class OverrideSerializer(serializers.Serializer):
    day = CalendarDayField()
    is_workday = serializers.BooleanField()
    name = serializers.CharField(max_length=60)
    source = serializers.CharField(read_only=True)


class OverrideListApi(APIView):
    """The company's rest days and extra working days (administrators change them)."""

    def get_permissions(self):
        if self.request.method == "GET":
            return super().get_permissions()
        return [has_role(Role.ADMIN)()]

    @extend_schema(
        parameters=[OpenApiParameter("year", YEAR)], responses={200: OverrideSerializer(many=True)}
    )
    def get(self, request):
        rows = CalendarOverride.objects.order_by("day")
        if request.query_params.get("year"):
            year = _count(request.query_params["year"], "year")
            if not 2004 <= year <= 2099:
                raise InvalidInput(fields={"year": [_("Choose a year from 2004 to 2099.")]})
            rows = rows.filter(day__year=year)
        return Response(OverrideSerializer(rows, many=True).data)

    @extend_schema(request=OverrideSerializer, responses={201: OverrideSerializer})
    def post(self, request):
        data = OverrideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.override_set(actor=request.user, **data.validated_data)
        return Response(OverrideSerializer(row).data, status=status.HTTP_201_CREATED)


class OverrideDetailApi(APIView):
    permission_classes = [has_role(Role.ADMIN)]

    @extend_schema(
        parameters=[OpenApiParameter("day", CALENDAR_DAY, OpenApiParameter.PATH)],
        responses={204: None},
    )
    def delete(self, request, day: str):
        try:
            parsed = parse_date(day)
        except ValueError:
            parsed = None
        if parsed is None:
            raise InvalidInput(fields={"day": [_("Enter a date like 2026-11-28.")]})
        services.override_delete(actor=request.user, day=parsed)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NoticeImportApi(APIView):
    """Import the State Council's holiday notice for a year (R43); ``?dry_run=1`` previews.

    The text is read by ``parse_notice``: every date it names becomes a rest day or a working
    day of that year, the year becomes official, and every open time limit counted on the
    provisional schedule is recounted. A line the reader cannot read is a 400 quoting it."""

    permission_classes = [has_role(Role.ADMIN)]
    max_text_length = 20_000  # the whole notice in one string

    class InputSerializer(serializers.Serializer):
        year = serializers.IntegerField()
        text = serializers.CharField(trim_whitespace=False)

    class DaySerializer(serializers.Serializer):
        date = serializers.DateField(source="day")
        is_workday = serializers.BooleanField()
        name = serializers.CharField()

    class DifferenceSerializer(serializers.Serializer):
        date = serializers.DateField()
        was_workday = serializers.BooleanField()
        is_workday = serializers.BooleanField()

    class OutputSerializer(serializers.Serializer):
        year = serializers.IntegerField()
        dry_run = serializers.BooleanField()
        title = serializers.CharField()
        published_on = serializers.DateField(allow_null=True)
        days = serializers.ListField(child=serializers.DictField())
        differences = serializers.ListField(child=serializers.DictField())
        recomputed = serializers.DictField(child=serializers.IntegerField())
        recomputed_total = serializers.IntegerField()

    @extend_schema(
        request=InputSerializer,
        parameters=[OpenApiParameter("dry_run", bool, description="1: preview, write nothing")],
        responses={200: OutputSerializer, 201: OutputSerializer},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dry_run = bool(query_flag(request, "dry_run"))
        action = services.notice_preview if dry_run else services.notice_import
        result = action(actor=request.user, **data.validated_data)
        body = {
            "year": result.year,
            "dry_run": dry_run,
            "title": result.title,
            "published_on": result.published_on.isoformat() if result.published_on else None,
            "days": self.DaySerializer(result.days, many=True).data,
            "differences": [
                {"date": d.isoformat(), "was_workday": was, "is_workday": now}
                for d, was, now in result.differences
            ],
            "recomputed": result.recomputed,
            "recomputed_total": result.recomputed_total,
        }
        return Response(body, status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED)
