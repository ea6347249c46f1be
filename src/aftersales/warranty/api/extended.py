"""Extended warranties over the API (S14 五、2, issue 18 B2): the plans on sale, selling one
on a unit, the register of contracts with their claims, and the revenue by month. The same
services as the pages (``services.extended``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.catalog.models import SerialNumber
from aftersales.core.api import Pagination, flatten_fields
from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.schema import paginated
from aftersales.sales.models import Order

from ..models import ExtendedWarrantyPlan
from ..permissions import can_sell_extended, can_view_extended
from ..services import extended as service


class ExtendedPlanSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    months = serializers.IntegerField()
    covers_parts = serializers.BooleanField()
    covers_labour = serializers.BooleanField()
    exclusions = serializers.ListField(child=serializers.CharField(), source="excluded_parts")
    transferable = serializers.BooleanField()
    sale_window_days = serializers.IntegerField()
    category = serializers.CharField(source="category.code", default=None)
    active = serializers.BooleanField()


class ExtendedContractSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    plan = serializers.CharField(source="plan.code")
    plan_name = serializers.CharField(source="terms.name")
    months = serializers.IntegerField(source="terms.months")
    covers_parts = serializers.BooleanField(source="terms.parts")
    covers_labour = serializers.BooleanField(source="terms.labour")
    exclusions = serializers.ListField(child=serializers.CharField(), source="terms.exclusions")
    serial_no = serializers.CharField(source="serial.serial")
    product_sku = serializers.CharField(source="serial.product.sku")
    customer = serializers.CharField(source="customer.name")
    order_no = serializers.CharField(source="order.number", default=None)
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    sold_on = serializers.DateField()
    starts_on = serializers.SerializerMethodField()
    ends_on = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()

    def _period(self, contract):
        cache = self.context.setdefault("periods", {})
        if contract.pk not in cache:
            cache[contract.pk] = service.contract_period(contract)
        return cache[contract.pk]

    def get_starts_on(self, contract) -> str | None:
        day = self._period(contract).starts_on
        return day.isoformat() if day else None

    def get_ends_on(self, contract) -> str | None:
        day = self._period(contract).ends_on
        return day.isoformat() if day else None

    def get_claims(self, contract) -> list[str]:
        return [a.number for a in contract.claims.all()]


class ExtendedRevenueMonthSerializer(serializers.Serializer):
    month = serializers.CharField()
    sold = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    claims = serializers.IntegerField()


class PlanListApi(APIView):
    """``GET``: the plans on sale (``product`` = a SKU: those that fit it)."""

    @extend_schema(
        parameters=[OpenApiParameter("product", str, description="SKU: the plans for it")],
        responses={200: ExtendedPlanSerializer(many=True)},
        operation_id="warranty_extended_plans",
    )
    def get(self, request):
        if not (can_view_extended(request.user) or can_sell_extended(request.user)):
            raise PermissionDenied()
        product = None
        sku = request.query_params.get("product", "").strip()
        if sku:
            from aftersales.catalog.models import Product

            product = Product.objects.filter(sku=sku).first()
            if product is None:
                raise InvalidInput(fields={"product": [_("There is no product with this SKU.")]})
        return Response(ExtendedPlanSerializer(service.plans_on_sale(product), many=True).data)


class ContractListApi(APIView):
    """``GET``: contracts the reader may see (``status``, ``q``), newest first. ``POST``: sell
    a plan on a unit: ``serial_no``, ``plan`` (code), ``order_no`` (sold with the unit's own
    order), ``price`` (blank: the plan's)."""

    class InputSerializer(serializers.Serializer):
        serial_no = serializers.CharField(max_length=60)
        plan = serializers.CharField(max_length=40)
        order_no = serializers.CharField(required=False, allow_blank=True, default="")
        price = serializers.DecimalField(
            max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["active", "cancelled"]),
            OpenApiParameter("q", str, description="contract or serial number, customer"),
        ],
        responses={200: paginated(ExtendedContractSerializer)},
        operation_id="warranty_extended_list",
    )
    def get(self, request):
        if not can_view_extended(request.user):
            raise PermissionDenied()
        rows = service.extended_list_for_user(
            request.user,
            q=request.query_params.get("q", ""),
            status=request.query_params.get("status", ""),
        ).prefetch_related("claims")
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(ExtendedContractSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: ExtendedContractSerializer},
        operation_id="warranty_extended_sell",
    )
    def post(self, request):
        if not can_sell_extended(request.user):
            raise PermissionDenied()
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        v = data.validated_data
        errors = {}
        serial = SerialNumber.objects.filter(serial=v["serial_no"].strip().upper()).first()
        if serial is None:
            errors["serial_no"] = [_("There is no such serial number.")]
        plan = ExtendedWarrantyPlan.objects.filter(code=v["plan"].strip()).first()
        if plan is None:
            errors["plan"] = [_("There is no plan with this code.")]
        order = None
        if v["order_no"].strip():
            order = Order.objects.filter(number=v["order_no"].strip()).first()
            if order is None:
                errors["order_no"] = [_("There is no such order.")]
        if errors:
            raise InvalidInput(fields=errors)
        contract = service.extended_warranty_sell(
            actor=request.user, serial=serial, plan=plan, order=order, price=v["price"]
        )
        return Response(ExtendedContractSerializer(contract).data, status=status.HTTP_201_CREATED)


class ContractDetailApi(APIView):
    @extend_schema(
        responses={200: ExtendedContractSerializer}, operation_id="warranty_extended_detail"
    )
    def get(self, request, number: str):
        if not can_view_extended(request.user):
            raise PermissionDenied()
        contract = service.extended_get_for_user(request.user, number=number)
        return Response(ExtendedContractSerializer(contract).data)


class RevenueApi(APIView):
    """``GET``: contracts sold, cancelled, revenue and claims by the month of sale
    (``year`` optional)."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={200: ExtendedRevenueMonthSerializer(many=True)},
        operation_id="warranty_extended_revenue",
    )
    def get(self, request):
        if not can_view_extended(request.user):
            raise PermissionDenied()
        raw = request.query_params.get("year", "").strip()
        year = None
        if raw:
            if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
                raise InvalidInput(fields={"year": [_("Give a year such as 2026.")]})
            year = int(raw)
        rows = service.extended_revenue_by_month(request.user, year=year)
        return Response(ExtendedRevenueMonthSerializer(rows, many=True).data)
