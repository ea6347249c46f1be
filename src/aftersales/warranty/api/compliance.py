"""The compliance register over the API (WAR-14): the rows, paginated like every list, and
the monthly summary for management. The same queryset as the page (``warranty.compliance``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.api import Pagination
from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.schema import paginated

from .. import compliance as register
from ..permissions import can_view_compliance

MAX_MONTHS = 36


class ComplianceRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(register.KINDS))
    application = serializers.CharField(source="number")
    case = serializers.CharField(source="case_number", allow_null=True)
    customer = serializers.CharField()
    product = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    exposure = serializers.DecimalField(max_digits=14, decimal_places=2)
    days_late = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    refunded_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    on = serializers.DateField()


class KindFigureSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    exposure = serializers.DecimalField(max_digits=14, decimal_places=2)


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField()
    refused = KindFigureSerializer()
    overridden = KindFigureSerializer()
    late_refund = KindFigureSerializer()
    count = serializers.IntegerField()
    exposure = serializers.DecimalField(max_digits=14, decimal_places=2)


class SummarySerializer(serializers.Serializer):
    months = MonthSerializer(many=True)
    count = serializers.IntegerField()
    exposure = serializers.DecimalField(max_digits=14, decimal_places=2)


def _allowed(request) -> None:
    if not can_view_compliance(request.user):
        raise PermissionDenied()


class ComplianceListApi(APIView):
    """``GET``: refused requests, overridden decisions and late refunds, newest first, each
    with its exposure (``month=YYYY-MM``, ``kind=refused|overridden|late_refund``)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month",
                {"type": "string", "pattern": r"^2\d{3}-(0[1-9]|1[0-2])$"},
                description="`YYYY-MM`: the rows of that month",
            ),
            OpenApiParameter("kind", str, enum=list(register.KINDS)),
        ],
        responses={200: paginated(ComplianceRowSerializer)},
        operation_id="warranty_compliance_list",
    )
    def get(self, request):
        _allowed(request)
        p = request.query_params
        errors: dict[str, list[str]] = {}
        try:
            month = register.month_parse(p.get("month", ""))
        except register.MonthInvalid:
            month = None
            errors["month"] = [_("Give the month as 2026-11.")]
        kind = p.get("kind", "")
        if kind and kind not in register.KINDS:
            errors["kind"] = [_("Choose refused, overridden or late_refund.")]
        if errors:
            raise InvalidInput(fields=errors)
        today = timezone.localdate()
        rows = register.compliance_rows(
            request.user, register.ComplianceFilter(month=month, kind=kind), today=today
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        data = [register.as_row(v, today=today) for v in page]
        return paginator.get_paginated_response(ComplianceRowSerializer(data, many=True).data)


class ComplianceSummaryApi(APIView):
    """``GET``: per month of the last ``months`` (default 12, at most 36), oldest first, the
    count and exposure of each kind and in all."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "months",
                {"type": "integer", "minimum": 1, "maximum": MAX_MONTHS},
                description="1–36, 12 by default",
            )
        ],
        responses={200: SummarySerializer},
        operation_id="warranty_compliance_summary",
    )
    def get(self, request):
        _allowed(request)
        raw = request.query_params.get("months", "")
        months = 12
        if raw != "":
            try:
                months = serializers.IntegerField(min_value=1, max_value=MAX_MONTHS).run_validation(
                    raw
                )
            except serializers.ValidationError as exc:
                raise InvalidInput(fields={"months": [str(m) for m in exc.detail]}) from None
        summary = register.compliance_summary(request.user, months=months)
        return Response(
            SummarySerializer(
                {
                    "months": summary,
                    "count": sum(m["count"] for m in summary),
                    "exposure": sum(m["exposure"] for m in summary),
                }
            ).data
        )
