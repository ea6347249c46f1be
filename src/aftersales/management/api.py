"""The cockpit over the API: a dashboard's figures (cards and charts) for a period and
filters, the same as the page, for a meeting-room screen or a BI tool."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.errors import NotFound, PermissionDenied

from . import facts, figures
from .db import reporting
from .permissions import can_open_cockpit


class CardSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    previous = serializers.FloatField(allow_null=True)
    last_year = serializers.FloatField(allow_null=True)
    definition = serializers.CharField()
    url = serializers.CharField(help_text="The records behind the figure (a page).")
    ignored_filters = serializers.ListField(child=serializers.CharField())


class SeriesSerializer(serializers.Serializer):
    name = serializers.CharField()
    data = serializers.ListField(child=serializers.FloatField(allow_null=True))
    links = serializers.ListField(child=serializers.CharField())


class ChartSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=["bar", "hbar", "line", "pie"])
    labels = serializers.ListField(child=serializers.CharField())
    series = SeriesSerializer(many=True)
    unit = serializers.CharField()
    definition = serializers.CharField()


class DashboardSerializer(serializers.Serializer):
    area = serializers.CharField()
    period = serializers.CharField()
    previous_period = serializers.CharField()
    year_before = serializers.CharField()
    refreshed_at = serializers.DateTimeField(allow_null=True)
    cards = CardSerializer(many=True)
    charts = ChartSerializer(many=True)


def _float(v):
    return None if v is None else float(v)


class DashboardApi(APIView):
    """``GET /api/v1/management/dashboards/{area}/?period=2026-11&department=&category=
    &product=&dealer=&region=``: ``area`` is ``service``, ``sales``, ``quality`` or
    ``satisfaction``."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period", str, description="2026-11, 2026-Q4 or 2026; default: this month"
            ),
            OpenApiParameter("department", int),
            OpenApiParameter("category", int),
            OpenApiParameter("product", int),
            OpenApiParameter("dealer", int),
            OpenApiParameter("region", str),
        ],
        responses={200: DashboardSerializer},
        operation_id="management_dashboard",
    )
    def get(self, request, area: str):
        if not can_open_cockpit(request.user):
            raise PermissionDenied()
        if area not in figures.DASHBOARDS:
            raise NotFound()
        today = timezone.localdate()
        filters = figures.Filters.from_query(request.query_params, today)
        with reporting():
            board = figures.DASHBOARDS[area][1](filters, today)
            refreshed = facts.last_refreshed()
        return Response(
            {
                "area": area,
                "period": filters.period.label,
                "previous_period": filters.period.previous().label,
                "year_before": filters.period.year_before().label,
                "refreshed_at": refreshed,
                "cards": [
                    {
                        "key": c.key,
                        "label": str(c.label),
                        "value": _float(c.value),
                        "unit": str(c.unit),
                        "previous": _float(c.previous),
                        "last_year": _float(c.last_year),
                        "definition": str(c.definition),
                        "url": c.url,
                        "ignored_filters": c.ignored,
                    }
                    for c in board["cards"]
                ],
                "charts": [
                    {
                        "key": ch.key,
                        "title": str(ch.title),
                        "definition": str(ch.definition),
                        **ch.payload(),
                    }
                    for ch in board["charts"]
                ],
            }
        )
