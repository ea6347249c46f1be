"""The partners API: administrators make and revoke API keys; administrators and keys with
``webhooks:manage`` register webhooks, read their deliveries and send one again
(docs/api.md, "Partners: API keys and webhooks")."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.accounts.permissions import has_role
from aftersales.accounts.roles import Role
from aftersales.core.api import Pagination
from aftersales.core.errors import InvalidInput, NotFound
from aftersales.core.schema import paginated
from aftersales.customers.models import Dealer

from . import selectors, services
from .authentication import is_partner
from .models import Event, Scope, WebhookDelivery
from .permissions import can_manage_partners


class AdminOrKey(BasePermission):
    """Administrators; or an API key (the authentication already checked its scope)."""

    def has_permission(self, request, view) -> bool:
        return is_partner(request.user) or can_manage_partners(request.user)


class KeySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    dealer = serializers.CharField(source="dealer.code", default=None)
    allowed_ips = serializers.ListField(child=serializers.CharField())
    rate_limit = serializers.IntegerField()
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", default=None)
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class KeyCreatedSerializer(KeySerializer):
    key = serializers.CharField(help_text="The key itself: shown in this answer only.")


class PartnerKeyListApi(APIView):
    """``GET``: the API keys (never the keys themselves). ``POST``: make one; the answer (201)
    carries ``key``, shown this once."""

    permission_classes = [has_role(Role.ADMIN)]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        scopes = serializers.ListField(
            child=serializers.ChoiceField(choices=Scope.choices), allow_empty=False, max_length=10
        )
        dealer = serializers.SlugRelatedField(
            slug_field="code", queryset=Dealer.objects.all(), required=False, allow_null=True
        )
        allowed_ips = serializers.ListField(
            child=serializers.CharField(max_length=50), required=False, default=list, max_length=50
        )
        rate_limit = serializers.IntegerField(
            min_value=1, max_value=services.MAX_RATE, required=False, default=60
        )

    @extend_schema(responses={200: paginated(KeySerializer)}, operation_id="partner_keys_list")
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.key_list(request.user), request, view=self)
        return paginator.get_paginated_response(KeySerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: KeyCreatedSerializer},
        operation_id="partner_keys_create",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key, raw = services.key_create(actor=request.user, **data.validated_data)
        key.key = raw  # shown in this answer only
        return Response(KeyCreatedSerializer(key).data, status=status.HTTP_201_CREATED)


class PartnerKeyDetailApi(APIView):
    """``DELETE``: revoke the key (204); it answers 403 ``api_key_revoked`` from then on."""

    permission_classes = [has_role(Role.ADMIN)]

    @extend_schema(responses={204: None}, operation_id="partner_keys_revoke")
    def delete(self, request, key_id: int):
        key = selectors.key_get(request.user, key_id=key_id)
        if key is None:
            raise NotFound()
        services.key_revoke(actor=request.user, key=key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.IntegerField(source="key_id")
    key_name = serializers.CharField(source="key.name")
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        help_text="Signs every delivery (X-Aftersales-Signature): shown in this answer only."
    )


class WebhookListApi(APIView):
    """``GET``: the webhooks (administrators: all; a key: its own). ``POST``: register one
    (201, with ``id`` and ``secret``); an administrator names the ``key``, a key registers
    its own."""

    permission_classes = [AdminOrKey]

    class InputSerializer(serializers.Serializer):
        url = serializers.CharField(max_length=services.MAX_URL_LENGTH)
        events = serializers.ListField(
            child=serializers.ChoiceField(choices=Event.choices), allow_empty=False, max_length=10
        )
        key = serializers.IntegerField(
            required=False,
            allow_null=True,
            min_value=1,
            max_value=2**31 - 1,
            help_text="The API key's id (administrators; a key registers its own).",
        )

    @extend_schema(responses={200: paginated(WebhookSerializer)}, operation_id="webhooks_list")
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.webhook_list(request.user), request, view=self)
        return paginator.get_paginated_response(WebhookSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: WebhookCreatedSerializer},
        operation_id="webhooks_create",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        key = None
        if not is_partner(request.user) and v.get("key") is not None:
            key = selectors.key_get(request.user, key_id=v["key"])
            if key is None:
                raise InvalidInput(fields={"key": [str(NotFound.default_message)]})
        webhook = services.webhook_create(
            actor=request.user, key=key, url=v["url"], events=v["events"]
        )
        return Response(WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)


class WebhookDetailApi(APIView):
    """``DELETE``: switch the webhook off (204); deliveries still waiting are cancelled."""

    permission_classes = [AdminOrKey]

    @extend_schema(responses={204: None}, operation_id="webhooks_delete")
    def delete(self, request, webhook_id: int):
        webhook = selectors.webhook_get(request.user, webhook_id=webhook_id)
        if webhook is None:
            raise NotFound()
        services.webhook_deactivate(actor=request.user, webhook=webhook)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    attempted_at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    webhook = serializers.IntegerField(source="webhook_id")
    event = serializers.CharField()
    event_id = serializers.UUIDField()
    delivery_id = serializers.UUIDField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    resent_from = serializers.IntegerField(source="resent_from_id", allow_null=True)
    attempt_log = AttemptSerializer(many=True)


class WebhookDeliveriesApi(APIView):
    """The deliveries of the caller's webhooks, newest first, each with every attempt
    (status code, error, duration); ``?webhook=<id>&status=<status>``."""

    permission_classes = [AdminOrKey]

    class FilterSerializer(serializers.Serializer):
        webhook = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
        status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices, required=False)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: paginated(WebhookDeliverySerializer)},
        operation_id="webhooks_deliveries",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        deliveries = selectors.delivery_list(request.user)
        if filters.validated_data.get("webhook"):
            deliveries = deliveries.filter(webhook_id=filters.validated_data["webhook"])
        if filters.validated_data.get("status"):
            deliveries = deliveries.filter(status=filters.validated_data["status"])
        paginator = Pagination()
        page = paginator.paginate_queryset(deliveries, request, view=self)
        return paginator.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


class WebhookResendApi(APIView):
    """Send a delivery's event again, as a new delivery (201): a new
    ``X-Aftersales-Delivery``, the same body and event ``id``. **409** ``webhook_inactive``
    when the webhook is off or its key revoked."""

    permission_classes = [AdminOrKey]

    @extend_schema(
        request=None,
        responses={201: WebhookDeliverySerializer},
        parameters=[OpenApiParameter("delivery_id", int, OpenApiParameter.PATH)],
        operation_id="webhooks_delivery_resend",
    )
    def post(self, request, delivery_id: int):
        delivery = selectors.delivery_get(request.user, delivery_id=delivery_id)
        if delivery is None:
            raise NotFound()
        again = services.delivery_resend(actor=request.user, delivery=delivery)
        again = selectors.delivery_get(request.user, delivery_id=again.pk)
        return Response(WebhookDeliverySerializer(again).data, status=status.HTTP_201_CREATED)
