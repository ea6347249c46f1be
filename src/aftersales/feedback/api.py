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


# -- self-inspection and service meetings (FB-5) -----------------------------------------------


def _person(name: str):
    """The active person called ``name`` (a username), or None."""
    from django.contrib.auth import get_user_model

    name = (name or "").strip()
    if not name:
        return None
    return get_user_model().objects.filter(username=name, is_active=True).first()


def _month(raw: str, field: str) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(f"{raw}-01")
    except ValueError:
        raise InvalidInput(fields={field: [_("Give a month as YYYY-MM.")]}) from None


class SelfInspectionSerializer(serializers.Serializer):
    number = serializers.CharField()
    checklist = serializers.CharField(source="checklist.code")
    checklist_name = serializers.CharField(source="checklist.label")
    month = serializers.SerializerMethodField(help_text="YYYY-MM: the month it is held in.")
    cases_month = serializers.SerializerMethodField(help_text="YYYY-MM: the cases' month.")
    scheduled = serializers.BooleanField()
    status = serializers.CharField()
    inspector = serializers.CharField(source="inspector.username", default=None)
    sample_size = serializers.IntegerField()
    cases = serializers.IntegerField(source="n_cases")
    failed_items = serializers.IntegerField(source="n_failed")
    actions = serializers.IntegerField(source="n_actions")
    nonconformance = serializers.CharField(source="nonconformance.number", default=None)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_month(self, obj) -> str:
        return f"{obj.month:%Y-%m}"

    def get_cases_month(self, obj) -> str:
        return f"{obj.cases_month:%Y-%m}"


class SelfInspectionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    text = serializers.CharField(source="label")


class SelfInspectionItemResultSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    result = serializers.CharField()
    note = serializers.CharField()


class SelfInspectionCaseSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.number")
    results = SelfInspectionItemResultSerializer(many=True)


class SelfInspectionFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    owner = serializers.CharField(source="owner.username")
    due_on = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)


class SelfInspectionDetailSerializer(SelfInspectionSerializer):
    version = serializers.IntegerField()
    summary = serializers.CharField()
    items = SelfInspectionItemSerializer(many=True)
    sampled = SelfInspectionCaseSerializer(many=True, source="sampled_rows")
    findings = SelfInspectionFindingSerializer(many=True)


def _detail(inspection) -> dict:
    """The inspection with its questions, sampled cases and results, and its corrective
    actions (four queries)."""
    from .selectors import self_inspection_counts
    from .services.self_inspections import checklist_items

    inspection = self_inspection_counts(
        type(inspection)
        .objects.filter(pk=inspection.pk)
        .select_related("checklist", "inspector", "nonconformance")
    ).get()
    inspection.items = checklist_items(inspection)
    inspection.sampled_rows = list(
        inspection.rows.select_related("case").prefetch_related("results").order_by("position")
    )
    inspection.findings = (
        list(inspection.nonconformance.actions.select_related("owner").order_by("id"))
        if inspection.nonconformance_id
        else []
    )
    return SelfInspectionDetailSerializer(inspection).data


SELF_INSPECTION_STATUSES = {"open": {"status": "open"}, "done": {"status": "done"}, "all": {}}


class SelfInspectionListApi(APIView):
    """``GET``: self-inspections (``status`` = open | done | all, default all; ``month`` =
    YYYY-MM, the month held), newest first. ``POST``: start one by hand: ``{"checklist":
    "service-records", "cases_month": "2026-11", "sample_size": 10, "inspector": "sunli"}``
    (all but ``checklist`` optional) → 201."""

    class InputSerializer(serializers.Serializer):
        checklist = serializers.CharField(max_length=40)
        cases_month = serializers.CharField(
            max_length=7, required=False, allow_blank=True, help_text="YYYY-MM"
        )
        sample_size = serializers.IntegerField(required=False, allow_null=True, default=None)
        inspector = serializers.CharField(
            max_length=150, required=False, allow_blank=True, help_text="A username."
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(SELF_INSPECTION_STATUSES)),
            OpenApiParameter("month", str, description="YYYY-MM"),
        ],
        responses={200: paginated(SelfInspectionSerializer)},
        operation_id="feedback_self_inspections_list",
    )
    def get(self, request):
        from .permissions import can_view_self_inspections
        from .selectors import self_inspection_counts, self_inspection_list_for_user

        if not can_view_self_inspections(request.user):
            raise PermissionDenied()
        wanted = request.query_params.get("status", "all").strip() or "all"
        if wanted not in SELF_INSPECTION_STATUSES:
            raise InvalidInput(fields={"status": [_("Choose open, done or all.")]})
        rows = self_inspection_list_for_user(request.user).filter(
            **SELF_INSPECTION_STATUSES[wanted]
        )
        month = _month(request.query_params.get("month", ""), "month")
        if month:
            rows = rows.filter(month=month)
        rows = self_inspection_counts(rows).order_by("-month", "-number")
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(SelfInspectionSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: SelfInspectionDetailSerializer},
        operation_id="feedback_self_inspections_create",
    )
    def post(self, request):
        from .models import InspectionChecklist
        from .permissions import can_run_self_inspections
        from .services.self_inspections import self_inspection_start

        if not can_run_self_inspections(request.user):
            raise PermissionDenied()
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        v = data.validated_data
        inspector = None
        if (v.get("inspector") or "").strip():
            inspector = _person(v["inspector"])
            if inspector is None:
                raise InvalidInput(fields={"inspector": [_("There is no such person.")]})
        inspection = self_inspection_start(
            actor=request.user,
            checklist=InspectionChecklist.objects.filter(code=v["checklist"].strip()).first(),
            cases_month=_month(v.get("cases_month", ""), "cases_month"),
            sample_size=v.get("sample_size"),
            inspector=inspector,
        )
        return Response(_detail(inspection), status=status.HTTP_201_CREATED)


def _inspection(request, number: str):
    from aftersales.core.errors import NotFound

    from .permissions import can_view_self_inspections
    from .selectors import self_inspection_get_for_user

    if not can_view_self_inspections(request.user):
        raise PermissionDenied()
    inspection = self_inspection_get_for_user(request.user, number=number)
    if inspection is None:
        raise NotFound()
    return inspection


class SelfInspectionDetailApi(APIView):
    """``GET``: one self-inspection with its questions (``items``), the sampled cases and
    their results (``sampled``), and the corrective actions of its findings."""

    @extend_schema(
        responses={200: SelfInspectionDetailSerializer},
        operation_id="feedback_self_inspections_detail",
    )
    def get(self, request, number: str):
        return Response(_detail(_inspection(request, number)))


class SelfInspectionResultInputSerializer(serializers.Serializer):
    case = serializers.CharField(max_length=30, help_text="A sampled case's number.")
    item = serializers.IntegerField(help_text="A checklist question's id.")
    result = serializers.ChoiceField(choices=["pass", "fail", "na"])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SelfInspectionResultsApi(APIView):
    """``POST``: record results: ``{"results": [{"case": "TK-…", "item": 3, "result":
    "fail", "note": "回访晚了两天"}], "version": 2}`` (``result``: pass | fail | na;
    ``version`` optional, a stale one is a 409). A case not in the sample or a question not on
    the checklist is a 400 naming the entry (``results[0].case``)."""

    class InputSerializer(serializers.Serializer):
        results = serializers.ListField(
            child=SelfInspectionResultInputSerializer(), allow_empty=False
        )
        version = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=InputSerializer,
        responses={200: SelfInspectionDetailSerializer},
        operation_id="feedback_self_inspections_results",
    )
    def post(self, request, number: str):
        from .services.self_inspections import ResultInput, self_inspection_record

        inspection = _inspection(request, number)
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        inspection = self_inspection_record(
            actor=request.user,
            inspection=inspection,
            results=[ResultInput(**r) for r in data.validated_data["results"]],
            expected_version=data.validated_data["version"],
        )
        return Response(_detail(inspection))


class SelfInspectionFindingInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A failed question's id."
    )
    text = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    owner = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default="", help_text="A username."
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class SelfInspectionFinishApi(APIView):
    """``POST``: finish: ``{"summary": "…", "findings": [{"item": 3, "owner": "chenjie",
    "due_on": "2027-01-15"}, {"text": "回访话术需更新", "owner": "sunli", "due_on":
    "2027-01-20"}]}``. Every result must be recorded first (else a 400 on ``results``). Each
    failed question becomes a corrective action (owner and due date from its finding, or the
    inspector and the policy's working days); a finding without ``item`` is another action
    (``text``, ``owner`` and ``due_on`` required). All become the actions of one
    nonconformance (source ``self_inspection``)."""

    class InputSerializer(serializers.Serializer):
        findings = serializers.ListField(
            child=SelfInspectionFindingInputSerializer(), required=False, default=list
        )
        summary = serializers.CharField(required=False, allow_blank=True, default="")
        version = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=InputSerializer,
        responses={200: SelfInspectionDetailSerializer},
        operation_id="feedback_self_inspections_finish",
    )
    def post(self, request, number: str):
        from .services.self_inspections import FindingInput, self_inspection_finish

        inspection = _inspection(request, number)
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        findings = []
        for v in data.validated_data["findings"]:
            named = bool(v["owner"].strip())
            findings.append(
                FindingInput(
                    item=v["item"],
                    text=v["text"],
                    owner=_person(v["owner"]) if named else None,
                    owner_given=named,
                    due_on=v["due_on"],
                )
            )
        inspection = self_inspection_finish(
            actor=request.user,
            inspection=inspection,
            findings=findings,
            summary=data.validated_data["summary"],
            expected_version=data.validated_data["version"],
        )
        return Response(_detail(inspection))


class MeetingActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    owner = serializers.CharField(source="owner.username")
    owner_name = serializers.CharField(source="owner")
    due_on = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.CharField(source="done_by.username", default=None)
    result = serializers.CharField()


class MeetingSerializer(serializers.Serializer):
    number = serializers.CharField()
    held_on = serializers.DateField()
    title = serializers.CharField()
    decisions = serializers.CharField()
    open_actions = serializers.IntegerField()


class AttendeeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")


class MeetingDetailSerializer(serializers.Serializer):
    number = serializers.CharField()
    held_on = serializers.DateField()
    title = serializers.CharField()
    attendees = AttendeeSerializer(many=True, source="attendee_list")
    agenda = serializers.CharField()
    minutes = serializers.CharField()
    decisions = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    version = serializers.IntegerField()
    actions = MeetingActionSerializer(many=True, source="action_list")


def _meeting_detail(meeting) -> dict:
    meeting.attendee_list = list(meeting.attendees.order_by("username"))
    meeting.action_list = list(
        meeting.actions.select_related("owner", "done_by").order_by("position", "id")
    )
    return MeetingDetailSerializer(meeting).data


class MeetingActionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    owner = serializers.CharField(max_length=150, help_text="A username.")
    due_on = serializers.DateField()


class MeetingListApi(APIView):
    """``GET``: service meetings, newest first, with their open action items counted.
    ``POST``: record one: ``{"held_on": "2026-12-18", "title": "12月服务例会", "attendees":
    ["sunli", "chenjie"], "agenda": "…", "minutes": "…", "decisions": "…", "actions":
    [{"text": "整理回访话术", "owner": "sunli", "due_on": "2026-12-31"}]}`` → 201. An
    unknown person is a 400 naming the field (``attendees``, ``actions[0].owner``)."""

    class InputSerializer(serializers.Serializer):
        held_on = serializers.DateField()
        title = serializers.CharField(max_length=120)
        attendees = serializers.ListField(
            # A blank entry (an empty row of a form) is skipped, not refused.
            child=serializers.CharField(max_length=150, allow_blank=True),
            required=False,
            default=list,
            help_text="Usernames.",
        )
        agenda = serializers.CharField(required=False, allow_blank=True, default="")
        minutes = serializers.CharField(required=False, allow_blank=True, default="")
        decisions = serializers.CharField(required=False, allow_blank=True, default="")
        actions = serializers.ListField(
            child=MeetingActionInputSerializer(), required=False, default=list
        )

    @extend_schema(
        responses={200: paginated(MeetingSerializer)}, operation_id="feedback_meetings_list"
    )
    def get(self, request):
        from django.db.models import Count, Q

        from .permissions import can_manage_meetings
        from .selectors import meeting_list_for_user

        if not can_manage_meetings(request.user):
            raise PermissionDenied()
        rows = (
            meeting_list_for_user(request.user)
            .annotate(open_actions=Count("actions", filter=Q(actions__done_at__isnull=True)))
            .order_by("-held_on", "-number")
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(MeetingSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: MeetingDetailSerializer},
        operation_id="feedback_meetings_create",
    )
    def post(self, request):
        from .permissions import can_manage_meetings
        from .services.meetings import ActionInput, MeetingInput, meeting_create

        if not can_manage_meetings(request.user):
            raise PermissionDenied()
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        v = data.validated_data
        actions, errors = [], {}
        for index, a in enumerate(v["actions"]):
            owner = _person(a["owner"])
            if owner is None:
                errors[f"actions[{index}].owner"] = [_("There is no such person.")]
            actions.append(ActionInput(text=a["text"], owner=owner, due_on=a["due_on"]))
        if errors:
            raise InvalidInput(fields=errors)
        people = [(name, _person(name)) for name in dict.fromkeys(v["attendees"]) if name]
        meeting = meeting_create(
            actor=request.user,
            data=MeetingInput(
                held_on=v["held_on"],
                title=v["title"],
                attendees=[p for _n, p in people if p is not None],
                unknown_attendees=[n for n, p in people if p is None],
                agenda=v["agenda"],
                minutes=v["minutes"],
                decisions=v["decisions"],
                actions=actions,
            ),
        )
        return Response(_meeting_detail(meeting), status=status.HTTP_201_CREATED)


def _meeting(request, number: str):
    """The meeting, when the reader may read it; otherwise a 404 (as for a record outside
    one's scope: a dealer's people see none)."""
    from aftersales.core.errors import NotFound

    from .selectors import meeting_get_for_user

    meeting = meeting_get_for_user(request.user, number=number)
    if meeting is None:
        raise NotFound()
    return meeting


class MeetingDetailApi(APIView):
    """``GET``: one meeting, with its attendees and action items. The managers, the
    attendees and the owners of its items read it; for others it is not there (404)."""

    @extend_schema(
        responses={200: MeetingDetailSerializer}, operation_id="feedback_meetings_detail"
    )
    def get(self, request, number: str):
        return Response(_meeting_detail(_meeting(request, number)))


class MeetingActionDoneApi(APIView):
    """``POST``: the owner (or a manager) marks an action item done: ``{"result": "…"}``. A
    second time is a 409 ``already_done``; without ``result`` a 400."""

    class InputSerializer(serializers.Serializer):
        result = serializers.CharField(max_length=300)

    @extend_schema(
        request=InputSerializer,
        responses={200: MeetingActionSerializer},
        operation_id="feedback_meetings_action_done",
    )
    def post(self, request, number: str, id: int):
        from aftersales.core.errors import NotFound

        from .services.meetings import meeting_action_done

        meeting = _meeting(request, number)
        action = meeting.actions.filter(pk=id).first()
        if action is None:
            raise NotFound()
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        action = meeting_action_done(
            actor=request.user, action=action, result=data.validated_data["result"]
        )
        return Response(MeetingActionSerializer(action).data)
