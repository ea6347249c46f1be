"""Pages for inspection plans and inspections (QC-1, QC-2, QC-6), with the report and the
certificate of conformity as PDFs."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.catalog.models import Batch, Category, Product
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import StyledFormMixin, add_error_to_form, error_text

from .. import selectors
from ..models import Certificate, Inspection, InspectionItem, InspectionKind, InspectionPlan
from ..pdf import certificate_pdf, inspection_report_pdf
from ..permissions import can_inspect, can_manage_quality
from ..services import inspections as services
from .common import get_or_404, page_of, viewer

REPORT_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
REPORT_MAX_BYTES = 10 * 1024 * 1024


@login_required
def inspection_list(request):
    viewer(request)
    params = request.GET
    inspections = selectors.inspection_list(
        q=params.get("q", ""), verdict=params.get("verdict", ""), kind=params.get("kind", "")
    ).prefetch_related("certificate")
    return render(
        request,
        "quality/inspection_list.html",
        {
            "page": page_of(request, inspections),
            "q": params.get("q", ""),
            "verdict": params.get("verdict", ""),
            "kind": params.get("kind", ""),
            "verdicts": Inspection.Verdict.choices,
            "kinds": InspectionKind.choices,
            "can_inspect": can_inspect(request.user),
            "waiting": Batch.objects.filter(quality_status=Batch.QualityStatus.PENDING)
            .select_related("product")
            .order_by("production_date")[:10],
        },
    )


class InspectionHeadForm(StyledFormMixin, forms.Form):
    party = forms.ChoiceField(label=gettext_lazy("Inspected by"), choices=Inspection.Party.choices)
    party_name = forms.CharField(
        label=gettext_lazy("Inspecting organisation"), max_length=120, required=False
    )
    sample_size = forms.IntegerField(label=gettext_lazy("Sample size"), min_value=1)
    note = forms.CharField(
        label=gettext_lazy("Remarks"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    report = forms.FileField(label=gettext_lazy("Report attachment"), required=False)

    def clean_report(self):
        report = self.cleaned_data.get("report")
        if not report:
            return report
        suffix = "." + report.name.rsplit(".", 1)[-1].lower() if "." in report.name else ""
        if suffix not in REPORT_TYPES:
            raise forms.ValidationError(_("Attach a PDF, JPG or PNG file."))
        if report.size > REPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return report


def _item_inputs(request, items) -> tuple[list[services.ItemInput], dict[int, dict]]:
    """Read the per-item fields (``item-<id>-passed`` / ``-value`` / ``-note``). Returns the
    inputs and what was typed, to show the form again on an error."""
    inputs, typed = [], {}
    for item in items:
        passed_raw = request.POST.get(f"item-{item.pk}-passed", "")
        value_raw = request.POST.get(f"item-{item.pk}-value", "").strip()
        note = request.POST.get(f"item-{item.pk}-note", "").strip()[:200]
        typed[item.pk] = {"passed": passed_raw, "value": value_raw, "note": note}
        passed = {"yes": True, "no": False}.get(passed_raw)
        try:
            value = Decimal(value_raw) if value_raw else None
            if value is not None and not value.is_finite():
                value = None
        except InvalidOperation:
            value = None
        inputs.append(
            services.ItemInput(item_id=item.pk, passed=passed, measured_value=value, note=note)
        )
    return inputs, typed


@login_required
def inspection_create(request):
    """Step 1: pick the batch and the plan. Step 2: a result for every check item."""
    if not can_inspect(request.user):
        raise Http404
    batch = plan = None
    batch_id = request.GET.get("batch") or request.POST.get("batch")
    plan_id = request.GET.get("plan") or request.POST.get("plan")
    if batch_id and str(batch_id).isdigit():
        batch = selectors.batch_get(int(batch_id))
    plans = services.plans_for_batch(batch) if batch else []
    if plan_id and str(plan_id).isdigit():
        plan = next((p for p in plans if p.pk == int(plan_id)), None)
    if batch is None or plan is None:
        q = request.GET.get("q", "").strip()
        batches = selectors.batch_list(q=q).order_by("-production_date")[:30] if q else []
        return render(
            request,
            "quality/inspection_start.html",
            {
                "batch": batch,
                "plans": plans,
                "q": q,
                "batches": batches,
                "pending": selectors.batch_list(status=Batch.QualityStatus.PENDING).order_by(
                    "production_date"
                )[:20],
            },
        )
    items = list(plan.items.all())
    head = InspectionHeadForm(
        request.POST or None,
        request.FILES or None,
        initial={"party": Inspection.Party.COMPANY, "sample_size": plan.sample_size},
    )
    typed: dict[int, dict] = {}
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        inputs, typed = _item_inputs(request, items)
        if head.is_valid():
            data = head.cleaned_data
            try:
                inspection = services.inspection_record(
                    actor=request.user,
                    batch=batch,
                    plan=plan,
                    results=inputs,
                    party=data["party"],
                    party_name=data["party_name"],
                    sample_size=data["sample_size"],
                    note=data["note"],
                    report=data.get("report"),
                )
            except ApplicationError as exc:
                field_errors = exc.fields
                add_error_to_form(head, exc)
            else:
                if inspection.failed:
                    messages.error(
                        request,
                        _("Inspection %(number)s failed: batch %(batch)s is blocked.")
                        % {"number": inspection.number, "batch": batch.batch_no},
                    )
                else:
                    messages.success(
                        request,
                        _("Inspection %(number)s recorded: %(verdict)s.")
                        % {
                            "number": inspection.number,
                            "verdict": inspection.get_verdict_display(),
                        },
                    )
                return redirect("quality:inspection-detail", inspection_id=inspection.pk)
    rows = []
    for index, item in enumerate(items):
        rows.append(
            {
                "item": item,
                "typed": typed.get(item.pk, {}),
                "errors": [
                    m
                    for key, msgs in field_errors.items()
                    if key.startswith(f"results[{index}]")
                    for m in msgs
                ],
            }
        )
    return render(
        request,
        "quality/inspection_form.html",
        {"batch": batch, "plan": plan, "rows": rows, "head": head},
    )


def _inspection(inspection_id: int) -> Inspection:
    inspection = (
        Inspection.objects.select_related(
            "batch", "batch__product", "plan", "inspector", "certificate"
        )
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        raise Http404
    return inspection


@login_required
def inspection_detail(request, inspection_id: int):
    viewer(request)
    inspection = _inspection(inspection_id)
    return render(
        request,
        "quality/inspection_detail.html",
        {
            "inspection": inspection,
            "results": inspection.results.select_related("item"),
            "certificate": getattr(inspection, "certificate", None),
            "nonconformances": inspection.nonconformances.all(),
        },
    )


@login_required
def inspection_report(request, inspection_id: int):
    viewer(request)
    inspection = _inspection(inspection_id)
    response = HttpResponse(inspection_report_pdf(inspection), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{inspection.number}.pdf"'
    return response


@login_required
def inspection_attachment(request, inspection_id: int):
    viewer(request)
    inspection = _inspection(inspection_id)
    if not inspection.report:
        raise Http404
    return FileResponse(
        inspection.report.open("rb"),
        as_attachment=True,
        filename=inspection.report.name.rsplit("/", 1)[-1],
    )


@login_required
def certificate_download(request, certificate_id: int):
    """The certificate travels with the goods (QC-2): staff print it, so it is a page URL."""
    viewer(request)
    certificate = get_or_404(
        Certificate,
        certificate_id,
        select=["batch", "batch__product", "inspection", "inspection__inspector"],
    )
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response


# --- plans ------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    viewer(request)
    kind, q = request.GET.get("kind", ""), request.GET.get("q", "")
    return render(
        request,
        "quality/plan_list.html",
        {
            "page": page_of(request, selectors.plan_list(kind=kind, q=q)),
            "kind": kind,
            "q": q,
            "kinds": InspectionKind.choices,
            "can_manage": can_manage_quality(request.user),
        },
    )


@login_required
def plan_detail(request, plan_id: int):
    viewer(request)
    plan = get_or_404(InspectionPlan, plan_id, select=["product", "category"])
    return render(
        request,
        "quality/plan_detail.html",
        {
            "plan": plan,
            "items": plan.items.all(),
            "recent": Inspection.objects.filter(plan=plan)
            .select_related("batch", "inspector")
            .order_by("-inspected_at")[:10],
        },
    )


class PlanForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    kind = forms.ChoiceField(label=gettext_lazy("Inspection kind"), choices=InspectionKind.choices)
    product = forms.ModelChoiceField(
        label=gettext_lazy("Product"),
        queryset=Product.objects.filter(active=True).order_by("sku"),
        required=False,
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("or category"), queryset=Category.objects.all(), required=False
    )
    sample_size = forms.IntegerField(label=gettext_lazy("Sample size"), min_value=1, initial=5)
    minor_failures_allowed = forms.IntegerField(
        label=gettext_lazy("Non-critical failures allowed"), min_value=0, initial=0
    )
    standard = forms.CharField(label=gettext_lazy("Standard"), max_length=120, required=False)


class ItemForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Check item"), max_length=80)
    aspect = forms.ChoiceField(
        label=gettext_lazy("Aspect"),
        choices=InspectionItem.Aspect.choices,
        initial=InspectionItem.Aspect.APPEARANCE,
    )
    result_type = forms.ChoiceField(
        label=gettext_lazy("Result type"),
        choices=InspectionItem.ResultType.choices,
        initial=InspectionItem.ResultType.PASS_FAIL,
    )
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=20, required=False)
    lower_limit = forms.DecimalField(
        label=gettext_lazy("Lower limit"), max_digits=14, decimal_places=4, required=False
    )
    upper_limit = forms.DecimalField(
        label=gettext_lazy("Upper limit"), max_digits=14, decimal_places=4, required=False
    )
    critical = forms.BooleanField(label=gettext_lazy("Critical"), required=False)


ItemFormSet = forms.formset_factory(ItemForm, extra=4, min_num=1, validate_min=True)


@login_required
def plan_create(request):
    if not can_manage_quality(request.user):
        raise Http404
    form = PlanForm(request.POST or None)
    items = ItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        specs = [
            services.ItemSpec(
                name=f["name"],
                aspect=f["aspect"],
                result_type=f["result_type"],
                unit=f.get("unit", ""),
                lower_limit=f.get("lower_limit"),
                upper_limit=f.get("upper_limit"),
                critical=f.get("critical", False),
            )
            for f in items.cleaned_data
            if f and f.get("name")
        ]
        try:
            plan = services.plan_create(actor=request.user, data=form.cleaned_data, items=specs)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Inspection plan %(name)s saved.") % {"name": plan})
            return redirect("quality:plan-detail", plan_id=plan.pk)
    return render(request, "quality/plan_form.html", {"form": form, "items": items})
