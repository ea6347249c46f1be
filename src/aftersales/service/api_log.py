"""The case's internal notes and call log in the API (issue 17, item 8):
``/api/v1/tickets/{number}/notes/`` and ``/api/v1/tickets/{number}/calls/``. ``GET`` for
whoever may see the case, ``POST`` for whoever works it (``services.case_log.can_log``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.core.timeline import actor_name
from aftersales.customers.masking import phones_in_text_for

from . import selectors
from .models import CaseCall
from .services import case_log


def _case(request, number: str, *, to_log: bool = False):
    """The case, if the reader may see it (404 otherwise); ``to_log``: and work it (403)."""
    case = selectors.case_get_for_user(request.user, number=number)
    if case is None:
        raise NotFound()
    if to_log and not case_log.can_log(request.user, case):
        raise PermissionDenied(_("You may not handle this case."))
    return case


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_text(self, note) -> str:
        request = self.context.get("request")
        return phones_in_text_for(getattr(request, "user", None), note.text)

    def get_author(self, note) -> str:
        return actor_name(note.author)


class CallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=CaseCall.Direction.choices)
    called_at = serializers.DateTimeField()
    duration_seconds = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=CaseCall.Outcome.choices)
    note = serializers.SerializerMethodField()
    recorded_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_note(self, call) -> str:
        request = self.context.get("request")
        return phones_in_text_for(getattr(request, "user", None), call.note)

    def get_recorded_by(self, call) -> str:
        return actor_name(call.recorded_by)


class TicketNotesApi(APIView):
    """The case's internal notes, never shown to the customer. ``GET``: oldest first (not
    paginated). ``POST`` ``{"text"}``: add one (201)."""

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(allow_blank=True, trim_whitespace=True)

    @extend_schema(responses={200: NoteSerializer(many=True)}, operation_id="tickets_notes_list")
    def get(self, request, number: str):
        notes = selectors.case_notes(_case(request, number))
        return Response(NoteSerializer(notes, many=True, context={"request": request}).data)

    @extend_schema(
        request=InputSerializer, responses={201: NoteSerializer}, operation_id="tickets_notes_add"
    )
    def post(self, request, number: str):
        case = _case(request, number, to_log=True)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = case_log.case_note_add(
            actor=request.user, case=case, text=data.validated_data["text"]
        )
        return Response(
            NoteSerializer(note, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class TicketCallsApi(APIView):
    """The case's call log. ``GET``: in the order the calls took place (not paginated).
    ``POST`` ``{"direction": "inbound"|"outbound", "duration_seconds", "outcome", "note",
    "called_at"}``: log one (201); ``called_at`` is now unless given, never in the future."""

    class InputSerializer(serializers.Serializer):
        direction = serializers.ChoiceField(choices=CaseCall.Direction.choices)
        duration_seconds = serializers.IntegerField(
            min_value=0, max_value=case_log.MAX_CALL_SECONDS
        )
        outcome = serializers.ChoiceField(choices=CaseCall.Outcome.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")
        called_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(responses={200: CallSerializer(many=True)}, operation_id="tickets_calls_list")
    def get(self, request, number: str):
        calls = selectors.case_calls(_case(request, number))
        return Response(CallSerializer(calls, many=True, context={"request": request}).data)

    @extend_schema(
        request=InputSerializer, responses={201: CallSerializer}, operation_id="tickets_calls_add"
    )
    def post(self, request, number: str):
        case = _case(request, number, to_log=True)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        call = case_log.case_call_log(
            actor=request.user,
            case=case,
            direction=v["direction"],
            duration_seconds=v["duration_seconds"],
            outcome=v["outcome"],
            note=v["note"],
            called_at=v["called_at"],
        )
        return Response(
            CallSerializer(call, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
