"""The case API. ``POST /api/v1/tickets/`` is the intake contract for call-centre and shop
integrations (docs/api.md): its field names and status codes are a promise."""

from __future__ import annotations

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.accounts.models import Department, User
from aftersales.core.api import Pagination, flatten_fields, query_flag
from aftersales.core.errors import InvalidInput, NotFound
from aftersales.core.files import stored_file_response
from aftersales.core.schema import error_response, paginated
from aftersales.core.timeline import actor_name
from aftersales.customers.masking import phone_for
from aftersales.customers.validators import LANDLINE_RE, MOBILE_RE

from . import selectors
from .models import Case, Channel, Kind, Priority
from .services import attachments, compensation, intake, routing, workflow
from .services.sla import sla_summary


@extend_schema_field(
    {"type": "string", "pattern": f"^({MOBILE_RE.pattern[1:-1]}|{LANDLINE_RE.pattern[1:-1]})$"}
)
class PhoneField(serializers.CharField):
    """A mainland mobile or a landline with its area code; spaces and +86 are read too."""


class CaseCustomerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    phone = PhoneField(max_length=24)


class IntakeSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    kind = serializers.ChoiceField(choices=Kind.choices)
    customer = CaseCustomerSerializer()
    description = serializers.CharField()
    product_sku = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    serial_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    order_no = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    requested_remedy = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    category = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    purchase_date = serializers.DateField(required=False, allow_null=True, default=None)
    is_complaint = serializers.BooleanField(required=False, default=False)
    fault_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class SlaSerializer(serializers.Serializer):
    target = serializers.CharField()
    due = serializers.DateTimeField()
    state = serializers.CharField()
    provisional = serializers.BooleanField()


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()


class CaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    substatus = serializers.CharField()
    channel = serializers.CharField()
    kind = serializers.CharField()
    is_complaint = serializers.BooleanField()
    priority = serializers.CharField()
    customer = serializers.SerializerMethodField()
    product_sku = serializers.CharField(source="product.sku", default=None)
    serial_no = serializers.CharField(source="serial.serial", default=None)
    batch_no = serializers.CharField(source="batch.batch_no", default=None)
    order_no = serializers.CharField(source="order.number", default=None)
    delivery_note = serializers.CharField(source="shipment.number", default=None)
    purchase_date = serializers.DateField(allow_null=True)
    description = serializers.CharField()
    requested_remedy = serializers.CharField()
    promised_timetable = serializers.CharField()
    solution = serializers.CharField()
    fault_code = serializers.CharField(source="fault_code.code", default=None)
    department = serializers.CharField(source="department.code", default=None)
    assignee = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    sla = serializers.SerializerMethodField()

    def get_customer(self, case) -> dict:
        # The contact's number, masked for readers whose role does not call customers (SEC-1);
        # without a reader in the context it is masked too.
        request = self.context.get("request")
        phone = phone_for(
            request.user if request is not None else None,
            case.contact_phone,
            customer=case.customer,
        )
        return {"id": case.customer_id, "name": case.customer.name, "phone": phone}

    def get_assignee(self, case) -> str | None:
        return actor_name(case.assignee) if case.assignee_id else None

    def get_sla(self, case) -> list[dict]:
        clocks = self.context.get("clocks")
        rows = sla_summary(case, clocks.get(case.pk, []) if clocks is not None else None)
        return SlaSerializer(rows, many=True).data


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    uploaded_at = serializers.DateTimeField(source="created_at")

    def get_url(self, attachment) -> str:
        """Where the file is read, with the same credentials as the rest of the API."""
        path = reverse("api-ticket-attachment-file", args=[attachment.case.number, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class CaseDetailSerializer(CaseSerializer):
    timeline = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    def get_attachments(self, case) -> list[dict]:
        return AttachmentSerializer(
            selectors.case_attachments(case), many=True, context=self.context
        ).data

    def get_timeline(self, case) -> list[dict]:
        return EventSerializer(
            [
                {
                    "at": e.at,
                    "actor": actor_name(e.actor),
                    "action": e.action,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "note": e.note,
                }
                for e in case.events.select_related("actor")
            ],
            many=True,
        ).data


def _case(request, number: str) -> Case:
    case = selectors.case_get_for_user(request.user, number=number)
    if case is None:
        raise NotFound()
    return case


class TicketCreateApi(APIView):
    """``GET``: the reader's cases, newest first, searchable (``q``: number, phone, serial,
    name or Chinese words of the text), filterable by ``status`` (or ``open``) and ``kind``.
    ``POST``: take a case in. The customer is matched by phone or created. With an
    ``Idempotency-Key`` header a retried request returns the first case (200) instead of a
    duplicate; a new case answers 201."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("status", str, description="a status, or `open`"),
            OpenApiParameter("kind", str),
            OpenApiParameter("department", str, description="a department id, or `none`"),
            OpenApiParameter("assignee", str, description="`me`, `none` or a user id"),
            OpenApiParameter("overdue", bool, description="`1`: a running deadline has passed"),
        ],
        responses={200: paginated(CaseSerializer)},
    )
    def get(self, request):
        params = request.query_params
        cases = selectors.case_filter(
            request.user,
            q=params.get("q", ""),
            status=params.get("status", ""),
            kind=params.get("kind", ""),
            department=params.get("department", ""),
            assignee=params.get("assignee", ""),
            overdue=bool(query_flag(request, "overdue")),
        )
        cases = cases.select_related("customer__dealer").order_by("-created_at", "-id")
        paginator = Pagination()
        page = paginator.paginate_queryset(cases, request, view=self)
        clocks = selectors.clocks_by_case(page)
        return paginator.get_paginated_response(
            CaseSerializer(page, many=True, context={"clocks": clocks, "request": request}).data
        )

    @extend_schema(
        request=IntakeSerializer,
        responses={201: CaseSerializer, 200: CaseSerializer, 422: error_response(422)},
        parameters=[OpenApiParameter("Idempotency-Key", str, location="header")],
    )
    def post(self, request):
        # A caller that is not a person (a partner's API key) takes cases in as itself.
        outside = intake.outside_caller(request.user)
        data = IntakeSerializer(data=request.data)
        if not data.is_valid():
            # One answer names every bad field: the shape's errors and the business checks.
            raw = request.data if isinstance(request.data, dict) else {}
            fields = {
                **intake.field_errors(
                    actor=request.user, raw=raw, dealer=outside.dealer if outside else None
                ),
                **flatten_fields(data.errors),
            }
            raise InvalidInput(fields=fields)
        v = data.validated_data
        taken = (
            partial(intake.case_intake, actor=request.user)
            if outside is None
            else partial(intake.case_intake_outside, caller=outside)
        )
        case, created = taken(
            data=intake.IntakeInput(
                channel=v["channel"],
                kind=v["kind"],
                customer_name=v["customer"]["name"],
                customer_phone=v["customer"]["phone"],
                description=v["description"],
                product_sku=v["product_sku"],
                serial_no=v["serial_no"],
                order_no=v["order_no"],
                priority=v["priority"],
                requested_remedy=v["requested_remedy"],
                category=v["category"],
                purchase_date=v["purchase_date"],
                is_complaint=v["is_complaint"],
                fault_code=v["fault_code"],
            ),
            idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
        )
        if created:
            # The case in hand has its links and the clocks it started: no need to read back.
            context = {"clocks": {case.pk: case.started_clocks}, "request": request}
            body = CaseSerializer(case, context=context).data
            return Response(body, status=status.HTTP_201_CREATED)
        case = selectors.case_get_for_user(request.user, number=case.number)
        if case is None:
            raise NotFound()
        return Response(
            CaseSerializer(case, context={"request": request}).data, status=status.HTTP_200_OK
        )


class TicketDetailApi(APIView):
    @extend_schema(responses={200: CaseDetailSerializer})
    def get(self, request, number: str):
        return Response(
            CaseDetailSerializer(_case(request, number), context={"request": request}).data
        )


class TicketAttachmentsApi(APIView):
    """The case's photos, videos and PDFs (SVC-1). ``GET``: the list, oldest first. ``POST``
    (multipart, one file in the field ``file``): attach it (201). The type is read from the
    file's first bytes and must match its extension (JPG, PNG, GIF, WebP, MP4, MOV, PDF);
    photos and PDFs up to ``CASE_ATTACHMENT_MAX_MB``, videos up to ``CASE_VIDEO_MAX_MB``, at
    most 20 files per case; a refused file is 400 on ``file``."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        # Optional here so that a missing file gets the service's own message on ``file``.
        file = serializers.FileField(required=False, allow_empty_file=True)

    @extend_schema(responses={200: AttachmentSerializer(many=True)})
    def get(self, request, number: str):
        return Response(
            AttachmentSerializer(
                selectors.case_attachments(_case(request, number)),
                many=True,
                context={"request": request},
            ).data
        )

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: AttachmentSerializer, 507: error_response(507)},
    )
    def post(self, request, number: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = attachments.case_attach_file(
            actor=request.user, case=_case(request, number), file=data.validated_data.get("file")
        )
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class AnyAcceptNegotiation(BaseContentNegotiation):
    """A file answers with its own type whatever ``Accept`` says (``<video>`` asks for
    ``video/*``); errors are still JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class TicketAttachmentFileApi(APIView):
    """One file of the case, for whoever may see the case; ``Range`` requests answer 206."""

    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, number: str, attachment_id: int):
        attachment = selectors.attachment_get_for_user(
            request.user, number=number, attachment_id=attachment_id
        )
        if attachment is None:
            raise NotFound()
        try:
            return stored_file_response(
                request,
                attachment.file,
                content_type=attachment.content_type,
                filename=attachment.original_name,
                inline=request.query_params.get("download") != "1",
            )
        except FileNotFoundError:
            raise NotFound() from None


class TicketActionApi(APIView):
    """One step of the flow: ``accept``, ``verify``, ``start``, ``resolve`` (``solution``
    required, ``result``), ``confirm``, ``reject`` (``note`` required), ``close``, ``cancel``
    (``note`` required). A step the case's status does not allow is 409
    ``illegal_transition``."""

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, default="")
        solution = serializers.CharField(required=False, allow_blank=True, default="")
        result = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
        version = serializers.IntegerField(required=False)

    @extend_schema(
        request=InputSerializer, responses={200: CaseSerializer}, operation_id="tickets_step"
    )
    def post(self, request, number: str, action: str):
        if action not in workflow.TRANSITIONS:
            # No such step: a wrong address, not wrong data.
            raise NotFound(
                _("No such step; the steps are: %(steps)s")
                % {"steps": ", ".join(workflow.TRANSITIONS)}
            )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        case = workflow.case_transition(
            actor=request.user,
            case=_case(request, number),
            action=action,
            note=v["note"],
            solution=v["solution"],
            result=v["result"],
            expected_version=v.get("version"),
        )
        return Response(
            CaseSerializer(
                selectors.case_get_for_user(request.user, number=case.number),
                context={"request": request},
            ).data
        )


class TicketSubstatusApi(APIView):
    class InputSerializer(serializers.Serializer):
        substatus = serializers.ChoiceField(choices=Case.Substatus.choices, allow_blank=True)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={200: CaseSerializer})
    def post(self, request, number: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = workflow.case_set_substatus(
            actor=request.user,
            case=_case(request, number),
            substatus=data.validated_data["substatus"],
            note=data.validated_data["note"],
        )
        return Response(CaseSerializer(case, context={"request": request}).data)


class TicketPromiseApi(APIView):
    class InputSerializer(serializers.Serializer):
        timetable = serializers.CharField(max_length=300)

    @extend_schema(request=InputSerializer, responses={200: CaseSerializer})
    def post(self, request, number: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = workflow.case_promise(
            actor=request.user,
            case=_case(request, number),
            timetable=data.validated_data["timetable"],
        )
        return Response(CaseSerializer(case, context={"request": request}).data)


class OverviewStatusSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class OverviewDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    cells = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    statuses = OverviewStatusSerializer(many=True)
    departments = OverviewDepartmentSerializer(many=True)
    kinds = OverviewStatusSerializer(many=True)
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    unassigned = serializers.IntegerField()
    mine = serializers.IntegerField()


class TicketOverviewApi(APIView):
    """The desk's overview, as on ``/service/overview/``: open cases by status, department
    (``cells`` follow ``statuses``) and kind; overdue, due within 24 hours, unassigned, mine."""

    @extend_schema(responses={200: OverviewSerializer}, operation_id="tickets_overview")
    def get(self, request):
        return Response(OverviewSerializer(selectors.desk_overview(request.user)).data)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "object",
                "properties": {"number": {"type": "string"}, "version": {"type": "integer"}},
                "required": ["number"],
            },
        ]
    }
)
class CaseRefField(serializers.JSONField):
    """A case in a bulk request: its number, or ``{"number", "version"}``."""


class TicketBulkAssignApi(APIView):
    """Hand several cases to a department (and a person) at once, all or none: ``{"cases":
    ["TK-…", …] or [{"number", "version"}, …], "department": "<code>", "assignee": <id>}``."""

    class InputSerializer(serializers.Serializer):
        cases = serializers.ListField(child=CaseRefField(), allow_empty=False)
        department = serializers.SlugRelatedField(
            slug_field="code", queryset=Department.objects.filter(active=True)
        )
        assignee = serializers.PrimaryKeyRelatedField(
            queryset=User.objects.filter(is_active=True), required=False, allow_null=True
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: CaseSerializer(many=True)},
        operation_id="tickets_bulk_assign",
    )
    def post(self, request):
        from .services.bulk import cases_assign

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        numbers, versions = [], {}
        for item in data.validated_data["cases"]:
            number = item.get("number") if isinstance(item, dict) else item
            if not isinstance(number, str):
                raise InvalidInput(fields={"cases": [_("Give each case by its number.")]})
            numbers.append(number)
            if isinstance(item, dict) and isinstance(item.get("version"), int):
                versions[number] = item["version"]
        done = cases_assign(
            actor=request.user,
            numbers=numbers,
            department=data.validated_data["department"],
            assignee=data.validated_data.get("assignee"),
            versions=versions,
        )
        cases = selectors.case_list_for_user(request.user).filter(pk__in=[c.pk for c in done])
        clocks = selectors.clocks_by_case(cases)
        context = {"clocks": clocks, "request": request}
        return Response(CaseSerializer(cases, many=True, context=context).data)


class TicketAssignApi(APIView):
    """Hand the case to a department (by code) and, optionally, a person in it (user id)."""

    class InputSerializer(serializers.Serializer):
        department = serializers.SlugRelatedField(
            slug_field="code", queryset=Department.objects.filter(active=True)
        )
        assignee = serializers.PrimaryKeyRelatedField(
            queryset=User.objects.filter(is_active=True), required=False, allow_null=True
        )
        version = serializers.IntegerField(required=False)

    @extend_schema(request=InputSerializer, responses={200: CaseSerializer})
    def post(self, request, number: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = routing.case_assign(
            actor=request.user,
            case=_case(request, number),
            department=data.validated_data["department"],
            assignee=data.validated_data.get("assignee"),
            expected_version=data.validated_data.get("version"),
        )
        return Response(
            CaseSerializer(
                selectors.case_get_for_user(request.user, number=case.number),
                context={"request": request},
            ).data
        )


class CompensationPolicySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    terms = serializers.CharField()
    calculation = serializers.CharField()


class CompensationOfferSerializer(serializers.Serializer):
    status = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    days_late = serializers.IntegerField()
    company_caused = serializers.BooleanField()
    refund_offered = serializers.BooleanField()
    note = serializers.CharField()
    offered_by = serializers.SerializerMethodField()
    offered_at = serializers.DateTimeField()
    answered_by = serializers.SerializerMethodField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answer_note = serializers.CharField()

    def get_offered_by(self, offer) -> str:
        return actor_name(offer.offered_by)

    def get_answered_by(self, offer) -> str | None:
        return actor_name(offer.answered_by) if offer.answered_by_id else None


class CompensationSerializer(serializers.Serializer):
    """What the policy gives today for a delivery-delay case, and the latest offer."""

    promised_date = serializers.DateField()
    delivered_on = serializers.DateField(allow_null=True)
    days_late = serializers.IntegerField()
    working_days_late = serializers.IntegerField()
    compensated_days = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.SerializerMethodField()
    refund_offered = serializers.BooleanField()
    company_caused = serializers.BooleanField()
    policy = serializers.SerializerMethodField()
    offer = serializers.SerializerMethodField()

    def get_currency(self, quote) -> str:
        return "CNY"

    def get_policy(self, quote) -> dict | None:
        if quote.policy is None:
            return None
        return CompensationPolicySerializer(
            {
                "id": quote.policy.pk,
                "name": quote.policy.name,
                "terms": quote.rule,
                "calculation": quote.calculation,
            }
        ).data

    def get_offer(self, quote) -> dict | None:
        offer = self.context.get("offer")
        return CompensationOfferSerializer(offer).data if offer is not None else None


def _delay_case(request, number: str) -> Case:
    """A delivery-delay case with its order, visible to the reader; anything else is 404."""
    case = _case(request, number)
    if not compensation.is_delay_case(case):
        raise NotFound()
    return case


def _compensation_response(case: Case, **status_kw) -> Response:
    quote = compensation.compensation_quote(case)
    return Response(
        CompensationSerializer(
            quote, context={"offer": compensation.latest_compensation(case)}
        ).data,
        **status_kw,
    )


class TicketCompensationApi(APIView):
    """Delay compensation of a delivery-delay case (SVC-10, SVC-11). ``GET``: what the active
    policy gives today (the delay counted to the delivery, or to today while the goods have not
    all arrived) and the latest offer. ``POST`` ``{"company_caused", "note"}``: offer it to the
    customer, who is sent an SMS / e-mail (201)."""

    class InputSerializer(serializers.Serializer):
        company_caused = serializers.BooleanField(default=False)
        note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    @extend_schema(responses={200: CompensationSerializer}, operation_id="tickets_compensation")
    def get(self, request, number: str):
        return _compensation_response(_delay_case(request, number))

    @extend_schema(
        request=InputSerializer,
        responses={201: CompensationSerializer},
        operation_id="tickets_compensation_offer",
    )
    def post(self, request, number: str):
        case = _delay_case(request, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        compensation.case_compensation_offer(
            actor=request.user,
            case=case,
            company_caused=data.validated_data["company_caused"],
            note=data.validated_data["note"],
        )
        return _compensation_response(case, status=status.HTTP_201_CREATED)


class TicketCompensationAnswerApi(APIView):
    """The customer's answer to the waiting offer: ``{"answer": "accepted" | "refund" |
    "declined", "note"}`` (``refund`` only when it was offered; ``note`` required to decline)."""

    class InputSerializer(serializers.Serializer):
        answer = serializers.ChoiceField(choices=["accepted", "refund", "declined"])
        note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        responses={200: CompensationSerializer},
        operation_id="tickets_compensation_answer",
    )
    def post(self, request, number: str):
        case = _delay_case(request, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        compensation.case_compensation_answer(
            actor=request.user,
            case=case,
            answer=data.validated_data["answer"],
            note=data.validated_data["note"],
        )
        return _compensation_response(case)
