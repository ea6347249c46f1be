"""Nonconformances and corrective/preventive actions (QC-5, QC-7): the quality manager's list,
the investigation (containment, 5 whys), actions with owners and due dates, verification."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.catalog.models import Batch
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import StyledFormMixin, add_error_to_form, error_text
from aftersales.core.hooks import call_hook

from .. import selectors
from ..models import CorrectiveAction, Nonconformance
from ..permissions import can_complete_action, can_manage_quality, is_staff_member
from ..services import nonconformances as services
from .common import get_or_404, page_of, viewer


def _people():
    """Company staff who can own a nonconformance or an action (no dealer accounts)."""
    from aftersales.customers.models import DealerMember

    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(groups__name="dealer")
        .exclude(pk__in=DealerMember.objects.values("user_id"))
        .order_by("username")
    )


@login_required
def nc_list(request):
    viewer(request)
    params = request.GET
    status = params.get("status", "active")
    mine = params.get("mine") == "1"
    ncs = selectors.nonconformance_list(
        status=status,
        q=params.get("q", ""),
        overdue=params.get("overdue") == "1",
        owner=request.user if mine else None,
    )
    return render(
        request,
        "quality/nc_list.html",
        {
            "page": page_of(request, ncs),
            "status": status,
            "q": params.get("q", ""),
            "overdue": params.get("overdue") == "1",
            "mine": mine,
            "statuses": Nonconformance.Status.choices,
            "my_actions": selectors.my_open_actions(request.user)[:20],
            "today": timezone.localdate(),
            "can_raise": is_staff_member(request.user),
        },
    )


class RaiseForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(
        label=gettext_lazy("Source"),
        choices=[
            c
            for c in Nonconformance.Source.choices
            if c[0] not in ("inspection", "emergency_release", "self_inspection")
        ],
    )
    source_ref = forms.CharField(
        label=gettext_lazy("Source reference"), max_length=60, required=False
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 4})
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"),
        choices=Nonconformance.Severity.choices,
        initial=Nonconformance.Severity.MAJOR,
    )
    batch_no = forms.CharField(label=gettext_lazy("Batch number"), max_length=40, required=False)

    def clean_batch_no(self):
        value = self.cleaned_data["batch_no"].strip()
        if not value:
            return None
        batch = Batch.objects.filter(batch_no__iexact=value).first()
        if batch is None:
            raise forms.ValidationError(_("No batch has this number."))
        return batch


@login_required
def nc_create(request):
    if not is_staff_member(request.user):
        raise Http404
    form = RaiseForm(request.POST or None, initial={"batch_no": request.GET.get("batch", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            nc = services.nonconformance_open(
                actor=request.user, batch=data.pop("batch_no"), **data
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(
                request, _("Nonconformance %(number)s raised.") % {"number": nc.number}
            )
            return redirect("quality:nc-detail", nc_id=nc.pk)
    return render(request, "quality/nc_form.html", {"form": form})


class InvestigationForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=Nonconformance.Severity.choices
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Person responsible"), queryset=_people(), required=False
    )
    containment = forms.CharField(
        label=gettext_lazy("Containment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What was done at once: goods held, customers warned …"),
    )
    root_cause_method = forms.ChoiceField(
        label=gettext_lazy("Root-cause method"),
        choices=Nonconformance.RootCauseMethod.choices,
    )
    why1 = forms.CharField(label=gettext_lazy("Why? (1)"), max_length=300, required=False)
    why2 = forms.CharField(label=gettext_lazy("Why? (2)"), max_length=300, required=False)
    why3 = forms.CharField(label=gettext_lazy("Why? (3)"), max_length=300, required=False)
    why4 = forms.CharField(label=gettext_lazy("Why? (4)"), max_length=300, required=False)
    why5 = forms.CharField(label=gettext_lazy("Why? (5)"), max_length=300, required=False)
    root_cause = forms.CharField(
        label=gettext_lazy("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class ActionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CorrectiveAction.Kind.choices)
    description = forms.CharField(label=gettext_lazy("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=gettext_lazy("Person responsible"), queryset=_people())
    due_in_working_days = forms.IntegerField(
        label=gettext_lazy("Due in working days"), min_value=1, max_value=250, initial=10
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


def _nc(nc_id: int) -> Nonconformance:
    return get_or_404(
        Nonconformance,
        nc_id,
        select=["batch", "batch__product", "inspection", "owner", "raised_by"],
    )


@login_required
def nc_detail(request, nc_id: int, investigation=None, action_form=None):
    viewer(request)
    nc = _nc(nc_id)
    whys = list(nc.whys) + [""] * (5 - len(nc.whys))
    investigation = investigation or InvestigationForm(
        initial={
            "version": nc.version,
            "severity": nc.severity,
            "owner": nc.owner_id,
            "containment": nc.containment,
            "root_cause_method": nc.root_cause_method,
            "root_cause": nc.root_cause,
            **{f"why{i + 1}": w for i, w in enumerate(whys[:5])},
        }
    )
    today = timezone.localdate()
    actions = list(nc.actions.select_related("owner"))
    for action in actions:
        action.overdue = action.is_overdue(today)
        action.can_complete = not action.done_at and can_complete_action(request.user, action)
    return render(
        request,
        "quality/nc_detail.html",
        {
            "nc": nc,
            "actions": actions,
            "investigation": investigation,
            "action_form": action_form or ActionForm(),
            "can_manage": can_manage_quality(request.user),
            "steps": _steps(nc),
            "liaison_forms": nc.liaison_forms.all(),
            # Other apps' cards (the complaints behind an improvement proposal).
            "panels": call_hook("nonconformance_panels", nonconformance=nc, request=request),
        },
    )


def _steps(nc: Nonconformance) -> list[dict]:
    """The progress bar at the top of the page: where the nonconformance stands."""
    order = [s for s, _label in Nonconformance.Status.choices]
    at = order.index(nc.status)
    return [
        {"label": label, "done": i < at, "current": i == at}
        for i, (_code, label) in enumerate(Nonconformance.Status.choices)
    ]


@login_required
@require_POST
def nc_investigate(request, nc_id: int):
    if not can_manage_quality(request.user):
        raise Http404
    nc = _nc(nc_id)
    form = InvestigationForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["whys"] = [data.pop(f"why{i}") for i in range(1, 6)]
        version = data.pop("version")
        try:
            services.nonconformance_investigate(
                actor=request.user, nc=nc, data=data, expected_version=version
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Investigation saved."))
            return redirect("quality:nc-detail", nc_id=nc.pk)
    return nc_detail(request, nc_id, investigation=form)


@login_required
@require_POST
def action_add(request, nc_id: int):
    if not can_manage_quality(request.user):
        raise Http404
    nc = _nc(nc_id)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            action = services.corrective_action_add(actor=request.user, nc=nc, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Action planned, due %(due)s.") % {"due": action.due_on.isoformat()},
            )
            return redirect("quality:nc-detail", nc_id=nc.pk)
    return nc_detail(request, nc_id, action_form=form)


@login_required
@require_POST
def action_complete(request, action_id: int):
    action = get_or_404(CorrectiveAction, action_id, select=["nonconformance"])
    if not can_complete_action(request.user, action):
        raise Http404
    try:
        services.corrective_action_complete(
            actor=request.user, action=action, result=request.POST.get("result", "")
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Action done."))
    return redirect("quality:nc-detail", nc_id=action.nonconformance_id)


@login_required
@require_POST
def nc_verify(request, nc_id: int):
    if not can_manage_quality(request.user):
        raise Http404
    nc = _nc(nc_id)
    effective = request.POST.get("effective") == "yes"
    try:
        services.nonconformance_verify(
            actor=request.user,
            nc=nc,
            effective=effective,
            verification=request.POST.get("verification", ""),
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        if effective:
            messages.success(request, _("Verified effective: the nonconformance is closed."))
        else:
            messages.warning(request, _("Not effective: plan further actions."))
    return redirect("quality:nc-detail", nc_id=nc.pk)
