"""``GET /api/v1/search/?q=``: the top bar's global search for integrators and apps, with the
same groups, scoping and phone masking as the page (``core.search``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .search import global_search


class SearchHitSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The number, serial, batch or customer's name.")
    subtitle = serializers.CharField(help_text="What the record is; phones as the reader sees.")
    url = serializers.CharField(help_text="The record's page (or its list, searched).")
    exact = serializers.BooleanField(help_text="The query is this record's own number.")


class SearchGroupSerializer(serializers.Serializer):
    kind = serializers.CharField(source="key", help_text="cases, orders, customers, …")
    label = serializers.CharField()
    results = SearchHitSerializer(source="hits", many=True)
    more = serializers.BooleanField(help_text="More records match than are listed.")
    more_url = serializers.CharField(help_text="The list with all of them; may be empty.")


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    exact_url = serializers.SerializerMethodField(
        help_text="The page of the one record whose number the query is, else null."
    )
    groups = SearchGroupSerializer(many=True)

    def get_exact_url(self, result) -> str | None:
        return result.exact.url if result.exact is not None else None


class SearchApi(APIView):
    """Find any document number, serial number, batch number, customer name or phone number
    (the last 4 digits for readers who see phones) among the records the caller may see,
    grouped by kind, at most 5 per kind. A query shorter than 2 characters finds nothing."""

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(max_length=100, allow_blank=True, trim_whitespace=True)

    @extend_schema(parameters=[FilterSerializer], responses={200: SearchResultSerializer})
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        result = global_search(request.user, filters.validated_data["q"])
        return Response(SearchResultSerializer(result).data)
