"""SLA policies and clocks over HTTP (read-only; policies are edited on the page)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.accounts.permissions import has_role
from aftersales.accounts.roles import Role
from aftersales.core.api import Pagination
from aftersales.core.schema import paginated

from . import selectors


class TargetSerializer(serializers.Serializer):
    metric = serializers.CharField()
    amount = serializers.IntegerField()
    unit = serializers.CharField()
    end_of_business = serializers.BooleanField()
    source = serializers.CharField()


class StepSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    trigger = serializers.CharField()
    offset_minutes = serializers.IntegerField()
    notify_role = serializers.CharField()
    notify_responsible = serializers.BooleanField()


class PolicySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    case_type = serializers.CharField()
    priority = serializers.CharField()
    channel = serializers.CharField()
    customer_level = serializers.CharField()
    pause_statuses = serializers.ListField(child=serializers.CharField())
    business_opens = serializers.TimeField()
    business_closes = serializers.TimeField()
    active = serializers.BooleanField()
    version = serializers.IntegerField()
    targets = TargetSerializer(many=True)
    escalations = StepSerializer(many=True)


INTERNAL_ROLES = [r for r in Role if r != Role.DEALER]


class PolicyListApi(APIView):
    """The company's time-limit policies (internal roles; dealers see their cases' limits)."""

    permission_classes = [has_role(*INTERNAL_ROLES)]

    @extend_schema(responses={200: PolicySerializer(many=True)})
    def get(self, request):
        return Response(PolicySerializer(selectors.sla_policy_list(), many=True).data)


class ClockSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    owner_type = serializers.CharField(source="owner_type.model")
    owner_id = serializers.IntegerField()
    metric = serializers.CharField()
    amount = serializers.IntegerField()
    unit = serializers.CharField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    status = serializers.CharField()
    provisional = serializers.BooleanField()
    escalation_level = serializers.IntegerField()


class OverdueClockListApi(APIView):
    """Running clocks past their due moment, most overdue first."""

    permission_classes = [has_role(Role.ADMIN, Role.CUSTOMER_SERVICE, Role.SERVICE)]

    @extend_schema(responses={200: paginated(ClockSerializer)})
    def get(self, request):
        clocks = selectors.sla_overdue().select_related("owner_type").order_by("due_at")
        paginator = Pagination()
        page = paginator.paginate_queryset(clocks, request, view=self)
        return paginator.get_paginated_response(ClockSerializer(page, many=True).data)
