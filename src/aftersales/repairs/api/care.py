"""The care API: loaners (R15), maintenance plans (WAR-16), and a work order's charges and
quotation (WAR-9). Thin: every rule is in ``services.loaners``, ``services.maintenance`` and
``services.charges``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.catalog.models import Product, SerialNumber
from aftersales.core.api import Pagination, query_flag
from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied
from aftersales.core.schema import paginated
from aftersales.customers.selectors import customer_list_for_user

from ..models import ChargeLine, LoanerIssue, LoanerUnit, WorkOrder
from ..permissions import can_view_work_orders
from ..selectors import work_order_get_for_user
from ..services import charges as charge_services
from ..services import loaners as loaner_services
from ..services import maintenance as plan_services

MONEY = {"max_digits": 12, "decimal_places": 2}


def _work_order(request, number: str) -> WorkOrder:
    wo = work_order_get_for_user(request.user, number)
    if wo is None:
        raise NotFound()
    return wo


def _customer(user, pk: int, field: str = "customer"):
    customer = customer_list_for_user(user).filter(pk=pk).first()
    if customer is None:
        raise InvalidInput(fields={field: [_("No customer has this number.")]})
    return customer


def _product(pk: int):
    product = Product.objects.filter(pk=pk).first()
    if product is None:
        raise InvalidInput(fields={"product": [_("No product has this number.")]})
    return product


# -- loaners -------------------------------------------------------------------------------


class LoanerLoanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    customer = serializers.IntegerField(source="customer_id")
    customer_name = serializers.CharField(source="customer.name")
    work_order = serializers.CharField(source="work_order.number", default=None)
    issued_at = serializers.DateTimeField()
    due_back_on = serializers.DateField()
    condition_out = serializers.CharField()
    returned_at = serializers.DateTimeField(allow_null=True)
    condition_in = serializers.CharField()
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, loan) -> bool:
        return loan.returned_at is None and loan.due_back_on < timezone.localdate()


class LoanerUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    product = serializers.IntegerField(source="product_id")
    product_name = serializers.CharField(source="product.name")
    serial = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    condition = serializers.CharField()
    loan = serializers.SerializerMethodField()

    @extend_schema_field(LoanerLoanSerializer(allow_null=True))
    def get_loan(self, unit) -> dict | None:
        loan = self.context.get("loans", {}).get(unit.pk)
        return LoanerLoanSerializer(loan).data if loan else None


class LoanerListCreateApi(APIView):
    """``GET``: the loaner units with their open loan (``overdue`` when not back by its due
    day), filtered by ``status``. ``POST``: a new unit (the after-sales department, the
    warehouse); 201."""

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=LoanerUnit.Status.values, required=False, allow_blank=True, default=""
        )

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=40)
        product = serializers.IntegerField(min_value=1, help_text="The product's id.")
        serial = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        condition = serializers.CharField(
            max_length=200, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: paginated(LoanerUnitSerializer)},
        operation_id="repairs_loaners_list",
    )
    def get(self, request):
        if not loaner_services.can_view_loaners(request.user):
            raise PermissionDenied()
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        units = loaner_services.loaner_units(**filters.validated_data)
        paginator = Pagination()
        page = paginator.paginate_queryset(units, request, view=self)
        loans = loaner_services.loans_by_unit(page)
        data = LoanerUnitSerializer(page, many=True, context={"loans": loans}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=InputSerializer,
        responses={201: LoanerUnitSerializer},
        operation_id="repairs_loaners_create",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = loaner_services.loaner_unit_create(
            actor=request.user,
            code=v["code"],
            product=_product(v["product"]),
            serial=v["serial"],
            condition=v["condition"],
        )
        return Response(LoanerUnitSerializer(unit).data, status=status.HTTP_201_CREATED)


class LoanerIssueCreateApi(APIView):
    """Lend an available unit (409 ``loaner_unavailable`` / ``loaner_out`` otherwise) to a
    customer until ``due_back_on``, optionally for a work order (its number); 201."""

    class InputSerializer(serializers.Serializer):
        unit = serializers.CharField(max_length=40, help_text="The loaner's number.")
        customer = serializers.IntegerField(min_value=1, help_text="The customer's id.")
        due_back_on = serializers.DateField()
        condition_out = serializers.CharField(max_length=200)
        work_order = serializers.CharField(
            max_length=30, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: LoanerLoanSerializer},
        operation_id="repairs_loaner_issues_create",
    )
    def post(self, request):
        if not loaner_services.can_manage_loaners(request.user):
            raise NotFound()
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        unit = LoanerUnit.objects.filter(code=v["unit"].strip()).first()
        if unit is None:
            raise InvalidInput(fields={"unit": [_("No loaner has this number.")]})
        work_order = None
        if v["work_order"].strip():
            work_order = work_order_get_for_user(request.user, v["work_order"].strip())
            if work_order is None:
                raise InvalidInput(fields={"work_order": [_("No work order has this number.")]})
        issue = loaner_services.loaner_issue(
            actor=request.user,
            unit=unit,
            customer=_customer(request.user, v["customer"]),
            due_back_on=v["due_back_on"],
            condition_out=v["condition_out"],
            work_order=work_order,
        )
        return Response(LoanerLoanSerializer(issue).data, status=status.HTTP_201_CREATED)


class LoanerIssueReturnApi(APIView):
    """The unit comes back: its condition, and ``retire`` when it is no longer fit to lend
    (409 ``loan_returned`` when the loan is already closed)."""

    class InputSerializer(serializers.Serializer):
        condition_in = serializers.CharField(max_length=200)
        retire = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: LoanerLoanSerializer},
        operation_id="repairs_loaner_issues_return",
    )
    def post(self, request, pk: int):
        if not loaner_services.can_manage_loaners(request.user):
            raise NotFound()
        issue = (
            LoanerIssue.objects.select_related("unit", "customer", "work_order")
            .filter(pk=pk)
            .first()
        )
        if issue is None:
            raise NotFound()
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issue = loaner_services.loaner_return(
            actor=request.user, issue=issue, **data.validated_data
        )
        return Response(LoanerLoanSerializer(issue).data)


# -- maintenance plans ---------------------------------------------------------------------


class MaintenancePlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    customer_name = serializers.CharField(source="customer.name")
    product = serializers.IntegerField(source="product_id")
    product_name = serializers.CharField(source="product.name")
    serial = serializers.CharField(source="serial.serial", default=None)
    address = serializers.CharField()
    interval_months = serializers.IntegerField()
    next_due_on = serializers.DateField()
    lead_days = serializers.IntegerField()
    work = serializers.CharField()
    active = serializers.BooleanField()


class MaintenancePlanListCreateApi(APIView):
    """``GET``: the plans the reader may see (a dealer: its customers'), next visit first;
    ``active`` filters. ``POST``: a new plan; its visits become work orders ``lead_days``
    ahead of each due day; 201."""

    class FilterSerializer(serializers.Serializer):
        active = serializers.BooleanField(required=False, allow_null=True, default=None)

    class InputSerializer(serializers.Serializer):
        customer = serializers.IntegerField(min_value=1, help_text="The customer's id.")
        product = serializers.IntegerField(min_value=1, help_text="The product's id.")
        serial = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        address = serializers.CharField(max_length=200)
        interval_months = serializers.IntegerField(min_value=1)
        next_due_on = serializers.DateField()
        lead_days = serializers.IntegerField(min_value=0, required=False, default=14)
        work = serializers.CharField(max_length=200)

    @extend_schema(
        parameters=[
            OpenApiParameter("active", bool, required=False, description="Only active plans.")
        ],
        responses={200: paginated(MaintenancePlanSerializer)},
        operation_id="repairs_maintenance_plans_list",
    )
    def get(self, request):
        if not can_view_work_orders(request.user):
            raise PermissionDenied()
        plans = plan_services.plan_list_for_user(request.user, active=query_flag(request, "active"))
        paginator = Pagination()
        page = paginator.paginate_queryset(plans, request, view=self)
        return paginator.get_paginated_response(MaintenancePlanSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: MaintenancePlanSerializer},
        operation_id="repairs_maintenance_plans_create",
    )
    def post(self, request):
        if not plan_services.can_manage_plans(request.user):
            raise NotFound()
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        serial = None
        if v["serial"].strip():
            serial = SerialNumber.objects.filter(serial=v["serial"].strip()).first()
            if serial is None:
                raise InvalidInput(fields={"serial": [_("No product has this serial number.")]})
        plan = plan_services.plan_create(
            actor=request.user,
            customer=_customer(request.user, v["customer"]),
            product=_product(v["product"]),
            serial=serial,
            address=v["address"],
            interval_months=v["interval_months"],
            next_due_on=v["next_due_on"],
            lead_days=v["lead_days"],
            work=v["work"],
        )
        return Response(MaintenancePlanSerializer(plan).data, status=status.HTTP_201_CREATED)


# -- charges and the quotation -------------------------------------------------------------


class ChargeLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ChargeLine.Kind.choices)
    description = serializers.CharField()
    part = serializers.CharField(source="part.part_no", default=None)
    quantity = serializers.DecimalField(max_digits=8, decimal_places=2)
    unit_price = serializers.DecimalField(**MONEY)
    free = serializers.BooleanField()
    amount = serializers.DecimalField(**MONEY)


class ChargeSummarySerializer(serializers.Serializer):
    """A work order's charges: the lines, what the customer pays, the quotation."""

    number = serializers.CharField()
    in_warranty = serializers.BooleanField(allow_null=True)
    lines = serializers.SerializerMethodField()
    charge_total = serializers.DecimalField(**MONEY)
    quote_state = serializers.SerializerMethodField()
    quote_needed = serializers.SerializerMethodField()
    quote_total = serializers.DecimalField(**MONEY, allow_null=True)
    quote_sent_at = serializers.DateTimeField(allow_null=True)
    quote_accepted_at = serializers.DateTimeField(allow_null=True)
    quote_declined_at = serializers.DateTimeField(allow_null=True)
    manufacturer_share = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    version = serializers.IntegerField()

    @extend_schema_field(ChargeLineSerializer(many=True))
    def get_lines(self, wo) -> list:
        return ChargeLineSerializer(charge_services.charge_lines(wo), many=True).data

    def get_quote_state(self, wo) -> str:
        return charge_services.quote_state(wo)

    def get_quote_needed(self, wo) -> bool:
        return charge_services.quote_needed(wo)


def _summary(number: str, request) -> dict:
    return ChargeSummarySerializer(_work_order(request, number)).data


class ChargeCreateApi(APIView):
    """Add labour, travel or another charge to a work order (dispatchers and its technician).
    ``unit_price`` defaults from the rate list, ``free`` from the 三包 decision; 201 with the
    work order's charges."""

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=[k.value for k in charge_services.ADDABLE_KINDS])
        description = serializers.CharField(
            max_length=120, required=False, allow_blank=True, default=""
        )
        quantity = serializers.DecimalField(max_digits=8, decimal_places=2, default=1)
        unit_price = serializers.DecimalField(
            **MONEY, required=False, allow_null=True, default=None
        )
        free = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=InputSerializer,
        responses={201: ChargeSummarySerializer},
        operation_id="repairs_work_order_charges_create",
    )
    def post(self, request, number: str):
        wo = _work_order(request, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        charge_services.charge_add(actor=request.user, work_order=wo, **data.validated_data)
        return Response(_summary(number, request), status=status.HTTP_201_CREATED)


class ChargeQuoteApi(APIView):
    """``send``: quote the paid work to the customer (409 ``nothing_to_quote``); ``accept``:
    record the customer's acceptance (``by_customer``: given to the technician on site;
    otherwise a dispatcher records it); ``decline``: record the refusal — the paid work is
    not done and its lines come off."""

    class InputSerializer(serializers.Serializer):
        by_customer = serializers.BooleanField(required=False, default=False)
        note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=list(charge_services.QUOTE_ACTIONS)
            )
        ],
        request=InputSerializer,
        responses={200: ChargeSummarySerializer},
        operation_id="repairs_work_order_quote",
    )
    def post(self, request, number: str, action: str):
        if action not in charge_services.QUOTE_ACTIONS:
            raise NotFound()
        wo = _work_order(request, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if action == "send":
            charge_services.quote_send(actor=request.user, work_order=wo)
        elif action == "accept":
            charge_services.quote_accept(
                actor=request.user, work_order=wo, by_customer=v["by_customer"]
            )
        else:
            charge_services.quote_decline(
                actor=request.user, work_order=wo, by_customer=v["by_customer"], note=v["note"]
            )
        return Response(_summary(number, request))
