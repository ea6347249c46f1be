"""The dealer claim API (WAR-9, WAR-10, S8): a dealer claims the cost of its 三包 work, the
quality department decides it from its responsibility verdict, the payment is recorded, and
each dealer gets a monthly statement. Every rule is in ``services.claims``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.core.api import Pagination
from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied
from aftersales.core.schema import paginated
from aftersales.core.timeline import actor_name
from aftersales.customers.models import Dealer
from aftersales.customers.permissions import is_dealer_user
from aftersales.service.selectors import case_get_for_user

from ..models import DealerClaim
from ..permissions import dealer_scope
from ..services import claims as services

MONEY = {"max_digits": 12, "decimal_places": 2}


def _claim(request, number: str) -> DealerClaim:
    _viewer(request)  # a role without claims: 403 before any record is looked up
    claim = services.claim_get_for_user(request.user, number=number)
    if claim is None:
        raise NotFound()
    return claim


def _viewer(request) -> None:
    if not services.can_view_claims(request.user):
        raise PermissionDenied()  # a role without claims: 403 (docs/api.md)


class ClaimFieldsSerializer(serializers.Serializer):
    """The fields every claim answer carries (a base only: never a schema component)."""

    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    dealer = serializers.CharField(source="dealer.code")
    dealer_name = serializers.CharField(source="dealer.name")
    case = serializers.CharField(source="case.number")
    application = serializers.CharField(source="application.number", default=None)
    batch_no = serializers.CharField(source="batch.batch_no", default=None)
    packer_no = serializers.CharField()
    packing_list_ref = serializers.CharField()
    parts_cost = serializers.DecimalField(**MONEY)
    labour_cost = serializers.DecimalField(**MONEY)
    other_cost = serializers.DecimalField(**MONEY)
    claimed = serializers.DecimalField(**MONEY)
    description = serializers.CharField()
    manufacturer_share = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    approved_amount = serializers.DecimalField(**MONEY, allow_null=True)
    decision_note = serializers.CharField()
    decided_by = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    settled_at = serializers.DateTimeField(allow_null=True)
    submitted_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField()

    def get_decided_by(self, claim) -> str | None:
        return actor_name(claim.decided_by) if claim.decided_by_id else None

    def get_submitted_by(self, claim) -> str:
        return actor_name(claim.submitted_by)


class DealerClaimDetailApi(APIView):
    """One claim with the quality department's verdict on its case and the proposed split."""

    class JudgementSerializer(serializers.Serializer):
        verdict = serializers.CharField()
        verdict_label = serializers.CharField(source="get_verdict_display")
        reasoning = serializers.CharField()
        judged_by = serializers.SerializerMethodField()
        judged_at = serializers.DateTimeField(source="updated_at")

        def get_judged_by(self, judgement) -> str:
            return actor_name(judgement.judged_by)

    class SplitSerializer(serializers.Serializer):
        share = serializers.DecimalField(max_digits=5, decimal_places=2)
        manufacturer = serializers.DecimalField(**MONEY)
        dealer = serializers.DecimalField(**MONEY)

    class OutputSerializer(ClaimFieldsSerializer):
        judgement = serializers.SerializerMethodField()
        split = serializers.SerializerMethodField()

        def get_judgement(self, claim) -> dict | None:
            judgement = self.context.get("judgement")
            if judgement is None:
                return None
            return DealerClaimDetailApi.JudgementSerializer(judgement).data

        def get_split(self, claim) -> dict | None:
            split = services.claim_split(claim, self.context.get("judgement"))
            return DealerClaimDetailApi.SplitSerializer(split).data if split else None

    @extend_schema(responses={200: OutputSerializer}, operation_id="warranty_claims_detail")
    def get(self, request, number: str):
        return Response(_detail(_claim(request, number)))


def _detail(claim: DealerClaim) -> dict:
    return DealerClaimDetailApi.OutputSerializer(
        claim, context={"judgement": services.claim_judgement(claim)}
    ).data


class DealerClaimListCreateApi(APIView):
    """``GET``: the claims the reader may see, newest first (a dealer sees its own only),
    filtered by ``status`` and ``dealer`` (a dealer code). ``POST``: claim the cost of the
    三包 work on a finished case (``case`` is the case number); 201."""

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=DealerClaim.Status.values, required=False, allow_blank=True, default=""
        )
        dealer = serializers.CharField(required=False, allow_blank=True, default="")

    class InputSerializer(serializers.Serializer):
        case = serializers.CharField(max_length=30)
        parts_cost = serializers.DecimalField(**MONEY, default=0)
        labour_cost = serializers.DecimalField(**MONEY, default=0)
        other_cost = serializers.DecimalField(**MONEY, default=0)
        description = serializers.CharField()
        packer_no = serializers.CharField(
            max_length=40, required=False, allow_blank=True, default=""
        )
        packing_list_ref = serializers.CharField(
            max_length=60, required=False, allow_blank=True, default=""
        )
        application = serializers.CharField(
            max_length=30, required=False, allow_blank=True, default=""
        )

    class OutputSerializer(ClaimFieldsSerializer):
        pass

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: paginated(OutputSerializer)},
        operation_id="warranty_claims_list",
    )
    def get(self, request):
        _viewer(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        claims = services.claim_list_for_user(request.user, **filters.validated_data)
        paginator = Pagination()
        page = paginator.paginate_queryset(claims, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: DealerClaimDetailApi.OutputSerializer},
        operation_id="warranty_claims_create",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        case = case_get_for_user(request.user, number=v["case"].strip())
        if case is None:
            raise InvalidInput(
                fields={"case": [_("No case has the number %(number)s.") % {"number": v["case"]}]}
            )
        application = services.claim_application_lookup(case=case, number=v["application"])
        claim = services.claim_submit(
            actor=request.user,
            case=case,
            parts_cost=v["parts_cost"],
            labour_cost=v["labour_cost"],
            other_cost=v["other_cost"],
            description=v["description"],
            packer_no=v["packer_no"],
            packing_list_ref=v["packing_list_ref"],
            application=application,
        )
        return Response(_detail(claim), status=status.HTTP_201_CREATED)


class DealerClaimDecideApi(APIView):
    """Approve or reject a submitted claim (the quality department, the sales vice-president,
    administrators). Approval needs the quality verdict on the case (409 ``judgement_missing``
    without one); the manufacturer's share follows the verdict unless ``manufacturer_share``
    is given with a ``note``. A rejection needs a ``note``. ``version``: the claim's version
    as read (409 ``stale_version`` if someone changed it since)."""

    class InputSerializer(serializers.Serializer):
        approve = serializers.BooleanField()
        note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
        manufacturer_share = serializers.DecimalField(
            max_digits=3, decimal_places=2, required=False, allow_null=True, default=None
        )
        version = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=InputSerializer,
        responses={200: DealerClaimDetailApi.OutputSerializer},
        operation_id="warranty_claims_decide",
    )
    def post(self, request, number: str):
        claim = _claim(request, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        claim = services.claim_decide(
            actor=request.user,
            claim=claim,
            approve=v["approve"],
            note=v["note"],
            expected_version=v["version"],
            manufacturer_share=v["manufacturer_share"],
        )
        return Response(_detail(claim))


class DealerClaimSettleApi(APIView):
    """Record that the manufacturer paid an approved claim (approved → settled)."""

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=InputSerializer,
        responses={200: DealerClaimDetailApi.OutputSerializer},
        operation_id="warranty_claims_settle",
    )
    def post(self, request, number: str):
        claim = _claim(request, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_settle(
            actor=request.user, claim=claim, expected_version=data.validated_data["version"]
        )
        return Response(_detail(claim))


class DealerClaimStatementApi(APIView):
    """A dealer's monthly statement: the claims decided in ``month`` (``YYYY-MM``, this month
    by default) with the totals claimed, approved, settled and outstanding. ``dealer`` is a
    dealer code; a dealer's people get their own statement whatever they ask."""

    class FilterSerializer(serializers.Serializer):
        dealer = serializers.CharField(required=False, allow_blank=True, default="")
        month = serializers.CharField(required=False, allow_blank=True, default="")

    class RowSerializer(serializers.Serializer):
        number = serializers.CharField()
        case = serializers.CharField()
        batch = serializers.CharField()
        decided_at = serializers.DateTimeField()
        status = serializers.CharField()
        status_label = serializers.CharField()
        claimed = serializers.DecimalField(**MONEY)
        manufacturer_share = serializers.DecimalField(
            max_digits=5, decimal_places=2, allow_null=True
        )
        approved = serializers.DecimalField(**MONEY)
        settled = serializers.DecimalField(**MONEY)
        outstanding = serializers.DecimalField(**MONEY)

    class TotalsSerializer(serializers.Serializer):
        claimed = serializers.DecimalField(**MONEY)
        approved = serializers.DecimalField(**MONEY)
        settled = serializers.DecimalField(**MONEY)
        outstanding = serializers.DecimalField(**MONEY)

    class OutputSerializer(serializers.Serializer):
        dealer = serializers.CharField(source="dealer.code")
        dealer_name = serializers.CharField(source="dealer.name")
        month = serializers.CharField(source="label")
        count = serializers.IntegerField()
        rows = serializers.SerializerMethodField()
        totals = serializers.SerializerMethodField()

        def get_rows(self, statement) -> list[dict]:
            return DealerClaimStatementApi.RowSerializer(statement["rows"], many=True).data

        def get_totals(self, statement) -> dict:
            return DealerClaimStatementApi.TotalsSerializer(statement["totals"]).data

    @extend_schema(
        parameters=[
            OpenApiParameter("dealer", str, description="a dealer code"),
            OpenApiParameter(
                "month",
                {"type": "string", "pattern": r"^2\d{3}-(0[1-9]|1[0-2])$"},
                description="`YYYY-MM`, this month by default",
            ),
        ],
        responses={200: OutputSerializer},
        operation_id="warranty_claims_statement",
    )
    def get(self, request):
        _viewer(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        v = filters.validated_data
        if is_dealer_user(request.user):
            dealer = dealer_scope(request.user)
            if dealer is None:
                raise NotFound()
        else:
            if not v["dealer"].strip():
                raise InvalidInput(fields={"dealer": [_("Choose a dealer.")]})
            dealer = Dealer.objects.filter(code=v["dealer"].strip()).first()
            if dealer is None:
                raise InvalidInput(fields={"dealer": [_("No dealer has this code.")]})
        year, month = services.month_parse(v["month"] or timezone.localdate().strftime("%Y-%m"))
        statement = services.dealer_statement(dealer=dealer, year=year, month=month)
        return Response(self.OutputSerializer(statement).data)
