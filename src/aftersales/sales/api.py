"""Sales API: every step from draft to closed, shipping, delivery, acceptance and tracking."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.catalog.models import Batch, Product
from aftersales.core.api import Pagination
from aftersales.core.errors import InvalidInput, NotFound
from aftersales.core.schema import error_response, paginated
from aftersales.core.throttling import ScopedRateThrottle
from aftersales.customers.selectors import customer_get_for_user

from . import selectors, services
from .models import DisputeResolution, Order, OrderLine, Shipment, ShipmentLine


class LineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = serializers.CharField(source="product.sku")
    product_name = serializers.CharField(source="product.name")
    specification = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    shipped_quantity = serializers.IntegerField()
    accepted_quantity = serializers.IntegerField()


class ShipmentLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_line = serializers.IntegerField(source="order_line_id")
    batch = serializers.CharField(source="batch.batch_no")
    quantity = serializers.IntegerField()
    serials = serializers.SlugRelatedField(slug_field="serial", many=True, read_only=True)
    accepted_quantity = serializers.IntegerField(allow_null=True)
    problem = serializers.CharField()
    problem_label = serializers.CharField(source="get_problem_display")
    case_number = serializers.CharField()


class ShipmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    order = serializers.CharField(source="order.number")
    status = serializers.CharField()
    shipped_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    deliverer = serializers.CharField()
    carrier = serializers.CharField()
    documents = serializers.ListField(child=serializers.CharField())
    lines = ShipmentLineOutputSerializer(many=True)


class ResolutionOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DisputeResolution.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    quantity = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    reship = serializers.CharField(source="reship.number", allow_null=True, default=None)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class DisputeOutputSerializer(serializers.Serializer):
    """A delivery line with a problem at acceptance and what became of it (SAL-8)."""

    shipment_line = serializers.IntegerField(source="id")
    shipment = serializers.CharField(source="shipment.number")
    order_line = serializers.IntegerField(source="order_line_id")
    product = serializers.CharField(source="order_line.product.sku")
    problem = serializers.CharField()
    problem_label = serializers.CharField(source="get_problem_display")
    problem_note = serializers.CharField()
    quantity = serializers.IntegerField()
    accepted_quantity = serializers.IntegerField()
    settled = serializers.IntegerField()
    open = serializers.IntegerField(source="open_units")
    case_number = serializers.CharField()
    resolutions = ResolutionOutputSerializer(many=True, source="resolutions.all")


class OrderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    customer = serializers.IntegerField(source="customer_id")
    customer_name = serializers.CharField(source="customer.name")
    dealer = serializers.CharField(source="dealer.code", allow_null=True, default=None)
    salesperson = serializers.CharField(source="salesperson.username")
    channel = serializers.CharField()
    contract_number = serializers.CharField()
    signed_on = serializers.DateField(allow_null=True)
    delivery_date = serializers.DateField()
    delivery_place = serializers.CharField()
    delivery_method = serializers.CharField()
    delivery_terms = serializers.CharField()
    payment_terms = serializers.CharField()
    quality_standard = serializers.CharField()
    warranty_months = serializers.IntegerField(allow_null=True)
    return_terms = serializers.CharField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    needs_approval = serializers.BooleanField()
    decision_reason = serializers.CharField()
    version = serializers.IntegerField()
    lines = LineOutputSerializer(many=True)
    disputes = DisputeOutputSerializer(many=True)


class OrderSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    customer_name = serializers.CharField(source="customer.name")
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    delivery_date = serializers.DateField()
    created_at = serializers.DateTimeField()


class LineInputSerializer(serializers.Serializer):
    product = serializers.SlugRelatedField(slug_field="sku", queryset=Product.objects.all())
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    specification = serializers.CharField(max_length=200, required=False, allow_blank=True)
    requested_batch = serializers.PrimaryKeyRelatedField(
        queryset=Batch.objects.all(), required=False, allow_null=True
    )


def _order_out(order: Order) -> dict:
    fresh = (
        Order.objects.prefetch_related("lines__product")
        .select_related("customer", "dealer", "salesperson")
        .get(pk=order.pk)
    )
    fresh.disputes = selectors.dispute_lines(fresh)
    return OrderOutputSerializer(fresh).data


class OrderListCreateApi(APIView):
    """Orders in the caller's scope; create a draft with its lines."""

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True)
        status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
        customer_id = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)

    class InputSerializer(serializers.Serializer):
        customer = serializers.IntegerField()
        channel = serializers.ChoiceField(choices=Order.Channel.choices, required=False)
        delivery_date = serializers.DateField()
        delivery_place = serializers.CharField(max_length=200)
        delivery_method = serializers.ChoiceField(
            choices=Order.DeliveryMethod.choices, required=False
        )
        contact_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
        contact_phone = serializers.CharField(max_length=24, required=False, allow_blank=True)
        quality_standard = serializers.CharField(max_length=200, required=False, allow_blank=True)
        warranty_months = serializers.IntegerField(
            min_value=0, max_value=120, required=False, allow_null=True
        )
        return_terms = serializers.CharField(max_length=200, required=False, allow_blank=True)
        contract_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
        signed_on = serializers.DateField(required=False, allow_null=True)
        payment_terms = serializers.CharField(max_length=200, required=False, allow_blank=True)
        delivery_terms = serializers.CharField(max_length=200, required=False, allow_blank=True)
        notes = serializers.CharField(required=False, allow_blank=True)
        lines = LineInputSerializer(many=True)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: paginated(OrderSummarySerializer)}
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        orders = selectors.order_list_for_user(request.user, **filters.validated_data)
        paginator = Pagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(OrderSummarySerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OrderOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            customer = customer_get_for_user(request.user, customer_id=values.pop("customer"))
        except NotFound:
            raise InvalidInput(fields={"customer": [_("No such customer.")]}) from None
        lines = [services.LineInput(**line) for line in values.pop("lines")]
        order = services.order_create(actor=request.user, customer=customer, lines=lines, **values)
        return Response(_order_out(order), status=status.HTTP_201_CREATED)


class OrderDetailApi(APIView):
    class PatchSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(choices=Order.Channel.choices, required=False)
        delivery_date = serializers.DateField(required=False)
        delivery_place = serializers.CharField(max_length=200, required=False)
        delivery_method = serializers.ChoiceField(
            choices=Order.DeliveryMethod.choices, required=False
        )
        contact_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
        contact_phone = serializers.CharField(max_length=24, required=False, allow_blank=True)
        quality_standard = serializers.CharField(max_length=200, required=False, allow_blank=True)
        warranty_months = serializers.IntegerField(
            min_value=0, max_value=120, required=False, allow_null=True
        )
        return_terms = serializers.CharField(max_length=200, required=False, allow_blank=True)
        contract_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
        signed_on = serializers.DateField(required=False, allow_null=True)
        payment_terms = serializers.CharField(max_length=200, required=False, allow_blank=True)
        delivery_terms = serializers.CharField(max_length=200, required=False, allow_blank=True)
        notes = serializers.CharField(required=False, allow_blank=True)
        lines = LineInputSerializer(many=True, required=False)
        version = serializers.IntegerField(required=False)

    @extend_schema(responses={200: OrderOutputSerializer})
    def get(self, request, order_id: int):
        order = selectors.order_get_for_user(request.user, order_id=order_id)
        return Response(_order_out(order))

    @extend_schema(request=PatchSerializer, responses={200: OrderOutputSerializer})
    def patch(self, request, order_id: int):
        """Change a draft (409 ``not_draft`` otherwise); ``lines`` replaces all lines."""
        order = selectors.order_get_for_user(request.user, order_id=order_id)
        data = self.PatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        lines = values.pop("lines", None)
        order = services.order_update(
            actor=request.user,
            order=order,
            expected_version=values.pop("version", None),
            lines=[services.LineInput(**line) for line in lines] if lines is not None else None,
            **values,
        )
        return Response(_order_out(order))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


def _step(name: str, call, doc: str):
    """One POST endpoint per workflow step: /orders/{id}/<step>/ answering the order."""

    class StepApi(APIView):
        __doc__ = doc

        @extend_schema(
            request=ReasonSerializer,
            responses={200: OrderOutputSerializer},
            operation_id=f"orders_{name.replace('-', '_')}",
        )
        def post(self, request, order_id: int):
            order = selectors.order_get_for_user(request.user, order_id=order_id)
            data = ReasonSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            call(request.user, order, data.validated_data)
            return Response(_order_out(order))

    StepApi.__name__ = f"Order{name.title().replace('-', '')}Api"
    return StepApi


OrderSubmitApi = _step(
    "submit",
    lambda u, o, d: services.order_submit(actor=u, order=o, expected_version=d.get("version")),
    "Submit for approval; small orders on standard terms are approved at once.",
)


class OrderApproveApi(APIView):
    """The sales vice-president approves (not the submitter), with an optional comment
    (``note``, up to 300 characters; ``reason`` is read too) that is kept on the order
    (``decision_reason``) and its timeline."""

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, max_length=300)
        reason = serializers.CharField(required=False, allow_blank=True, max_length=300)

    @extend_schema(
        request=InputSerializer,
        responses={200: OrderOutputSerializer},
        operation_id="orders_approve",
    )
    def post(self, request, order_id: int):
        order = selectors.order_get_for_user(request.user, order_id=order_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        note = values.get("note") or values.get("reason") or ""
        services.order_approve(actor=request.user, order=order, note=note)
        return Response(_order_out(order))


OrderRejectApi = _step(
    "reject",
    lambda u, o, d: services.order_reject(actor=u, order=o, reason=d["reason"]),
    "The sales vice-president rejects, with a reason.",
)
OrderReworkApi = _step(
    "rework",
    lambda u, o, d: services.order_rework(actor=u, order=o),
    "A rejected order goes back to draft.",
)
OrderCancelApi = _step(
    "cancel",
    lambda u, o, d: services.order_cancel(actor=u, order=o, reason=d["reason"]),
    "Cancel with a reason, before anything shipped.",
)
OrderStartFulfilmentApi = _step(
    "start-fulfilment",
    lambda u, o, d: services.order_start_fulfilment(actor=u, order=o),
    "The warehouse takes the order into fulfilment.",
)
OrderCloseApi = _step(
    "close",
    lambda u, o, d: services.order_close(actor=u, order=o, note=d["reason"]),
    "Close an accepted order.",
)


class ShipApi(APIView):
    """Ship lines of an order from inspected batches (409 ``batch_not_released`` otherwise)."""

    class LineSerializer(serializers.Serializer):
        order_line = serializers.IntegerField()
        batch = serializers.PrimaryKeyRelatedField(queryset=Batch.objects.all())
        quantity = serializers.IntegerField(min_value=1)
        serials = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False, max_length=10_000
        )

    class InputSerializer(serializers.Serializer):
        lines = serializers.ListField(child=serializers.DictField())
        documents = serializers.ListField(child=serializers.CharField(), required=False)
        planned_at = serializers.DateTimeField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses={201: ShipmentOutputSerializer})
    def post(self, request, order_id: int):
        order = selectors.order_get_for_user(request.user, order_id=order_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = []
        for index, raw in enumerate(data.validated_data["lines"]):
            line = self.LineSerializer(data=raw)
            if not line.is_valid():
                raise _ship_line_error(index, line.errors)
            values = line.validated_data
            order_line = OrderLine.objects.filter(pk=values["order_line"], order=order).first()
            if order_line is None:
                raise InvalidInput(
                    fields={
                        f"lines[{index}].order_line": [_("This line belongs to another order.")]
                    }
                )
            # As typed or scanned: the service finds and locks them, naming any unknown one.
            serials = tuple(values.get("serials", []))
            lines.append(
                services.ShipInput(order_line, values["batch"], values["quantity"], serials)
            )
        shipment = services.shipment_create(
            actor=request.user,
            order=order,
            lines=lines,
            documents=data.validated_data.get("documents", []),
            planned_at=data.validated_data.get("planned_at"),
        )
        return Response(ShipmentOutputSerializer(shipment).data, status=status.HTTP_201_CREATED)


def _ship_line_error(index: int, errors: dict) -> InvalidInput:
    return InvalidInput(
        fields={f"lines[{index}].{k}": [str(m) for m in v] for k, v in errors.items()}
    )


class ReshipApi(APIView):
    """Send goods not accepted at delivery again (SAL-8; the warehouse): per disputed
    delivery line, the quantity (up to what is still open), a released batch and, for a
    serial-tracked product, one serial per unit. A new delivery note; the order goes back to
    ``shipped`` and on through delivery and acceptance. 409 ``no_open_dispute`` unless the
    order is ``accepted_with_issues``; 409 ``batch_not_released`` as any shipment."""

    class LineSerializer(serializers.Serializer):
        shipment_line = serializers.IntegerField()
        batch = serializers.PrimaryKeyRelatedField(queryset=Batch.objects.all())
        quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
        serials = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False, max_length=10_000
        )

    class InputSerializer(serializers.Serializer):
        lines = serializers.ListField(child=serializers.DictField(), min_length=1)
        documents = serializers.ListField(child=serializers.CharField(), required=False)
        note = serializers.CharField(required=False, allow_blank=True, max_length=300)

    @extend_schema(request=InputSerializer, responses={201: ShipmentOutputSerializer})
    def post(self, request, order_id: int):
        order = selectors.order_get_for_user(request.user, order_id=order_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = []
        for index, raw in enumerate(data.validated_data["lines"]):
            line = self.LineSerializer(data=raw)
            if not line.is_valid():
                raise _ship_line_error(index, line.errors)
            values = line.validated_data
            row = ShipmentLine.objects.filter(
                pk=values["shipment_line"], shipment__order=order
            ).first()
            if row is None:
                raise InvalidInput(
                    fields={
                        f"lines[{index}].shipment_line": [
                            _("This line belongs to another delivery.")
                        ]
                    }
                )
            lines.append(
                services.ReshipInput(
                    row, values["batch"], values["quantity"], tuple(values.get("serials", []))
                )
            )
        shipment = services.dispute_reship(
            actor=request.user,
            order=order,
            lines=lines,
            documents=data.validated_data.get("documents", []),
            note=data.validated_data.get("note", ""),
        )
        return Response(ShipmentOutputSerializer(shipment).data, status=status.HTTP_201_CREATED)


class CreditApi(APIView):
    """Return and credit goods not accepted at delivery (SAL-8; the seller): the disputed
    delivery line and how many of its open units, credited at the line's unit price. When
    nothing is left open the order becomes ``accepted``. 409 ``no_open_dispute`` unless the
    order is ``accepted_with_issues``."""

    class InputSerializer(serializers.Serializer):
        shipment_line = serializers.IntegerField()
        quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
        note = serializers.CharField(required=False, allow_blank=True, max_length=300)

    @extend_schema(request=InputSerializer, responses={200: OrderOutputSerializer})
    def post(self, request, order_id: int):
        order = selectors.order_get_for_user(request.user, order_id=order_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        row = ShipmentLine.objects.filter(pk=values["shipment_line"], shipment__order=order).first()
        if row is None:
            raise InvalidInput(
                fields={"shipment_line": [_("This line belongs to another delivery.")]}
            )
        services.dispute_credit(
            actor=request.user,
            order=order,
            shipment_line=row,
            quantity=values["quantity"],
            note=values.get("note", ""),
        )
        return Response(_order_out(order))


class DeliverApi(APIView):
    """The delivery record: time, deliverer, carrier, what was handed over."""

    class InputSerializer(serializers.Serializer):
        delivered_at = serializers.DateTimeField(required=False)
        deliverer = serializers.CharField(max_length=60, required=False, allow_blank=True)
        carrier = serializers.CharField(max_length=100, required=False, allow_blank=True)
        handed_over = serializers.CharField(max_length=300, required=False, allow_blank=True)
        place = serializers.CharField(max_length=200, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: ShipmentOutputSerializer})
    def post(self, request, shipment_id: int):
        shipment = selectors.shipment_get_for_user(request.user, shipment_id=shipment_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shipment = services.shipment_deliver(
            actor=request.user, shipment=shipment, **data.validated_data
        )
        return Response(ShipmentOutputSerializer(shipment).data)


class AcceptApi(APIView):
    """The customer's check: accepted quantity per line; damage, shortage or wrong
    specification opens an after-sales case."""

    class LineSerializer(serializers.Serializer):
        shipment_line = serializers.IntegerField()
        accepted_quantity = serializers.IntegerField(min_value=0)
        problem = serializers.ChoiceField(
            choices=["", "damage", "shortage", "wrong_specification"], required=False, default=""
        )
        note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    class InputSerializer(serializers.Serializer):
        lines = serializers.ListField(child=serializers.DictField())
        carrier_claim_ref = serializers.CharField(
            max_length=60, required=False, allow_blank=True, default=""
        )
        carrier_claim_amount = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
        )

    @extend_schema(request=InputSerializer, responses={200: ShipmentOutputSerializer})
    def post(self, request, shipment_id: int):
        shipment = selectors.shipment_get_for_user(request.user, shipment_id=shipment_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = []
        for index, raw in enumerate(data.validated_data["lines"]):
            line = self.LineSerializer(data=raw)
            if not line.is_valid():
                raise InvalidInput(
                    fields={
                        f"lines[{index}].{k}": [str(m) for m in v] for k, v in line.errors.items()
                    }
                )
            values = line.validated_data
            row = ShipmentLine.objects.filter(pk=values["shipment_line"], shipment=shipment).first()
            if row is None:
                raise InvalidInput(
                    fields={
                        f"lines[{index}].shipment_line": [
                            _("This line belongs to another delivery.")
                        ]
                    }
                )
            lines.append(
                services.AcceptInput(
                    row, values["accepted_quantity"], values["problem"], values["note"]
                )
            )
        shipment = services.shipment_accept(
            actor=request.user,
            shipment=shipment,
            lines=lines,
            carrier_claim_ref=data.validated_data["carrier_claim_ref"],
            carrier_claim_amount=data.validated_data["carrier_claim_amount"],
        )
        return Response(ShipmentOutputSerializer(Shipment.objects.get(pk=shipment.pk)).data)


class TrackApi(APIView):
    """Public order tracking: the order number and the last four digits of the phone give the
    status and delivery progress, nothing else. Rate-limited."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    # Per address (the trusted client address, core.clientip), and per number in the lookup.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "track"

    class OutputSerializer(serializers.Serializer):
        number = serializers.CharField()
        status = serializers.CharField()
        status_label = serializers.CharField()
        delivery_date = serializers.DateField()
        shipments = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        parameters=[
            OpenApiParameter("number", str, required=True),
            OpenApiParameter("phone", str, required=True, description="last 4 digits"),
        ],
        responses={200: OutputSerializer, 404: error_response(404)},
        auth=[],
    )
    def get(self, request):
        order = services.order_track_lookup(
            number=request.query_params.get("number", ""),
            phone_tail=request.query_params.get("phone", ""),
        )
        if order is None:
            raise NotFound(_("No order matches this number and phone."))
        return Response(tracking_view(order))


def tracking_view(order: Order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "status_label": str(order.get_status_display()),
        "delivery_date": order.delivery_date,
        "shipments": [
            {
                "number": s.number,
                "status": s.status,
                "shipped_at": s.shipped_at,
                "delivered_at": s.delivered_at,
            }
            for s in order.shipments.all()
        ],
    }
