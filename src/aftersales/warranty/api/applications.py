"""Return, exchange and repair applications over the API: the same service layer as the
pages. ``POST …/applications/`` takes one in (from a case with ``case``, or with the facts);
``POST …/applications/{number}/{step}/`` moves it one step of the table."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.catalog.models import Product, SerialNumber
from aftersales.core.api import Pagination, flatten_fields, query_flag
from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied
from aftersales.core.input_guard import GuardedJSONParser
from aftersales.core.schema import error_response, paginated
from aftersales.core.timeline import actor_name
from aftersales.customers.models import Customer
from aftersales.sales.models import Order
from aftersales.service.selectors import case_get_for_user

from .. import selectors
from ..models import Application, Payment, Remedy
from ..permissions import can_view_warranty
from ..services import applications as flow
from ..services import handling
from .engine import WarrantyAnswerSerializer

# Steps that do not move the status (issue 18 B4, B6, B7).
PLAN_STEPS = ("plan", "plan_answer", "quality_verdict")


def _replacement(sku: str):
    """The higher-specification product an exchange goes to, or None (the same product)."""
    sku = (sku or "").strip()
    if not sku:
        return None
    product = Product.objects.filter(sku=sku).first()
    if product is None:
        raise InvalidInput(fields={"replacement_sku": [_("There is no product with this SKU.")]})
    return product


class ApplicationPaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    method = serializers.ChoiceField(choices=Payment.Method.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    refund_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, read_only=True
    )
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ApplicationEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()

    def get_actor(self, event) -> str:
        return actor_name(event.actor)


class HandlingPlanSerializer(serializers.Serializer):
    """The handling plan the customer agrees to before work starts (S2; issue 18 B4, B7)."""

    timetable = serializers.CharField(source="plan_timetable")
    replacement_sku = serializers.CharField(source="replacement_product.sku", default=None)
    price_difference = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    difference_paid_by = serializers.CharField()
    customer_pays = serializers.DecimalField(
        source="plan_customer_pays", max_digits=12, decimal_places=2
    )
    sent_at = serializers.DateTimeField(source="plan_sent_at", allow_null=True)
    answer = serializers.CharField(source="plan_answer")
    answer_via = serializers.CharField(source="plan_answer_via")
    answered_at = serializers.DateTimeField(source="plan_answered_at", allow_null=True)
    answer_note = serializers.CharField(source="plan_answer_note")


class ApplicationSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    source = serializers.CharField()
    case_number = serializers.CharField(source="case.number", default=None)
    customer = serializers.CharField(source="customer.name")
    product_sku = serializers.CharField(source="product.sku")
    serial_no = serializers.CharField(source="serial.serial", default=None)
    order_no = serializers.CharField(source="order.number", default=None)
    requested = serializers.CharField()
    reason = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    policy = serializers.CharField(source="policy_key")
    facts = serializers.JSONField()
    answer = WarrantyAnswerSerializer()
    remedy = serializers.CharField()
    overridden = serializers.BooleanField()
    review_note = serializers.CharField()
    return_address = serializers.CharField()
    shipping_payer = serializers.CharField()
    goods_received_at = serializers.DateTimeField(allow_null=True)
    goods_intact = serializers.BooleanField(allow_null=True)
    serial_matched = serializers.BooleanField(allow_null=True)
    disposition = serializers.CharField()
    nonconformance = serializers.CharField(source="nonconformance.number", default=None)
    refund_due_on = serializers.DateField(allow_null=True)
    refund_total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    refunded_at = serializers.DateTimeField(allow_null=True)
    replacement_serial = serializers.CharField(source="replacement_serial.serial", default=None)
    extended_warranty = serializers.CharField(source="extended_warranty.number", default=None)
    quality_verdict = serializers.CharField()
    quality_verdict_note = serializers.CharField()
    plan = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(HandlingPlanSerializer(allow_null=True))
    def get_plan(self, app) -> dict | None:
        if app.plan_sent_at is None:
            return None
        return HandlingPlanSerializer(app).data


class ApplicationDetailSerializer(ApplicationSerializer):
    payments = ApplicationPaymentSerializer(many=True)
    events = ApplicationEventSerializer(many=True)


def _application(request, number: str) -> Application:
    app = selectors.application_get_for_user(request.user, number)
    if app is None:
        raise NotFound()
    return app


def _detail(request, number: str) -> dict:
    app = selectors.application_list_for_user(request.user).prefetch_related(
        "payments", "events__actor"
    )
    app = selectors.application_get_for_user(request.user, number, queryset=app)
    if app is None:
        raise NotFound()
    return ApplicationDetailSerializer(app).data


class ApplicationListApi(APIView):
    """``GET``: applications the reader may see, newest first (``status`` or ``open``,
    ``overridden=1``, ``late=1``, ``q``). ``POST``: take one in; with ``case`` the customer,
    product, serial, order and facts come from the case."""

    class InputSerializer(serializers.Serializer):
        case = serializers.CharField(required=False, allow_blank=True, default="")
        customer_id = serializers.IntegerField(required=False)
        product_sku = serializers.CharField(required=False, allow_blank=True, default="")
        serial_no = serializers.CharField(required=False, allow_blank=True, default="")
        order_no = serializers.CharField(required=False, allow_blank=True, default="")
        requested = serializers.ChoiceField(choices=Remedy.choices)
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        price = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, allow_null=True
        )
        policy = serializers.CharField(required=False, allow_blank=True, default="")
        facts = serializers.DictField(required=False, default=dict)
        payments = ApplicationPaymentSerializer(many=True, required=False, default=list)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("q", str),
            OpenApiParameter("overridden", bool),
            OpenApiParameter("late", bool),
        ],
        responses={200: paginated(ApplicationSerializer)},
        operation_id="warranty_applications_list",
    )
    def get(self, request):
        if not can_view_warranty(request.user):
            raise PermissionDenied()  # not an empty list: the role has no applications
        p = request.query_params
        qs = selectors.application_filter(
            request.user,
            status=p.get("status", ""),
            q=p.get("q", ""),
            overridden=bool(query_flag(request, "overridden")),
            late=bool(query_flag(request, "late")),
        ).select_related(
            "case", "customer", "product", "serial", "order", "nonconformance", "replacement_serial"
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("-created_at", "-id"), request, view=self)
        return paginator.get_paginated_response(ApplicationSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: ApplicationDetailSerializer},
        operation_id="warranty_applications_create",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        v = data.validated_data
        payments = [
            flow.PaymentInput(p["method"], p["amount"], p.get("reference", ""))
            for p in v["payments"]
        ]
        if v["case"]:
            case = case_get_for_user(request.user, number=v["case"])
            if case is None:
                raise InvalidInput(fields={"case": [_("There is no such case.")]})
            app = flow.application_from_case(
                actor=request.user,
                case=case,
                requested=v["requested"],
                reason=v["reason"],
                price=v.get("price"),
                payments=payments,
                policy_key=v["policy"] or None,
                facts=v["facts"],
            )
        else:
            app = flow.application_create(
                actor=request.user,
                source=Application.Source.DESK,
                requested=v["requested"],
                reason=v["reason"],
                price=v.get("price") if v.get("price") is not None else "",
                facts=v["facts"],
                policy_key=v["policy"] or None,
                payments=payments,
                **_links(v),
            )
        return Response(_detail(request, app.number), status=status.HTTP_201_CREATED)


def _links(v: dict) -> dict:
    errors: dict[str, list[str]] = {}
    customer = Customer.objects.filter(pk=v.get("customer_id")).first()
    if customer is None:
        errors["customer_id"] = [_("There is no such customer.")]
    product = Product.objects.filter(sku=v["product_sku"]).first()
    if product is None:
        errors["product_sku"] = [_("There is no product with this SKU.")]
    serial = None
    if v["serial_no"]:
        serial = SerialNumber.objects.filter(serial=v["serial_no"]).first()
        if serial is None:
            errors["serial_no"] = [_("There is no such serial number.")]
    order = None
    if v["order_no"]:
        order = Order.objects.filter(number=v["order_no"]).first()
        if order is None:
            errors["order_no"] = [_("There is no such order.")]
    if errors:
        raise InvalidInput(fields=errors)
    return {"customer": customer, "product": product, "serial": serial, "order": order}


class ApplicationDetailApi(APIView):
    @extend_schema(
        responses={200: ApplicationDetailSerializer}, operation_id="warranty_applications_detail"
    )
    def get(self, request, number: str):
        if not can_view_warranty(request.user):
            raise PermissionDenied()
        return Response(_detail(request, number))


class ApplicationStepApi(APIView):
    """One step: ``approve`` (``remedy``; ``note`` required when the rules do not offer it),
    ``reject`` (``note``), ``request_goods`` (``return_address``, ``return_contact``,
    ``return_phone``, ``carrier``, ``tracking_no``, ``shipping_payer``), ``receive``
    (``intact``, ``condition``, ``received_serial``, ``disposition``, ``photos`` as
    multipart), ``refund`` (``gift_deduction``, ``shipping_deduction``), ``ship_replacement``
    (``replacement_serial``), ``repaired`` (``work_done``), ``close``, ``cancel`` (``note``).
    ``approve`` also drafts the handling plan the customer must agree to (S2): ``timetable``,
    ``replacement_sku`` (an exchange to a higher specification, WAR-7), ``extra_fee``;
    ``plan`` revises it after a refusal (same fields); ``plan_answer`` records the customer's
    answer given by phone or in writing (``agree``, ``via``: phone | writing, ``note``);
    ``quality_verdict`` records the quality department's judgement of the photos (``verdict``:
    serious | not_serious, ``note``; WAR-6). ``version`` guards against a stale copy (409). A
    step the status does not allow is 409 ``illegal_transition``."""

    # JSON through the input guard like every other body (NUL, over-long text: a 400).
    parser_classes = [GuardedJSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(required=False)
        remedy = serializers.CharField(required=False, allow_blank=True, default="")
        note = serializers.CharField(required=False, allow_blank=True, default="")
        return_address = serializers.CharField(required=False, allow_blank=True, default="")
        return_contact = serializers.CharField(required=False, allow_blank=True, default="")
        return_phone = serializers.CharField(required=False, allow_blank=True, default="")
        carrier = serializers.CharField(required=False, allow_blank=True, default="")
        tracking_no = serializers.CharField(required=False, allow_blank=True, default="")
        shipping_payer = serializers.CharField(required=False, allow_blank=True, default="")
        intact = serializers.BooleanField(required=False, allow_null=True, default=None)
        condition = serializers.CharField(required=False, allow_blank=True, default="")
        received_serial = serializers.CharField(required=False, allow_blank=True, default="")
        disposition = serializers.CharField(required=False, allow_blank=True, default="")
        gift_deduction = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, default=0
        )
        shipping_deduction = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, default=0
        )
        replacement_serial = serializers.CharField(required=False, allow_blank=True, default="")
        work_done = serializers.CharField(required=False, allow_blank=True, default="")
        timetable = serializers.CharField(required=False, allow_blank=True, default="")
        replacement_sku = serializers.CharField(required=False, allow_blank=True, default="")
        extra_fee = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
        )
        agree = serializers.BooleanField(required=False, allow_null=True, default=None)
        via = serializers.ChoiceField(
            choices=Application.PlanVia.choices, required=False, allow_blank=True, default=""
        )
        verdict = serializers.ChoiceField(
            choices=Application.Verdict.choices, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: ApplicationDetailSerializer, 507: error_response(507)},
        operation_id="warranty_applications_step",
    )
    def post(self, request, number: str, action: str):
        steps = [*flow.TRANSITIONS, *PLAN_STEPS]
        if action not in steps:
            raise NotFound(
                _("No such step; the steps are: %(steps)s") % {"steps": ", ".join(steps)}
            )
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(fields=flatten_fields(data.errors))
        v = data.validated_data
        app = _application(request, number)
        common = {"actor": request.user, "application": app, "expected_version": v.get("version")}
        if action in ("approve", "plan"):
            plan = {
                "timetable": v["timetable"],
                "replacement_product": _replacement(v["replacement_sku"]),
                "extra_fee": v["extra_fee"],
            }
            try:
                if action == "approve":
                    flow.application_review(
                        **common, approve=True, remedy=v["remedy"], note=v["note"], **plan
                    )
                else:
                    handling.application_plan_send(**common, **plan)
            except InvalidInput as exc:
                # The service names the product; here it is given by its SKU.
                if "replacement_product" in exc.fields:
                    exc.fields["replacement_sku"] = exc.fields.pop("replacement_product")
                raise
        elif action == "reject":
            flow.application_review(**common, approve=False, remedy=v["remedy"], note=v["note"])
        elif action == "plan_answer":
            if v["agree"] is None:
                raise InvalidInput(fields={"agree": [_("Say whether the customer agreed.")]})
            if v["via"] == Application.PlanVia.LINK:
                raise InvalidInput(
                    fields={"via": [_("Only the customer answers on their case page.")]}
                )
            handling.application_plan_answer(
                **common, agree=v["agree"], via=v["via"], note=v["note"]
            )
        elif action == "quality_verdict":
            handling.application_quality_verdict(**common, verdict=v["verdict"], note=v["note"])
        elif action == "request_goods":
            flow.application_request_goods(
                **common,
                return_address=v["return_address"],
                return_contact=v["return_contact"],
                return_phone=v["return_phone"],
                carrier=v["carrier"],
                tracking_no=v["tracking_no"],
                shipping_payer=v["shipping_payer"],
            )
        elif action == "receive":
            flow.application_receive(
                **common,
                intact=v["intact"],
                condition=v["condition"],
                received_serial=v["received_serial"],
                disposition=v["disposition"],
                photos=request.FILES.getlist("photos"),
            )
        elif action == "refund":
            flow.application_refund(
                **common,
                gift_deduction=v["gift_deduction"],
                shipping_deduction=v["shipping_deduction"],
            )
        elif action == "ship_replacement":
            flow.application_ship_replacement(**common, replacement_serial=v["replacement_serial"])
        elif action == "repaired":
            flow.application_mark_repaired(**common, work_done=v["work_done"])
        elif action == "close":
            flow.application_close(**common, note=v["note"])
        else:
            flow.application_cancel(**common, note=v["note"])
        return Response(_detail(request, number))
