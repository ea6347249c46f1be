"""Work orders over the API: the same services as the pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.api import Pagination, flatten_fields
from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied
from aftersales.core.schema import paginated
from aftersales.core.timeline import actor_name
from aftersales.service.models import ServiceSkill
from aftersales.service.selectors import case_get_for_user

from .. import selectors
from ..models import WorkOrder
from ..permissions import can_dispatch, can_view_work_orders, is_field_technician
from ..services import dispatch, repair_centre
from ..services import work_orders as flow


class WorkOrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    case = serializers.CharField(source="case.number", default=None)
    customer = serializers.CharField(source="customer.name")
    product_sku = serializers.CharField(source="product.sku", default=None)
    serial_no = serializers.CharField(source="serial.serial", default=None)
    address = serializers.CharField()
    region = serializers.CharField()
    problem = serializers.CharField()
    in_warranty = serializers.BooleanField(allow_null=True)
    warranty_basis = serializers.CharField()
    technician = serializers.SerializerMethodField()
    window_start = serializers.DateTimeField(allow_null=True)
    window_end = serializers.DateTimeField(allow_null=True)
    onsite_due_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    checked_in_at = serializers.DateTimeField(allow_null=True)
    checked_out_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    repair_due_on = serializers.DateField(allow_null=True)
    remedy_proposed = serializers.CharField()
    diagnosis = serializers.CharField()
    work_done = serializers.CharField()
    result = serializers.CharField()
    signed_name = serializers.CharField()
    charge_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    version = serializers.IntegerField()

    def get_technician(self, wo) -> str | None:
        return actor_name(wo.technician) if wo.technician_id else None


class WorkOrderSuggestionSerializer(serializers.Serializer):
    technician_id = serializers.IntegerField(source="technician.pk")
    technician = serializers.CharField()
    score = serializers.IntegerField()
    skills_ok = serializers.BooleanField()
    in_region = serializers.BooleanField()
    load = serializers.IntegerField()
    capacity = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    offered = serializers.BooleanField(
        help_text="False: not to be booked (required training or category qualification "
        "missing); the reasons say which."
    )


def _wo(request, number: str) -> WorkOrder:
    if not (can_view_work_orders(request.user) or is_field_technician(request.user)):
        raise PermissionDenied()  # a role without work orders: 403; out of scope: 404
    wo = selectors.work_order_get_for_user(request.user, number)
    if wo is None:
        raise NotFound()
    return wo


class WorkOrderListApi(APIView):
    """``GET``: work orders (``status`` or ``open``, ``kind``, ``q``). ``POST``: a work order
    for a case: ``case``, ``kind``, ``problem``, ``skills`` (codes); the 三包 decision comes
    from the case."""

    class InputSerializer(serializers.Serializer):
        case = serializers.CharField()
        kind = serializers.ChoiceField(choices=WorkOrder.Kind.choices)
        problem = serializers.CharField(required=False, allow_blank=True, default="")
        skills = serializers.ListField(child=serializers.CharField(), required=False, default=list)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("kind", str),
            OpenApiParameter("q", str),
        ],
        responses={200: paginated(WorkOrderSerializer)},
        operation_id="work_orders_list",
    )
    def get(self, request):
        if not (can_view_work_orders(request.user) or is_field_technician(request.user)):
            raise PermissionDenied()  # not an empty list: the role has no work orders
        p = request.query_params
        qs = selectors.work_order_filter(
            request.user, status=p.get("status", ""), kind=p.get("kind", ""), q=p.get("q", "")
        ).select_related("case", "customer", "product", "serial", "technician")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("-created_at", "-id"), request, view=self)
        return paginator.get_paginated_response(WorkOrderSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: WorkOrderSerializer},
        operation_id="work_orders_create",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        v = data.validated_data
        case = case_get_for_user(request.user, number=v["case"])
        if case is None:
            raise InvalidInput(fields={"case": [_("There is no such case.")]})
        skills = list(ServiceSkill.objects.filter(code__in=v["skills"]))
        missing = set(v["skills"]) - {s.code for s in skills}
        if missing:
            raise InvalidInput(
                fields={"skills": [_("Unknown skill: %(codes)s") % {"codes": ", ".join(missing)}]}
            )
        wo = flow.work_order_from_case(
            actor=request.user, case=case, kind=v["kind"], problem=v["problem"], skills=skills
        )
        body = WorkOrderSerializer(selectors.work_order_get_for_user(request.user, wo.number))
        return Response(body.data, status=status.HTTP_201_CREATED)


class WorkOrderDetailApi(APIView):
    @extend_schema(responses={200: WorkOrderSerializer}, operation_id="work_orders_detail")
    def get(self, request, number: str):
        return Response(WorkOrderSerializer(_wo(request, number)).data)


class WorkOrderSuggestionsApi(APIView):
    """Technicians for the work on ``day`` (default: the day it is due), best first."""

    @extend_schema(
        parameters=[OpenApiParameter("day", str, description="YYYY-MM-DD")],
        responses={200: WorkOrderSuggestionSerializer(many=True)},
        operation_id="work_orders_suggestions",
    )
    def get(self, request, number: str):
        from datetime import date

        if not can_dispatch(request.user):
            raise PermissionDenied()
        wo = _wo(request, number)
        raw = request.query_params.get("day", "")
        try:
            day = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise InvalidInput(fields={"day": [_("Enter a date as YYYY-MM-DD.")]}) from None
        return Response(
            WorkOrderSuggestionSerializer(dispatch.dispatch_suggestions(wo, day), many=True).data
        )


class WorkOrderStepApi(APIView):
    """One step: ``schedule`` (``technician`` id, ``start``, ``end``, ``reason``), ``confirm``,
    ``receive`` (``condition``, ``accessories``), ``start``, ``test`` (``result``),
    ``check_in``, ``pause`` (``waiting_for``: parts | quote), ``resume``, ``complete``
    (``diagnosis``, ``work_done``, ``result``, ``signed_name``, ``signature`` as a PNG data
    URL), ``return`` (``waybill``), ``cancel`` (``reason``). 409 ``illegal_transition`` for a
    step the status does not allow; 409 ``quote_not_accepted`` for paid work not accepted."""

    class InputSerializer(serializers.Serializer):
        technician = serializers.IntegerField(required=False)
        start = serializers.DateTimeField(required=False)
        end = serializers.DateTimeField(required=False)
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        condition = serializers.CharField(required=False, allow_blank=True, default="")
        accessories = serializers.CharField(required=False, allow_blank=True, default="")
        result = serializers.CharField(required=False, allow_blank=True, default="")
        waiting_for = serializers.CharField(required=False, allow_blank=True, default="")
        diagnosis = serializers.CharField(required=False, allow_blank=True, default="")
        work_done = serializers.CharField(required=False, allow_blank=True, default="")
        signed_name = serializers.CharField(required=False, allow_blank=True, default="")
        signature = serializers.CharField(required=False, allow_blank=True, default="")
        waybill = serializers.CharField(required=False, allow_blank=True, default="")
        version = serializers.IntegerField(required=False)

    STEPS = (
        "schedule", "confirm", "receive", "start", "test", "check_in", "pause", "resume",
        "complete", "return", "cancel",
    )  # fmt: skip

    @extend_schema(
        request=InputSerializer,
        responses={200: WorkOrderSerializer},
        operation_id="work_orders_step",
    )
    def post(self, request, number: str, action: str):
        if action not in self.STEPS:
            raise NotFound(
                _("No such step; the steps are: %(steps)s") % {"steps": ", ".join(self.STEPS)}
            )
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        v, user, wo = data.validated_data, request.user, _wo(request, number)
        if action == "schedule":
            technician = get_user_model().objects.filter(pk=v.get("technician") or 0).first()
            dispatch.work_order_schedule(
                actor=user,
                work_order=wo,
                technician=technician,
                start=v.get("start"),
                end=v.get("end"),
                reason=v["reason"],
                expected_version=v.get("version"),
            )
        elif action == "confirm":
            dispatch.work_order_confirm(actor=user, work_order=wo)
        elif action == "receive":
            repair_centre.work_order_receive(
                actor=user, work_order=wo, condition=v["condition"], accessories=v["accessories"]
            )
        elif action == "start":
            repair_centre.work_order_start(actor=user, work_order=wo)
        elif action == "test":
            repair_centre.work_order_test(actor=user, work_order=wo, result=v["result"])
        elif action == "check_in":
            flow.work_order_check_in(actor=user, work_order=wo)
        elif action == "pause":
            flow.work_order_pause(actor=user, work_order=wo, waiting_for=v["waiting_for"])
        elif action == "resume":
            flow.work_order_resume(actor=user, work_order=wo)
        elif action == "complete":
            flow.work_order_complete(
                actor=user,
                work_order=wo,
                diagnosis=v["diagnosis"],
                work_done=v["work_done"],
                result=v["result"],
                signed_name=v["signed_name"],
                signature=v["signature"] or None,
                expected_version=v.get("version"),
            )
        elif action == "return":
            repair_centre.work_order_return(actor=user, work_order=wo, waybill=v["waybill"])
        else:
            flow.work_order_cancel(actor=user, work_order=wo, reason=v["reason"])
        return Response(WorkOrderSerializer(_wo(request, number)).data)
