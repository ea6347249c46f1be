"""Quality API (/api/v1/quality/…): plans, inspections, emergency releases, nonconformances
and their actions, responsibility judgements, liaison forms, recalls, traceability.

Every view is a thin shell: parse, call the service or selector, serialise. Permissions are
the services' (and ``permissions.py``'s) business; reads check ``can_view_quality``.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.accounts.models import Department, User
from aftersales.catalog.models import Batch, EmergencyRelease, Product, SerialNumber
from aftersales.core.api import Pagination, query_flag
from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.core.schema import error_response, paginated, whole
from aftersales.customers.models import Customer

from . import selectors
from .models import (
    CorrectiveAction,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionPlan,
    LiaisonForm,
    Nonconformance,
    Recall,
    RecallTask,
    ResponsibilityJudgement,
)
from .permissions import can_view_quality, can_work_recall
from .services import inspections as inspection_services
from .services import judgements as judgement_services
from .services import liaison as liaison_services
from .services import nonconformances as nc_services
from .services import recalls as recall_services
from .services import releases as release_services


class IsCompanyStaff(BasePermission):
    """Checked before the body is read: a dealer gets 403 on every quality endpoint, never a
    400 that would tell it something about the records (SEC-1)."""

    def has_permission(self, request, view) -> bool:
        if not can_view_quality(request.user):
            raise PermissionDenied(_no_access())
        return True


class QualityApi(APIView):
    permission_classes = [IsAuthenticated, IsCompanyStaff]


def _viewer(request) -> None:
    if not can_view_quality(request.user):
        raise PermissionDenied(_no_access())


def _no_access():
    from django.utils.translation import gettext as _

    return _("Quality records are for company staff.")


def _get(model, pk):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def _paginated(request, view, queryset, serializer):
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(
        serializer(page, many=True, context={"request": request}).data
    )


def _person(user) -> str | None:
    return (user.get_full_name() or user.username) if user else None


@extend_schema_field({"type": "string", "nullable": True})
class PersonField(serializers.Field):
    """A person as their display name (full name, else username); null for nobody."""

    def to_representation(self, value):
        return _person(value)


# --- plans -----------------------------------------------------------------------------------


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=80)
    aspect = serializers.ChoiceField(choices=InspectionItem.Aspect.choices)
    result_type = serializers.ChoiceField(
        choices=InspectionItem.ResultType.choices, default=InspectionItem.ResultType.PASS_FAIL
    )
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    lower_limit = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True, default=None
    )
    upper_limit = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True, default=None
    )
    critical = serializers.BooleanField(default=False)
    method = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=80)
    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), required=False, allow_null=True, default=None
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Product._meta.get_field("category").related_model.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    sample_size = serializers.IntegerField(min_value=1, default=1)
    minor_failures_allowed = serializers.IntegerField(min_value=0, max_value=99, default=0)
    standard = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    active = serializers.BooleanField(read_only=True)
    items = ItemSerializer(many=True)


class PlanListCreateApi(QualityApi):
    @extend_schema(
        parameters=[OpenApiParameter("kind", str), OpenApiParameter("q", str)],
        responses={200: paginated(PlanSerializer)},
    )
    def get(self, request):
        _viewer(request)
        plans = selectors.plan_list(
            kind=request.query_params.get("kind", ""), q=request.query_params.get("q", "")
        ).prefetch_related("items")
        return _paginated(request, self, plans, PlanSerializer)

    @extend_schema(request=PlanSerializer, responses={201: PlanSerializer})
    def post(self, request):
        data = PlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        items = [inspection_services.ItemSpec(**i) for i in fields.pop("items")]
        plan = inspection_services.plan_create(actor=request.user, data=fields, items=items)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailApi(QualityApi):
    @extend_schema(responses={200: PlanSerializer})
    def get(self, request, plan_id: int):
        _viewer(request)
        return Response(PlanSerializer(_get(InspectionPlan, plan_id)).data)


# --- inspections -------------------------------------------------------------------------------


class ResultOutputSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    name = serializers.CharField(source="item.name")
    critical = serializers.BooleanField(source="item.critical")
    limits = serializers.CharField(source="item.limits_text")
    passed = serializers.BooleanField()
    measured_value = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    note = serializers.CharField()


class InspectionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    batch = serializers.IntegerField(source="batch_id")
    batch_no = serializers.CharField(source="batch.batch_no")
    plan = serializers.IntegerField(source="plan_id")
    inspector = PersonField()
    party = serializers.CharField()
    party_name = serializers.CharField()
    inspected_at = serializers.DateTimeField()
    sample_size = serializers.IntegerField()
    verdict = serializers.CharField()
    note = serializers.CharField()
    batch_status = serializers.CharField(source="batch.quality_status")
    certificate = serializers.SerializerMethodField()
    nonconformance = serializers.SerializerMethodField()

    def get_certificate(self, obj) -> str | None:
        cert = getattr(obj, "certificate", None)
        return cert.number if cert else None

    def get_nonconformance(self, obj) -> str | None:
        ncs = list(obj.nonconformances.all())  # prefetched
        return ncs[0].number if ncs else None


class InspectionOutputSerializer(InspectionBriefSerializer):
    results = ResultOutputSerializer(many=True, source="results.all")


class ResultInputSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    measured_value = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class InspectionInputSerializer(serializers.Serializer):
    batch = serializers.PrimaryKeyRelatedField(queryset=Batch.objects.select_related("product"))
    plan = serializers.PrimaryKeyRelatedField(queryset=InspectionPlan.objects.all())
    kind = serializers.ChoiceField(choices=InspectionKind.choices, required=False)
    party = serializers.ChoiceField(choices=Inspection.Party.choices, default="company")
    party_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    inspected_at = serializers.DateTimeField(required=False)
    sample_size = serializers.IntegerField(min_value=1, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    results = ResultInputSerializer(many=True)


class InspectionListCreateApi(QualityApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("verdict", str),
            OpenApiParameter("kind", str),
        ],
        responses={200: paginated(InspectionBriefSerializer)},
    )
    def get(self, request):
        _viewer(request)
        params = request.query_params
        inspections = selectors.inspection_list(
            q=params.get("q", ""), verdict=params.get("verdict", ""), kind=params.get("kind", "")
        ).prefetch_related("certificate", "nonconformances")
        return _paginated(request, self, inspections, InspectionBriefSerializer)

    @extend_schema(request=InspectionInputSerializer, responses={201: InspectionOutputSerializer})
    def post(self, request):
        data = InspectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        inspection = inspection_services.inspection_record(
            actor=request.user,
            batch=v["batch"],
            plan=v["plan"],
            kind=v.get("kind"),
            party=v["party"],
            party_name=v["party_name"],
            inspected_at=v.get("inspected_at"),
            sample_size=v.get("sample_size"),
            note=v["note"],
            results=[
                inspection_services.ItemInput(
                    item_id=r["item"],
                    passed=r["passed"],
                    measured_value=r["measured_value"],
                    note=r["note"],
                )
                for r in v["results"]
            ],
        )
        return Response(
            InspectionOutputSerializer(_inspection(inspection.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def _inspection(pk: int) -> Inspection:
    inspection = (
        Inspection.objects.select_related("batch", "inspector", "plan")
        .prefetch_related("results__item", "nonconformances")
        .filter(pk=pk)
        .first()
    )
    if inspection is None:
        raise NotFound()
    return inspection


class InspectionDetailApi(QualityApi):
    @extend_schema(responses={200: InspectionOutputSerializer})
    def get(self, request, inspection_id: int):
        _viewer(request)
        return Response(InspectionOutputSerializer(_inspection(inspection_id)).data)


# --- emergency releases ----------------------------------------------------------------------


class ReleaseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    batch = serializers.IntegerField(source="batch_id")
    batch_no = serializers.CharField(source="batch.batch_no")
    batch_status = serializers.CharField(source="batch.quality_status")
    status = serializers.CharField()
    reason = serializers.CharField()
    requested_by = PersonField()
    requested_at = serializers.DateTimeField(source="created_at")
    decided_by = PersonField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class ReleaseListCreateApi(QualityApi):
    class InputSerializer(serializers.Serializer):
        batch = serializers.PrimaryKeyRelatedField(queryset=Batch.objects.all())
        reason = serializers.CharField(max_length=300)

    @extend_schema(
        parameters=[OpenApiParameter("status", str)],
        responses={200: paginated(ReleaseOutputSerializer)},
    )
    def get(self, request):
        _viewer(request)
        releases = selectors.release_list(status=request.query_params.get("status", ""))
        return _paginated(request, self, releases, ReleaseOutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: ReleaseOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        release = release_services.emergency_release_request(
            actor=request.user,
            batch=data.validated_data["batch"],
            reason=data.validated_data["reason"],
        )
        return Response(ReleaseOutputSerializer(release).data, status=status.HTTP_201_CREATED)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReleaseApproveApi(QualityApi):
    @extend_schema(request=NoteSerializer, responses={200: ReleaseOutputSerializer})
    def post(self, request, release_id: int):
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        release = _get(EmergencyRelease, release_id)
        release_services.emergency_release_approve(
            actor=request.user, release=release, note=data.validated_data["note"]
        )
        return Response(ReleaseOutputSerializer(_get(EmergencyRelease, release_id)).data)


class ReleaseRejectApi(QualityApi):
    @extend_schema(request=NoteSerializer, responses={200: ReleaseOutputSerializer})
    def post(self, request, release_id: int):
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        release = release_services.emergency_release_reject(
            actor=request.user,
            release=_get(EmergencyRelease, release_id),
            note=data.validated_data["note"],
        )
        return Response(ReleaseOutputSerializer(release).data)


class BatchEmergencyReleaseApi(QualityApi):
    """The vice-president releases an uninspected batch at once, with a reason (QC-3); the
    decision is recorded on the release register like an approved request."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: None})
    def post(self, request, batch_id: int):
        batch = _get(Batch, batch_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = release_services.batch_release_by_exception(
            actor=request.user, batch=batch, reason=data.validated_data["reason"]
        )
        return Response({"batch": batch.batch_no, "quality_status": batch.quality_status})


# --- nonconformances and actions ------------------------------------------------------------


class ActionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    description = serializers.CharField()
    owner = PersonField()
    owner_id = serializers.IntegerField()
    due_on = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)
    result = serializers.CharField()
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, obj) -> bool:
        from django.utils import timezone

        return obj.is_overdue(timezone.localdate())


class NonconformanceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    source = serializers.CharField()
    source_ref = serializers.CharField()
    batch = serializers.IntegerField(source="batch_id", allow_null=True)
    inspection = serializers.IntegerField(source="inspection_id", allow_null=True)
    title = serializers.CharField()
    description = serializers.CharField()
    severity = serializers.CharField()
    status = serializers.CharField()
    owner = PersonField()
    raised_by = PersonField()
    containment = serializers.CharField()
    root_cause_method = serializers.CharField()
    whys = serializers.ListField(child=serializers.CharField())
    root_cause = serializers.CharField()
    verification = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    actions = ActionOutputSerializer(many=True, source="actions.all")


class NonconformanceInputSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Nonconformance.Source.choices)
    source_ref = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=120)
    description = serializers.CharField()
    severity = serializers.ChoiceField(choices=Nonconformance.Severity.choices, default="major")
    batch = serializers.PrimaryKeyRelatedField(
        queryset=Batch.objects.all(), required=False, allow_null=True, default=None
    )


class NonconformanceListCreateApi(QualityApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="a status, or `active`"),
            OpenApiParameter("q", str),
            OpenApiParameter("overdue", bool),
        ],
        responses={200: paginated(NonconformanceOutputSerializer)},
    )
    def get(self, request):
        _viewer(request)
        params = request.query_params
        ncs = selectors.nonconformance_list(
            status=params.get("status", ""),
            q=params.get("q", ""),
            overdue=bool(query_flag(request, "overdue")),
        ).prefetch_related("actions__owner", "raised_by")
        return _paginated(request, self, ncs, NonconformanceOutputSerializer)

    @extend_schema(
        request=NonconformanceInputSerializer, responses={201: NonconformanceOutputSerializer}
    )
    def post(self, request):
        data = NonconformanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        nc = nc_services.nonconformance_open(actor=request.user, **data.validated_data)
        return Response(NonconformanceOutputSerializer(nc).data, status=status.HTTP_201_CREATED)


class InvestigationInputSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    containment = serializers.CharField(required=False, allow_blank=True)
    root_cause_method = serializers.ChoiceField(
        choices=Nonconformance.RootCauseMethod.choices, required=False
    )
    whys = serializers.ListField(
        child=serializers.CharField(max_length=300, allow_blank=True), required=False
    )
    root_cause = serializers.CharField(required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Nonconformance.Severity.choices, required=False)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class NonconformanceDetailApi(QualityApi):
    @extend_schema(responses={200: NonconformanceOutputSerializer})
    def get(self, request, nc_id: int):
        _viewer(request)
        return Response(NonconformanceOutputSerializer(_get(Nonconformance, nc_id)).data)

    @extend_schema(
        request=whole(InvestigationInputSerializer),
        responses={200: NonconformanceOutputSerializer},
    )
    def patch(self, request, nc_id: int):
        data = InvestigationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        nc = nc_services.nonconformance_investigate(
            actor=request.user,
            nc=_get(Nonconformance, nc_id),
            data=fields,
            expected_version=version,
        )
        return Response(NonconformanceOutputSerializer(nc).data)


class ActionCreateApi(QualityApi):
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=CorrectiveAction.Kind.choices, default="corrective")
        description = serializers.CharField(max_length=300)
        owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
        due_on = serializers.DateField(required=False, allow_null=True, default=None)
        due_in_working_days = serializers.IntegerField(
            required=False, allow_null=True, default=None
        )

    @extend_schema(request=InputSerializer, responses={201: ActionOutputSerializer})
    def post(self, request, nc_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action = nc_services.corrective_action_add(
            actor=request.user, nc=_get(Nonconformance, nc_id), **data.validated_data
        )
        return Response(ActionOutputSerializer(action).data, status=status.HTTP_201_CREATED)


class ActionCompleteApi(QualityApi):
    class InputSerializer(serializers.Serializer):
        result = serializers.CharField(max_length=300)

    @extend_schema(request=InputSerializer, responses={200: ActionOutputSerializer})
    def post(self, request, action_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action = nc_services.corrective_action_complete(
            actor=request.user,
            action=_get(CorrectiveAction, action_id),
            result=data.validated_data["result"],
        )
        return Response(ActionOutputSerializer(action).data)


class VerifySerializer(serializers.Serializer):
    effective = serializers.BooleanField()
    verification = serializers.CharField()


class NonconformanceVerifyApi(QualityApi):
    @extend_schema(request=VerifySerializer, responses={200: NonconformanceOutputSerializer})
    def post(self, request, nc_id: int):
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        nc = nc_services.nonconformance_verify(
            actor=request.user, nc=_get(Nonconformance, nc_id), **data.validated_data
        )
        return Response(NonconformanceOutputSerializer(nc).data)


# --- responsibility judgements -----------------------------------------------------------------


class JudgementInputSerializer(serializers.Serializer):
    subject_type = serializers.CharField(max_length=60, help_text="e.g. `sales.shipment`")
    subject_id = serializers.IntegerField(min_value=1)
    verdict = serializers.ChoiceField(choices=ResponsibilityJudgement.Verdict.choices)
    reasoning = serializers.CharField()
    batch = serializers.PrimaryKeyRelatedField(
        queryset=Batch.objects.all(), required=False, allow_null=True, default=None
    )
    packer_no = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    packing_list_ref = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )


class JudgementOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject_type = serializers.SerializerMethodField()
    subject_id = serializers.IntegerField()
    verdict = serializers.CharField()
    reasoning = serializers.CharField()
    batch = serializers.IntegerField(source="batch_id", allow_null=True)
    packer_no = serializers.CharField()
    packing_list_ref = serializers.CharField()
    manufacturer_share = serializers.DecimalField(max_digits=5, decimal_places=2)
    judged_by = PersonField()
    updated_at = serializers.DateTimeField()

    def get_subject_type(self, obj) -> str:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"


class JudgementApi(QualityApi):
    """Record or revise the quality department's verdict on a subject (S8); GET with
    ``subject_type`` and ``subject_id`` reads it."""

    @extend_schema(
        parameters=[
            OpenApiParameter("subject_type", str, required=True),
            OpenApiParameter("subject_id", int, required=True),
        ],
        responses={200: JudgementOutputSerializer, 404: error_response(404)},
    )
    def get(self, request):
        _viewer(request)
        try:
            subject_id = int(request.query_params.get("subject_id", ""))
        except ValueError:
            raise NotFound() from None
        subject = judgement_services.subject_resolve(
            request.query_params.get("subject_type", ""), subject_id
        )
        judgement = judgement_services.judgement_for(subject)
        if judgement is None:
            raise NotFound()
        return Response(JudgementOutputSerializer(judgement).data)

    @extend_schema(request=JudgementInputSerializer, responses={200: JudgementOutputSerializer})
    def post(self, request):
        data = JudgementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        subject = judgement_services.subject_resolve(v["subject_type"], v["subject_id"])
        judgement = judgement_services.responsibility_judge(
            actor=request.user,
            subject=subject,
            verdict=v["verdict"],
            reasoning=v["reasoning"],
            batch=v["batch"],
            packer_no=v["packer_no"],
            packing_list_ref=v["packing_list_ref"],
        )
        return Response(JudgementOutputSerializer(judgement).data)


# --- liaison forms -------------------------------------------------------------------------


class LiaisonOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    contact = serializers.SerializerMethodField()
    heard_on = serializers.DateField()
    content = serializers.CharField()
    department = serializers.CharField(source="department.code")
    status = serializers.CharField()
    originator = PersonField()
    analysis = serializers.CharField()
    measures = serializers.CharField()
    handled_by = PersonField()
    handled_at = serializers.DateTimeField(allow_null=True)
    verification = serializers.CharField()
    verified_by = PersonField()
    verified_at = serializers.DateTimeField(allow_null=True)
    nonconformance = serializers.CharField(source="nonconformance.number", default=None)
    version = serializers.IntegerField()

    def get_contact(self, obj) -> str:
        from .templatetags.quality_tags import contact_for

        request = self.context.get("request")
        return contact_for(obj.contact, request.user if request else None)


class LiaisonInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LiaisonForm.Kind.choices)
    content = serializers.CharField()
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.filter(active=True)
    )
    heard_on = serializers.DateField(required=False, allow_null=True, default=None)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.filter(merged_into__isnull=True),
        required=False,
        allow_null=True,
        default=None,
    )
    contact = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class LiaisonListCreateApi(QualityApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, description="`mine`, `department` or empty"),
            OpenApiParameter("status", str, description="a status, or `active`"),
            OpenApiParameter("q", str),
        ],
        responses={200: paginated(LiaisonOutputSerializer)},
    )
    def get(self, request):
        _viewer(request)
        params = request.query_params
        forms = selectors.liaison_list(
            user=request.user,
            box=params.get("box", ""),
            status=params.get("status", ""),
            q=params.get("q", ""),
        ).select_related("handled_by", "verified_by", "nonconformance")
        return _paginated(request, self, forms, LiaisonOutputSerializer)

    @extend_schema(request=LiaisonInputSerializer, responses={201: LiaisonOutputSerializer})
    def post(self, request):
        data = LiaisonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = liaison_services.liaison_create(actor=request.user, **data.validated_data)
        return Response(
            LiaisonOutputSerializer(form, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class LiaisonDetailApi(QualityApi):
    @extend_schema(responses={200: LiaisonOutputSerializer})
    def get(self, request, form_id: int):
        _viewer(request)
        return Response(
            LiaisonOutputSerializer(_get(LiaisonForm, form_id), context={"request": request}).data
        )


class LiaisonRouteApi(QualityApi):
    class InputSerializer(serializers.Serializer):
        department = serializers.SlugRelatedField(
            slug_field="code", queryset=Department.objects.filter(active=True)
        )
        version = serializers.IntegerField(required=False)

    @extend_schema(request=InputSerializer, responses={200: LiaisonOutputSerializer})
    def post(self, request, form_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = liaison_services.liaison_route(
            actor=request.user,
            form=_get(LiaisonForm, form_id),
            department=data.validated_data["department"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(LiaisonOutputSerializer(form, context={"request": request}).data)


class LiaisonHandleApi(QualityApi):
    class InputSerializer(serializers.Serializer):
        analysis = serializers.CharField()
        measures = serializers.CharField()
        version = serializers.IntegerField(required=False)

    @extend_schema(request=InputSerializer, responses={200: LiaisonOutputSerializer})
    def post(self, request, form_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        form = liaison_services.liaison_handle(
            actor=request.user,
            form=_get(LiaisonForm, form_id),
            analysis=v["analysis"],
            measures=v["measures"],
            expected_version=v.get("version"),
        )
        return Response(LiaisonOutputSerializer(form, context={"request": request}).data)


class LiaisonVerifyApi(QualityApi):
    @extend_schema(request=VerifySerializer, responses={200: LiaisonOutputSerializer})
    def post(self, request, form_id: int):
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = liaison_services.liaison_verify(
            actor=request.user, form=_get(LiaisonForm, form_id), **data.validated_data
        )
        return Response(LiaisonOutputSerializer(form, context={"request": request}).data)


class LiaisonNonconformanceApi(QualityApi):
    @extend_schema(request=None, responses={201: NonconformanceOutputSerializer})
    def post(self, request, form_id: int):
        nc = liaison_services.liaison_raise_nonconformance(
            actor=request.user, form=_get(LiaisonForm, form_id)
        )
        return Response(NonconformanceOutputSerializer(nc).data, status=status.HTTP_201_CREATED)


# --- traceability and recalls ----------------------------------------------------------------


class DeliverySerializer(serializers.Serializer):
    shipment_number = serializers.CharField()
    shipped_at = serializers.DateTimeField()
    order_number = serializers.CharField()
    customer_id = serializers.IntegerField()
    customer_name = serializers.CharField()
    dealer_name = serializers.CharField(allow_null=True)
    quantity = serializers.IntegerField()
    accepted_quantity = serializers.IntegerField(allow_null=True)
    problem = serializers.CharField()


class TraceSerializer(serializers.Serializer):
    batch = serializers.DictField()
    inspections = serializers.ListField(child=serializers.DictField())
    emergency_releases = serializers.ListField(child=serializers.DictField())
    nonconformances = serializers.ListField(child=serializers.DictField())
    summary = serializers.DictField()
    deliveries = DeliverySerializer(many=True)
    sections = serializers.ListField(child=serializers.DictField())


class BatchTraceApi(QualityApi):
    """A batch's trace (QC-4, QC-5): production, packer, inspections, certificates, releases,
    nonconformances, and the first deliveries (``summary`` has the totals; the full list of
    customers is the recall list)."""

    @extend_schema(responses={200: TraceSerializer})
    def get(self, request, batch_id: int):
        _viewer(request)
        batch = selectors.batch_get(batch_id)
        if batch is None:
            raise NotFound()
        trace = selectors.batch_trace(batch, request.user)
        return Response(
            {
                "batch": {
                    "id": batch.pk,
                    "batch_no": batch.batch_no,
                    "product": str(batch.product),
                    "sku": batch.product.sku,
                    "production_date": batch.production_date,
                    "expiry_date": batch.expiry_date,
                    "packer_no": batch.packer_no,
                    "packing_list_ref": batch.packing_list_ref,
                    "quality_status": batch.quality_status,
                },
                "inspections": [
                    {
                        "number": i.number,
                        "kind": i.kind,
                        "verdict": i.verdict,
                        "inspected_at": i.inspected_at,
                        "inspector": _person(i.inspector),
                        "certificate": i.cert.number if i.cert else None,
                    }
                    for i in trace["inspections"]
                ],
                "emergency_releases": [
                    {
                        "status": r.status,
                        "reason": r.reason,
                        "requested_by": _person(r.requested_by),
                        "decided_by": _person(r.decided_by),
                        "decided_at": r.decided_at,
                    }
                    for r in trace["releases"]
                ],
                "nonconformances": [
                    {"number": n.number, "title": n.title, "status": n.status}
                    for n in trace["nonconformances"]
                ],
                "summary": trace["summary"],
                "deliveries": DeliverySerializer(trace["deliveries"], many=True).data,
                "sections": [
                    {
                        "key": s.key,
                        "title": str(s.title),
                        "headers": [str(h) for h in s.headers],
                        "total": s.total,
                        "rows": [
                            {"cells": [str(c) for c in r["cells"]], "url": r.get("url", "")}
                            for r in s.rows
                        ],
                    }
                    for s in trace["sections"]
                ],
            }
        )


class TraceLookupApi(QualityApi):
    """The reverse trace: a serial number, batch number, delivery note (or a case number,
    once cases exist) → the batches it leads to."""

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Empty: no matches ([]).")],
        responses={200: serializers.ListSerializer(child=serializers.DictField())},
    )
    def get(self, request):
        _viewer(request)
        return Response(selectors.trace_lookup(request.query_params.get("q", ""), request.user))


class RecallOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.CharField()
    due_on = serializers.DateField()
    batches = serializers.SerializerMethodField()
    customers = serializers.SerializerMethodField()
    contacted = serializers.SerializerMethodField()

    def get_batches(self, obj) -> list[str]:
        return [b.batch_no for b in obj.batches.all()]

    def get_customers(self, obj) -> int:
        annotated = getattr(obj, "customers", None)  # from selectors.recall_list()
        return annotated if annotated is not None else obj.tasks.count()

    def get_contacted(self, obj) -> int:
        annotated = getattr(obj, "done", None)
        if annotated is not None:
            return annotated
        return obj.tasks.exclude(outcome=RecallTask.Outcome.PENDING).count()


class RecallListCreateApi(QualityApi):
    class InputSerializer(serializers.Serializer):
        batches = serializers.PrimaryKeyRelatedField(
            queryset=Batch.objects.all(), many=True, allow_empty=False
        )
        reason = serializers.CharField(max_length=300)
        due_in_working_days = serializers.IntegerField(default=5)
        assignee = serializers.PrimaryKeyRelatedField(
            queryset=User.objects.all(), required=False, allow_null=True, default=None
        )

    @extend_schema(responses={200: paginated(RecallOutputSerializer)})
    def get(self, request):
        if not can_work_recall(request.user):
            raise PermissionDenied()
        return _paginated(
            request,
            self,
            selectors.recall_list().prefetch_related("batches"),
            RecallOutputSerializer,
        )

    @extend_schema(request=InputSerializer, responses={201: RecallOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recall = recall_services.recall_create(actor=request.user, **data.validated_data)
        return Response(RecallOutputSerializer(recall).data, status=status.HTTP_201_CREATED)


class RecallTaskApi(QualityApi):
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=RecallTask.Outcome.choices)
        note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={200: None})
    def post(self, request, task_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = recall_services.recall_task_record(
            actor=request.user, task=_get(RecallTask, task_id), **data.validated_data
        )
        return Response({"id": task.pk, "outcome": task.outcome, "note": task.note})


class RecallCloseApi(QualityApi):
    @extend_schema(request=None, responses={200: RecallOutputSerializer})
    def post(self, request, recall_id: int):
        recall = recall_services.recall_close(actor=request.user, recall=_get(Recall, recall_id))
        return Response(RecallOutputSerializer(recall).data)


class SerialTraceSerializer(serializers.Serializer):
    serial = serializers.CharField()
    product = serializers.CharField()
    batch = serializers.IntegerField(allow_null=True)
    batch_no = serializers.CharField(allow_null=True)
    owner = serializers.CharField(allow_null=True)
    warranty_start = serializers.DateField(allow_null=True)
    deliveries = serializers.ListField(child=serializers.DictField())


class SerialTraceApi(QualityApi):
    @extend_schema(responses={200: SerialTraceSerializer})
    def get(self, request, serial_id: int):
        _viewer(request)
        trace = selectors.serial_trace(_get(SerialNumber, serial_id))
        serial = trace["serial"]
        return Response(
            {
                "serial": serial.serial,
                "product": str(serial.product),
                "batch": serial.batch_id,
                "batch_no": serial.batch.batch_no if serial.batch else None,
                "owner": serial.owner.name if serial.owner else None,
                "warranty_start": serial.warranty_start,
                "deliveries": [
                    {
                        "shipment_number": line.shipment.number,
                        "order_number": line.shipment.order.number,
                        "customer_name": line.shipment.order.customer.name,
                        "shipped_at": line.shipment.shipped_at,
                    }
                    for line in trace["deliveries"]
                ],
            }
        )
