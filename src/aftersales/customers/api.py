"""Customers and dealers API. Every read goes through the scoped selectors; phones are masked
for roles without need-to-know (reveal with POST .../reveal-phone/, which is recorded)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.api import Pagination
from aftersales.core.schema import paginated

from . import selectors, services
from .masking import phone_for, sees_full_phones
from .models import Customer, CustomerFileEntry, Dealer
from .validators import LANDLINE_RE, MOBILE_RE


class DealerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField()


class CustomerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    mobile = serializers.SerializerMethodField()
    mobile_alt = serializers.SerializerMethodField()
    landline = serializers.SerializerMethodField()
    phones_masked = serializers.SerializerMethodField()
    email = serializers.CharField()
    province = serializers.CharField()
    city = serializers.CharField()
    district = serializers.CharField()
    street = serializers.CharField()
    tags = serializers.ListField(source="tag_list", child=serializers.CharField())
    level = serializers.CharField()
    dealer = DealerSerializer(allow_null=True)
    credit_code = serializers.CharField()
    notes = serializers.CharField()
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)
    version = serializers.IntegerField()

    def _phone(self, c, value: str) -> str:
        return phone_for(self.context.get("reader"), value, customer=c)

    def get_mobile(self, c) -> str:
        return self._phone(c, c.mobile)

    def get_mobile_alt(self, c) -> str:
        return self._phone(c, c.mobile_alt)

    def get_landline(self, c) -> str:
        return self._phone(c, c.landline)

    def get_phones_masked(self, c) -> bool:
        return not sees_full_phones(self.context.get("reader"), customer=c)


@extend_schema_field({"type": "string", "pattern": f"^({MOBILE_RE.pattern[1:-1]})?$"})
class MobileField(serializers.CharField):
    """A mainland mobile number (13812345678), or blank; spaces and +86 are read too."""


@extend_schema_field({"type": "string", "pattern": f"^({LANDLINE_RE.pattern[1:-1]})?$"})
class LandlineField(serializers.CharField):
    """A landline with its area code (010-12345678), or blank."""


class CustomerInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Customer.Kind.choices, required=False)
    name = serializers.CharField(max_length=120)
    mobile = MobileField(max_length=20, required=False, allow_blank=True)
    mobile_alt = MobileField(max_length=20, required=False, allow_blank=True)
    landline = LandlineField(max_length=24, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    province = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=30, required=False, allow_blank=True)
    district = serializers.CharField(max_length=30, required=False, allow_blank=True)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    tags = serializers.CharField(max_length=200, required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=Customer.Level.choices, required=False)
    dealer = serializers.SlugRelatedField(
        slug_field="code", queryset=Dealer.objects.all(), required=False, allow_null=True
    )
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


def _out(request, customer, **extra) -> dict:
    data = CustomerOutputSerializer(customer, context={"reader": request.user}).data
    data.update(extra)
    return data


class CustomerListCreateApi(APIView):
    """Customers the caller may see. ``q`` matches a name prefix, a phone prefix or its last
    digits, or a credit code. Creating answers 201 with ``duplicates``: ids of customers that
    share the mobile or credit code (flagged, not refused)."""

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True)
        level = serializers.ChoiceField(choices=Customer.Level.choices, required=False)
        kind = serializers.ChoiceField(choices=Customer.Kind.choices, required=False)
        dealer = serializers.CharField(required=False)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: paginated(CustomerOutputSerializer)}
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        customers = selectors.customer_list_for_user(request.user, **filters.validated_data)
        paginator = Pagination()
        page = paginator.paginate_queryset(customers, request, view=self)
        context = {"reader": request.user}
        return paginator.get_paginated_response(
            CustomerOutputSerializer(page, many=True, context=context).data
        )

    @extend_schema(request=CustomerInputSerializer, responses={201: CustomerOutputSerializer})
    def post(self, request):
        data = CustomerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer, duplicates = services.customer_create(
            actor=request.user, data=data.validated_data
        )
        return Response(
            _out(request, customer, duplicates=[d.pk for d in duplicates]),
            status=status.HTTP_201_CREATED,
        )


class CustomerDetailApi(APIView):
    class PatchSerializer(CustomerInputSerializer):
        name = serializers.CharField(max_length=120, required=False)
        version = serializers.IntegerField(required=False)

    @extend_schema(responses={200: CustomerOutputSerializer})
    def get(self, request, customer_id: int):
        customer = selectors.customer_get_for_user(request.user, customer_id=customer_id)
        return Response(_out(request, customer))

    @extend_schema(request=PatchSerializer, responses={200: CustomerOutputSerializer})
    def patch(self, request, customer_id: int):
        customer = services.customer_for_update(request.user, customer_id)
        data = self.PatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version", None)
        customer = services.customer_update(
            actor=request.user, customer=customer, data=values, expected_version=version
        )
        return Response(_out(request, customer))


class CustomerRevealPhoneApi(APIView):
    """The full number; recorded when the caller's role normally sees it masked."""

    class InputSerializer(serializers.Serializer):
        field = serializers.ChoiceField(
            choices=["mobile", "mobile_alt", "landline"], default="mobile"
        )

    class OutputSerializer(serializers.Serializer):
        field = serializers.CharField()
        value = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request, customer_id: int):
        customer = selectors.customer_get_for_user(request.user, customer_id=customer_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        field = data.validated_data["field"]
        value = services.customer_reveal_phone(actor=request.user, customer=customer, field=field)
        return Response({"field": field, "value": value})


class CustomerMergeApi(APIView):
    """Merge this customer into ``into``; answers with the customer merged into."""

    class InputSerializer(serializers.Serializer):
        into = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={200: CustomerOutputSerializer})
    def post(self, request, customer_id: int):
        source = services.customer_for_update(request.user, customer_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = services.customer_for_update(request.user, data.validated_data["into"])
        target = services.customer_merge(actor=request.user, source=source, target=target)
        return Response(_out(request, target))


class CustomerFileApi(APIView):
    """Add an entry to the customer file (need, feedback or contact)."""

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=CustomerFileEntry.Kind.choices)
        content = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        content = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, customer_id: int):
        customer = services.customer_for_update(request.user, customer_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.customer_file_add(
            actor=request.user, customer=customer, **data.validated_data
        )
        return Response(self.OutputSerializer(entry).data, status=status.HTTP_201_CREATED)


class DealerListApi(APIView):
    @extend_schema(responses={200: DealerSerializer(many=True)})
    def get(self, request):
        from .permissions import dealer_of, is_dealer_user

        dealers = selectors.dealer_list()
        if is_dealer_user(request.user):
            own = dealer_of(request.user)
            dealers = dealers.filter(pk=own.pk if own else None)
        return Response(DealerSerializer(dealers, many=True).data)
