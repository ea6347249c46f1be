"""The 三包 certificate API (R4, R7, R10): list and issue certificates, read one with its
periods and repair records, add a repair, and print the PDF. The same services as the pages;
a dealer sees and serves its own customers only."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.api import Pagination
from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.schema import paginated

from ..models import WarrantyCard
from ..pdf import card_pdf
from ..permissions import can_view_warranty
from ..services import cards as services


class CanViewWarranty(BasePermission):
    """Checked before the body is read: someone with no business here gets 403."""

    def has_permission(self, request, view) -> bool:
        if not can_view_warranty(request.user):
            raise PermissionDenied(
                _("Three Guarantees (三包) records are for company staff and dealers.")
            )
        return True


class WarrantyCardApi(APIView):
    permission_classes = [IsAuthenticated, CanViewWarranty]


class WarrantyCardPartSerializer(serializers.Serializer):
    name = serializers.CharField()
    months = serializers.IntegerField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)


class WarrantyCardSourceSerializer(serializers.Serializer):
    source = serializers.CharField()
    months = serializers.IntegerField(allow_null=True)
    applies = serializers.BooleanField()


class WarrantyCardPeriodsSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    whole_unit_months = serializers.IntegerField(allow_null=True)
    whole_unit_ends_on = serializers.DateField(allow_null=True)
    main_parts = WarrantyCardPartSerializer(many=True)
    components = WarrantyCardPartSerializer(many=True)
    repair_days = serializers.IntegerField(help_text="Days in repair, added to every period (R2).")
    whole_unit_source = serializers.CharField(
        help_text="Where the whole-unit period comes from: law, catalogue or contract (S5)."
    )
    whole_unit_sources = WarrantyCardSourceSerializer(many=True)
    contract_number = serializers.CharField(allow_blank=True)


class WarrantyCardRepairSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sent_on = serializers.DateField()
    returned_on = serializers.DateField(allow_null=True)
    fault = serializers.CharField()
    part = serializers.CharField()
    work_done = serializers.CharField()
    waiting_for_parts = serializers.BooleanField()
    repairer = serializers.CharField()
    case = serializers.CharField(source="case.number", default=None, allow_null=True)


class WarrantyCardBriefSerializer(serializers.Serializer):
    number = serializers.CharField()
    product_sku = serializers.CharField(source="product.sku")
    product_name = serializers.CharField(source="product.name")
    serial = serializers.CharField(source="serial.serial", default=None, allow_null=True)
    customer_id = serializers.IntegerField()
    customer_name = serializers.CharField(source="customer.name")
    invoice_date = serializers.DateField()
    starts_on = serializers.DateField()
    void = serializers.BooleanField(help_text="Replaced by a later certificate (exchange, R10).")
    created_at = serializers.DateTimeField()


class WarrantyCardProductSerializer(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    model = serializers.CharField()


class WarrantyCardCustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class WarrantyCardSerializer(serializers.Serializer):
    number = serializers.CharField()
    product = WarrantyCardProductSerializer()
    serial = serializers.CharField(allow_null=True)
    customer = WarrantyCardCustomerSerializer()
    order = serializers.CharField(allow_null=True, help_text="Order number.")
    invoice_date = serializers.DateField()
    starts_on = serializers.DateField()
    policy_key = serializers.CharField()
    void = serializers.BooleanField(help_text="Replaced by a later certificate (exchange, R10).")
    replaces = serializers.CharField(allow_null=True)
    replaced_by = serializers.CharField(allow_null=True)
    terms = serializers.JSONField(help_text="The policy's terms, frozen at issue time.")
    periods = WarrantyCardPeriodsSerializer()
    repairs = WarrantyCardRepairSerializer(many=True)
    created_at = serializers.DateTimeField()
    pdf_url = serializers.CharField()


def _pdf_url(request, card: WarrantyCard) -> str:
    path = reverse("api-warranty-card-pdf", args=[card.number])
    return request.build_absolute_uri(path) if request is not None else path


def _detail(request, card: WarrantyCard) -> dict:
    repairs = list(card.repairs.select_related("case"))
    successor = WarrantyCard.objects.filter(replaces=card).only("number").first()
    return WarrantyCardSerializer(
        {
            "number": card.number,
            "product": {
                "sku": card.product.sku,
                "name": card.product.name,
                "model": card.product.model,
            },
            "serial": card.serial.serial if card.serial_id else None,
            "customer": {"id": card.customer_id, "name": card.customer.name},
            "order": card.order.number if card.order_id else None,
            "invoice_date": card.invoice_date,
            "starts_on": card.starts_on,
            "policy_key": card.policy_key,
            "void": card.void,
            "replaces": card.replaces.number if card.replaces_id else None,
            "replaced_by": successor.number if successor else None,
            "terms": card.terms,
            "periods": services.card_periods(card, repairs=repairs),
            "repairs": repairs,
            "created_at": card.created_at,
            "pdf_url": _pdf_url(request, card),
        }
    ).data


class WarrantyCardListCreateApi(WarrantyCardApi):
    """``GET``: the certificates the reader may see, newest first (``q``: certificate or serial
    number prefix, or the start of the customer's name). ``POST``: issue one (R4); with
    ``replaces`` it is the new certificate after an exchange and the old one is voided (R10)."""

    class InputSerializer(serializers.Serializer):
        product_sku = serializers.CharField(max_length=40)
        customer = serializers.IntegerField(min_value=1, help_text="The customer's id.")
        invoice_date = serializers.DateField()
        serial = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        order = serializers.CharField(
            max_length=30, required=False, allow_blank=True, default="", help_text="Order number."
        )
        starts_on = serializers.DateField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Defaults to the invoice date (R2), or today after an exchange (R10).",
        )
        policy_key = serializers.CharField(
            max_length=40,
            required=False,
            allow_blank=True,
            default="",
            help_text="Default policy if empty.",
        )
        replaces = serializers.CharField(
            max_length=30,
            required=False,
            allow_blank=True,
            default="",
            help_text="Number of the certificate this one replaces after an exchange.",
        )

    @extend_schema(
        operation_id="warranty_card_list",
        parameters=[OpenApiParameter("q", str)],
        responses={200: paginated(WarrantyCardBriefSerializer)},
    )
    def get(self, request):
        cards = services.card_list_for_user(request.user, q=request.query_params.get("q", ""))
        paginator = Pagination()
        page = paginator.paginate_queryset(cards, request, view=self)
        return paginator.get_paginated_response(WarrantyCardBriefSerializer(page, many=True).data)

    @extend_schema(
        operation_id="warranty_card_issue",
        request=InputSerializer,
        responses={201: WarrantyCardSerializer},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        card = services.card_issue_by_reference(
            actor=request.user,
            product_sku=v["product_sku"],
            customer_id=v["customer"],
            invoice_date=v["invoice_date"],
            serial_no=v["serial"],
            order_no=v["order"],
            starts_on=v["starts_on"],
            policy_key=v["policy_key"] or None,
            replaces_no=v["replaces"],
        )
        card = services.card_get_for_user(request.user, number=card.number)
        return Response(_detail(request, card), status=status.HTTP_201_CREATED)


class WarrantyCardDetailApi(WarrantyCardApi):
    """One certificate: the frozen terms, the periods with their end dates (lengthened by
    repair days, R2) and the repair records (R7)."""

    @extend_schema(operation_id="warranty_card_retrieve", responses={200: WarrantyCardSerializer})
    def get(self, request, number: str):
        card = services.card_get_for_user(request.user, number=number)
        return Response(_detail(request, card))


class WarrantyCardRepairCreateApi(WarrantyCardApi):
    """Add a repair record to a certificate (R7); its days lengthen the periods (R2)."""

    class InputSerializer(serializers.Serializer):
        sent_on = serializers.DateField()
        returned_on = serializers.DateField(required=False, allow_null=True, default=None)
        fault = serializers.CharField(max_length=200)
        part = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        work_done = serializers.CharField(
            max_length=300, required=False, allow_blank=True, default=""
        )
        repairer = serializers.CharField(max_length=60)
        waiting_for_parts = serializers.BooleanField(required=False, default=False)
        case = serializers.CharField(
            max_length=30, required=False, allow_blank=True, default="", help_text="Case number."
        )

    @extend_schema(
        operation_id="warranty_card_repair_add",
        request=InputSerializer,
        responses={201: WarrantyCardSerializer},
    )
    def post(self, request, number: str):
        card = services.card_get_for_user(request.user, number=number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        case = None
        if v.pop("case"):
            from aftersales.service.selectors import case_get_for_user

            case = case_get_for_user(request.user, number=data.validated_data["case"])
            if case is None:
                raise InvalidInput(fields={"case": [_("There is no such case.")]})
        services.card_repair_add(actor=request.user, card=card, case=case, **v)
        card = services.card_get_for_user(request.user, number=number)
        return Response(_detail(request, card), status=status.HTTP_201_CREATED)


class AnyAcceptNegotiation(BaseContentNegotiation):
    """The PDF answers as a PDF whatever ``Accept`` says; errors are still JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class WarrantyCardPdfApi(WarrantyCardApi):
    """The certificate as a PDF to print and hand over with the invoice (R4, R13)."""

    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        operation_id="warranty_card_pdf",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, number: str):
        card = services.card_get_for_user(request.user, number=number)
        response = HttpResponse(card_pdf(card), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{card.number}.pdf"'
        return response
