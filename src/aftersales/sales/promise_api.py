"""Written promises API (SAL-11, S2): the company's and the dealers' promises, their review."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.accounts.permissions import has_role
from aftersales.catalog.models import Category, Product
from aftersales.core.api import Pagination
from aftersales.core.schema import paginated

from . import selectors, services
from .models import WrittenPromise
from .permissions import PROMISE_ROLES

CanUsePromises = has_role(*PROMISE_ROLES)


class PromiseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=WrittenPromise.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    scope = serializers.ChoiceField(choices=["all", "category", "product"])
    category = serializers.CharField(source="category.code", allow_null=True, default=None)
    product = serializers.CharField(source="product.sku", allow_null=True, default=None)
    dealer = serializers.CharField(source="dealer.code", allow_null=True, default=None)
    dealer_name = serializers.CharField(source="dealer.name", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=WrittenPromise.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    active = serializers.BooleanField()
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    sort_order = serializers.IntegerField()
    author = serializers.CharField(source="author.username")
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.CharField(
        source="reviewed_by.username", allow_null=True, default=None
    )
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_reason = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _out(promise: WrittenPromise) -> dict:
    fresh = WrittenPromise.objects.select_related(
        "category", "product", "dealer", "author", "reviewed_by"
    ).get(pk=promise.pk)
    return PromiseOutputSerializer(fresh).data


class _PromiseFields(serializers.Serializer):
    """What a promise says and covers; ``category`` and ``product`` both empty: every
    product."""

    title = serializers.CharField(max_length=80)
    text = serializers.CharField(max_length=2000)
    kind = serializers.ChoiceField(choices=WrittenPromise.Kind.choices)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), required=False, allow_null=True
    )
    product = serializers.SlugRelatedField(
        slug_field="sku", queryset=Product.objects.all(), required=False, allow_null=True
    )
    active = serializers.BooleanField(required=False)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    sort_order = serializers.IntegerField(required=False, min_value=0, max_value=9999)


class PromiseListCreateApi(APIView):
    """Written promises in the caller's scope (a dealer's people: their dealer's own; the
    company's staff: the company's, and the dealers' once submitted); write a draft."""

    permission_classes = [CanUsePromises]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=WrittenPromise.Status.choices, required=False)

    class InputSerializer(_PromiseFields):
        pass

    @extend_schema(
        parameters=[FilterSerializer], responses={200: paginated(PromiseOutputSerializer)}
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        promises = selectors.promise_list_for_user(request.user, **filters.validated_data)
        promises = promises.select_related("author", "reviewed_by")
        paginator = Pagination()
        page = paginator.paginate_queryset(promises, request, view=self)
        return paginator.get_paginated_response(PromiseOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: PromiseOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promise = services.promise_create(actor=request.user, **data.validated_data)
        return Response(_out(promise), status=status.HTTP_201_CREATED)


class PromiseDetailApi(APIView):
    """One promise; change it (the company's staff their own promises, a dealer's people
    their dealer's)."""

    permission_classes = [CanUsePromises]

    class PatchSerializer(_PromiseFields):
        version = serializers.IntegerField(required=False)

    @extend_schema(responses={200: PromiseOutputSerializer})
    def get(self, request, promise_id: int):
        promise = selectors.promise_get_for_user(request.user, promise_id=promise_id)
        return Response(_out(promise))

    @extend_schema(request=PatchSerializer, responses={200: PromiseOutputSerializer})
    def patch(self, request, promise_id: int):
        """A dealer's published promise whose wording changes goes back to review."""
        promise = selectors.promise_get_for_user(request.user, promise_id=promise_id)
        data = self.PatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        promise = services.promise_update(
            actor=request.user,
            promise=promise,
            expected_version=values.pop("version", None),
            **values,
        )
        return Response(_out(promise))


class PromiseSubmitApi(APIView):
    """A dealer's draft or rejected promise goes to the company's review (``submitted``); the
    company's own draft is published at once."""

    permission_classes = [CanUsePromises]

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(required=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: PromiseOutputSerializer},
        operation_id="written_promises_submit",
    )
    def post(self, request, promise_id: int):
        promise = selectors.promise_get_for_user(request.user, promise_id=promise_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promise = services.promise_submit(
            actor=request.user,
            promise=promise,
            expected_version=data.validated_data.get("version"),
        )
        return Response(_out(promise))


class PromiseReviewApi(APIView):
    """The company's staff decide on a dealer's promise: ``approve`` publishes a submitted
    one, ``reject`` (with a ``reason``) sends it back, or withdraws a published one."""

    permission_classes = [CanUsePromises]

    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=services.REVIEW_DECISIONS)
        reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
        version = serializers.IntegerField(required=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: PromiseOutputSerializer},
        operation_id="written_promises_review",
    )
    def post(self, request, promise_id: int):
        promise = selectors.promise_get_for_user(request.user, promise_id=promise_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        promise = services.promise_review(
            actor=request.user,
            promise=promise,
            decision=values["decision"],
            reason=values["reason"],
            expected_version=values.get("version"),
        )
        return Response(_out(promise))
