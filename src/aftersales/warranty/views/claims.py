"""Pages of dealer claims (WAR-9, WAR-10, S8): the list, a new claim for a finished case,
the claim with the quality verdict and the split, and the dealer's monthly statement.
Thin: every rule is in ``services.claims``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import StyledFormMixin, add_error_to_form, error_text
from aftersales.core.models import ExportRecord
from aftersales.customers.models import Dealer
from aftersales.customers.permissions import is_dealer_user
from aftersales.customers.selectors import dealer_list
from aftersales.quality.permissions import can_manage_quality
from aftersales.service.selectors import case_get_for_user, case_list_for_user

from ..models import DealerClaim
from ..permissions import can_decide_claim, can_submit_claim, dealer_scope
from ..services import claims as services

PER_PAGE = 25
SUGGESTED_CASES = 20


class ClaimForm(StyledFormMixin, forms.Form):
    parts_cost = forms.DecimalField(
        label=gettext_lazy("Parts and materials (CNY)"), max_digits=12, decimal_places=2, initial=0
    )
    labour_cost = forms.DecimalField(
        label=gettext_lazy("Labour (CNY)"), max_digits=12, decimal_places=2, initial=0
    )
    other_cost = forms.DecimalField(
        label=gettext_lazy("Other costs (CNY)"),
        max_digits=12,
        decimal_places=2,
        initial=0,
        help_text=gettext_lazy("Travel, freight and the like."),
    )
    packer_no = forms.CharField(
        label=gettext_lazy("Packer number"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("From the packing; the case's is used when left empty."),
    )
    packing_list_ref = forms.CharField(
        label=gettext_lazy("Packing list"), max_length=60, required=False
    )
    application = forms.CharField(
        label=gettext_lazy("Return / exchange application number"),
        max_length=30,
        required=False,
    )
    description = forms.CharField(
        label=gettext_lazy("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Parts replaced, hours of work, trips."),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = forms.CharField(max_length=300, required=False)
    manufacturer_share = forms.DecimalField(
        min_value=0, max_value=1, max_digits=3, decimal_places=2, required=False
    )
    version = forms.IntegerField(required=False)


def _viewer(request) -> None:
    """Claims are for the dealers and the departments that decide and pay them; anyone else
    gets a plain 404 (SEC-1)."""
    if not services.can_view_claims(request.user):
        raise Http404


def _claim(request, number: str) -> DealerClaim:
    _viewer(request)
    claim = services.claim_get_for_user(request.user, number=number)
    if claim is None:
        raise Http404
    return claim


@login_required
def claim_list(request):
    _viewer(request)
    user = request.user
    own = is_dealer_user(user)
    status = request.GET.get("status", "")
    if status not in DealerClaim.Status.values:
        status = ""
    dealer = "" if own else request.GET.get("dealer", "").strip()
    judged = {"yes": True, "no": False}.get(request.GET.get("judged", ""))
    claims = services.claim_list_for_user(user, status=status, dealer=dealer, judged=judged)
    page = Paginator(claims, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "warranty/claim_list.html",
        {
            "page": page,
            "status": status,
            "dealer": dealer,
            "judged": request.GET.get("judged", "") if judged is not None else "",
            "statuses": DealerClaim.Status.choices,
            "dealers": [] if own else dealer_list(),
            "is_dealer": own,
            "can_submit": can_submit_claim(user),
        },
    )


def _claimable_cases(user):
    """The reader's finished cases that have a dealer and no claim being handled."""
    open_cases = DealerClaim.objects.filter(status__in=services.OPEN_STATUSES).values("case_id")
    return (
        case_list_for_user(user)
        .filter(status__in=services.CLAIMABLE_CASE_STATUSES, dealer__isnull=False)
        .exclude(pk__in=open_cases)
        .select_related("dealer")
        .order_by("-created_at", "-id")[:SUGGESTED_CASES]
    )


@login_required
def claim_new(request):
    user = request.user
    if not can_submit_claim(user):
        raise Http404
    number = (request.POST.get("case") or request.GET.get("case") or "").strip()
    case = case_get_for_user(user, number=number) if number else None
    if request.method == "POST" and case is None:
        raise Http404  # another dealer's case looks like a missing one
    if case is None:
        if number:
            messages.error(request, _("No case has the number %(number)s.") % {"number": number})
        return render(
            request,
            "warranty/claim_new.html",
            {"case": None, "number": number, "cases": _claimable_cases(user)},
        )
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            application = services.claim_application_lookup(case=case, number=v["application"])
            claim = services.claim_submit(
                actor=user,
                case=case,
                parts_cost=v["parts_cost"],
                labour_cost=v["labour_cost"],
                other_cost=v["other_cost"],
                description=v["description"],
                packer_no=v["packer_no"],
                packing_list_ref=v["packing_list_ref"],
                application=application,
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Claim %(number)s submitted.") % {"number": claim.number})
            return redirect(claim.get_absolute_url())
    return render(
        request,
        "warranty/claim_new.html",
        {
            "case": case,
            "number": case.number,
            "form": form,
            "open_claim": services.claim_open_for_case(case),
        },
    )


@login_required
def claim_detail(request, number: str):
    claim = _claim(request, number)
    user = request.user
    judgement = services.claim_judgement(claim)
    submitted = claim.status == DealerClaim.Status.SUBMITTED
    return render(
        request,
        "warranty/claim_detail.html",
        {
            "claim": claim,
            "case": claim.case,
            "judgement": judgement,
            "split": services.claim_split(claim, judgement),
            "default_split": services.dealer_split(services.claim_policy_key(claim)),
            "can_decide": submitted and can_decide_claim(user),
            "can_judge": can_manage_quality(user),
            "can_settle": claim.status == DealerClaim.Status.APPROVED
            and services.can_settle_claim(user),
        },
    )


@login_required
@require_POST
def claim_decide(request, number: str):
    claim = _claim(request, number)
    if not can_decide_claim(request.user):
        raise Http404
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject; a share is between 0 and 1."))
        return redirect(claim.get_absolute_url())
    v = form.cleaned_data
    approve = v["decision"] == "approve"
    try:
        claim = services.claim_decide(
            actor=request.user,
            claim=claim,
            approve=approve,
            note=v["note"],
            expected_version=v["version"],
            manufacturer_share=v["manufacturer_share"],
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        if approve:
            messages.success(
                request,
                _("Claim approved: %(amount)s yuan.") % {"amount": claim.approved_amount},
            )
        else:
            messages.info(request, _("Claim rejected."))
    return redirect(claim.get_absolute_url())


@login_required
@require_POST
def claim_settle(request, number: str):
    claim = _claim(request, number)
    if not services.can_settle_claim(request.user):
        raise Http404
    version = request.POST.get("version", "")
    try:
        services.claim_settle(
            actor=request.user,
            claim=claim,
            expected_version=int(version) if version.isdigit() else None,
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Payment recorded."))
    return redirect(claim.get_absolute_url())


@login_required
def claim_statement(request):
    _viewer(request)
    user = request.user
    own = is_dealer_user(user)
    month = request.GET.get("month", "").strip() or timezone.localdate().strftime("%Y-%m")
    if own:
        dealer = dealer_scope(user)
        if dealer is None:
            raise Http404
    else:
        code = request.GET.get("dealer", "").strip()
        dealer = Dealer.objects.filter(code=code).first() if code else None
    statement, problem = None, ""
    if dealer is not None:
        try:
            year, month_no = services.month_parse(month)
            statement = services.dealer_statement(dealer=dealer, year=year, month=month_no)
        except ApplicationError as exc:
            problem = error_text(exc)
    elif not own and request.GET.get("dealer"):
        problem = _("No dealer has this code.")
    if statement is not None and request.GET.get("export") == "xlsx":
        response, count = services.dealer_statement_export(statement)
        ExportRecord.objects.create(
            user=user,
            what="dealer_claim_statement",
            rows=count,
            filters=f"dealer={dealer.code}&month={statement['label']}"[:300],
        )
        return response
    return render(
        request,
        "warranty/claim_statement.html",
        {
            "statement": statement,
            "dealer": dealer,
            "month": month,
            "problem": problem,
            "dealers": [] if own else dealer_list(),
            "is_dealer": own,
        },
    )
