"""Spare parts and stock over the API (WAR-15): the same services as the pages. Parts are
addressed by part number, locations by code, work orders by number."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.api import Pagination, flatten_fields
from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied
from aftersales.core.schema import paginated
from aftersales.core.timeline import actor_name
from aftersales.customers.models import Customer

from ..models import SparePart, WorkOrder
from ..permissions import can_view_work_orders, can_work_on, dealer_scope
from ..services import parts as services

MONEY = {"max_digits": 12, "decimal_places": 2}


class StockLocationSerializer(serializers.Serializer):
    code = serializers.CharField(source="location.code")
    name = serializers.CharField(source="location.name")
    kind = serializers.CharField(source="location.kind")
    quantity = serializers.IntegerField()


class StockMoveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    part_no = serializers.CharField(source="part.part_no")
    reason = serializers.CharField()
    quantity = serializers.IntegerField()
    from_location = serializers.CharField(source="from_location.code", default=None)
    to_location = serializers.CharField(source="to_location.code", default=None)
    work_order = serializers.CharField(source="work_order.number", default=None)
    reference = serializers.CharField()
    actor = serializers.SerializerMethodField()
    at = serializers.DateTimeField()

    def get_actor(self, move) -> str:
        return actor_name(move.actor)


class PartSerializer(serializers.Serializer):
    part_no = serializers.CharField()
    name = serializers.CharField()
    price = serializers.DecimalField(**MONEY)
    cost = serializers.DecimalField(**MONEY)
    warranty_months = serializers.IntegerField()
    reorder_point = serializers.IntegerField()
    unit = serializers.CharField()
    active = serializers.BooleanField()
    total_stock = serializers.IntegerField()
    on_shelf = serializers.IntegerField()
    version = serializers.IntegerField()


class PartDetailSerializer(PartSerializer):
    products = serializers.SerializerMethodField()
    stock = serializers.SerializerMethodField()

    def get_products(self, part) -> list[str]:
        return [p.sku for p in part.products.all()]

    def get_stock(self, part) -> list[dict]:
        return StockLocationSerializer(services.part_stock(part), many=True).data


class PartSaleLineSerializer(serializers.Serializer):
    part_no = serializers.CharField()
    quantity = serializers.IntegerField()


class PartSoldLineSerializer(serializers.Serializer):
    part_no = serializers.CharField(source="part.part_no")
    name = serializers.CharField(source="part.name")
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(**MONEY)


def _viewer(request) -> None:
    if not services.can_view_parts(request.user):
        raise PermissionDenied()  # a role without parts: 403 (docs/api.md)


def _part(part_no: str) -> SparePart:
    part = services.part_get(part_no)
    if part is None:
        raise NotFound()
    return part


def _location(code: str, field: str):
    location = services.location_get(code)
    if location is None:
        raise InvalidInput(fields={field: [_("There is no stock location %(c)s.") % {"c": code}]})
    return location


def _valid(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    if not data.is_valid():
        raise InvalidInput(fields=flatten_fields(data.errors))
    return data.validated_data


def _detail(part_no: str) -> dict:
    return PartDetailSerializer(_part(part_no)).data


class PartListApi(APIView):
    """``GET``: active parts with their stock (``q``: part number, name or the SKU of a product
    it fits). ``POST``: a new part (the warehouse and the after-sales department)."""

    class InputSerializer(serializers.Serializer):
        part_no = serializers.CharField(max_length=40)
        name = serializers.CharField(max_length=120)
        price = serializers.DecimalField(**MONEY)
        cost = serializers.DecimalField(**MONEY, required=False, default=0)
        warranty_months = serializers.IntegerField(required=False, default=3)
        reorder_point = serializers.IntegerField(required=False, default=0)
        unit = serializers.CharField(max_length=10, required=False, default="个")
        products = serializers.ListField(
            child=serializers.CharField(), required=False, default=list
        )

    @extend_schema(
        parameters=[OpenApiParameter("q", str)],
        responses={200: paginated(PartSerializer)},
        operation_id="parts_list",
    )
    def get(self, request):
        _viewer(request)
        paginator = Pagination()
        page = paginator.paginate_queryset(
            services.part_list(q=request.query_params.get("q", "")), request, view=self
        )
        return paginator.get_paginated_response(PartSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: PartDetailSerializer},
        operation_id="parts_create",
    )
    def post(self, request):
        _viewer(request)
        v = _valid(self.InputSerializer, request)
        products = services.products_by_sku(v.pop("products"))
        part = services.part_save(actor=request.user, products=products, **v)
        return Response(_detail(part.part_no), status=status.HTTP_201_CREATED)


class PartDetailApi(APIView):
    @extend_schema(responses={200: PartDetailSerializer}, operation_id="parts_detail")
    def get(self, request, part_no: str):
        _viewer(request)
        return Response(_detail(part_no))


class StockReceiveApi(APIView):
    """Parts received from the supplier into a location."""

    class InputSerializer(serializers.Serializer):
        location = serializers.CharField(help_text="The location's code.")
        quantity = serializers.IntegerField()
        reference = serializers.CharField(
            max_length=60, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: StockMoveSerializer},
        operation_id="parts_stock_receive",
    )
    def post(self, request, part_no: str):
        _viewer(request)
        part = _part(part_no)
        v = _valid(self.InputSerializer, request)
        move = services.stock_receive(
            actor=request.user,
            part=part,
            location=_location(v["location"], "location"),
            quantity=v["quantity"],
            reference=v["reference"],
        )
        return Response(StockMoveSerializer(move).data, status=status.HTTP_201_CREATED)


class StockTransferApi(APIView):
    """Parts moved between locations (e.g. into a technician's van); 409 ``out_of_stock`` when
    the source has too few."""

    class InputSerializer(serializers.Serializer):
        from_location = serializers.CharField()
        to_location = serializers.CharField()
        quantity = serializers.IntegerField()

    @extend_schema(
        request=InputSerializer,
        responses={201: StockMoveSerializer},
        operation_id="parts_stock_transfer",
    )
    def post(self, request, part_no: str):
        _viewer(request)
        part = _part(part_no)
        v = _valid(self.InputSerializer, request)
        move = services.stock_transfer(
            actor=request.user,
            part=part,
            from_location=_location(v["from_location"], "from_location"),
            to_location=_location(v["to_location"], "to_location"),
            quantity=v["quantity"],
        )
        return Response(StockMoveSerializer(move).data, status=status.HTTP_201_CREATED)


class PartAlertsApi(APIView):
    """Parts at or below their re-order point (warehouses and the repair centre)."""

    class OutputSerializer(serializers.Serializer):
        part_no = serializers.CharField()
        name = serializers.CharField()
        unit = serializers.CharField()
        on_shelf = serializers.IntegerField()
        reorder_point = serializers.IntegerField()
        shortfall = serializers.IntegerField()

    @extend_schema(responses={200: OutputSerializer(many=True)}, operation_id="parts_alerts")
    def get(self, request):
        _viewer(request)
        return Response(self.OutputSerializer(services.reorder_alerts(), many=True).data)


class PartCounterSaleApi(APIView):
    """A counter sale: the location, the lines, and the customer (by id or mobile) or the
    buyer's name. 409 ``out_of_stock`` when a line cannot be served."""

    class InputSerializer(serializers.Serializer):
        location = serializers.CharField()
        lines = PartSaleLineSerializer(many=True)
        customer_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        customer_phone = serializers.CharField(required=False, allow_blank=True, default="")
        buyer = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):
        number = serializers.CharField()
        location = serializers.CharField(source="location.code")
        customer = serializers.CharField(source="customer.name", default=None)
        buyer = serializers.CharField()
        total = serializers.DecimalField(**MONEY)
        lines = PartSoldLineSerializer(many=True)
        created_at = serializers.DateTimeField()

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        operation_id="parts_counter_sale_create",
    )
    def post(self, request):
        _viewer(request)
        v = _valid(self.InputSerializer, request)
        errors: dict[str, list[str]] = {}
        lines = []
        for index, item in enumerate(v["lines"]):
            part = services.part_get(item["part_no"])
            if part is None:
                errors[f"lines[{index}].part_no"] = [_("There is no such part.")]
                continue
            lines.append((part, item["quantity"]))
        customer = None
        if v["customer_id"] is not None:
            customer = Customer.objects.filter(pk=v["customer_id"]).first()
            if customer is None:
                errors["customer_id"] = [_("There is no such customer.")]
        elif v["customer_phone"].strip():
            customer = Customer.objects.filter(mobile=v["customer_phone"].strip()).first()
            if customer is None:
                errors["customer_phone"] = [_("No customer has this mobile number.")]
        if errors:
            raise InvalidInput(fields=errors)
        sale = services.counter_sale_create(
            actor=request.user,
            location=_location(v["location"], "location"),
            lines=lines,
            customer=customer,
            buyer=v["buyer"],
        )
        sale = (
            type(sale)
            .objects.select_related("location", "customer")
            .prefetch_related("lines__part")
            .get(pk=sale.pk)
        )
        return Response(self.OutputSerializer(sale).data, status=status.HTTP_201_CREATED)


class PartConsumeApi(APIView):
    """A part used on a work order (the technician or a dispatcher): from the actor's van
    unless ``location`` names another. Free in 三包, at the part's price otherwise."""

    class InputSerializer(serializers.Serializer):
        part_no = serializers.CharField()
        quantity = serializers.IntegerField()
        location = serializers.CharField(required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        work_order = serializers.CharField(source="work_order.number")
        part_no = serializers.CharField(source="part.part_no")
        description = serializers.CharField()
        quantity = serializers.DecimalField(max_digits=8, decimal_places=2)
        unit_price = serializers.DecimalField(**MONEY)
        free = serializers.BooleanField()
        amount = serializers.DecimalField(**MONEY)
        location = serializers.CharField(source="stock_move.from_location.code")
        charge_total = serializers.DecimalField(source="work_order.charge_total", **MONEY)

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        operation_id="parts_work_order_consume",
    )
    def post(self, request, number: str):
        wo = WorkOrder.objects.filter(number=number).select_related("customer").first()
        if wo is None or not (can_work_on(request.user, wo) or can_view_work_orders(request.user)):
            raise NotFound()
        dealer = dealer_scope(request.user)
        if dealer is not None and wo.customer.dealer_id != dealer.pk:
            raise NotFound()
        v = _valid(self.InputSerializer, request)
        part = services.part_get(v["part_no"])
        if part is None:
            raise InvalidInput(fields={"part_no": [_("There is no such part.")]})
        location = _location(v["location"], "location") if v["location"] else None
        line = services.part_consume(
            actor=request.user, work_order=wo, part=part, quantity=v["quantity"], location=location
        )
        return Response(self.OutputSerializer(line).data, status=status.HTTP_201_CREATED)
