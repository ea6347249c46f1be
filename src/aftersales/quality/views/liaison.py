"""Liaison forms (信息联络处理单, QC-8): the lists, recording one, and the steps on its page —
handle (the department), verify (originator or quality), re-route, raise a nonconformance."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.accounts.models import Department
from aftersales.core.errors import ApplicationError, NotFound, StaleVersion
from aftersales.core.forms import StyledFormMixin, add_error_to_form, error_text
from aftersales.customers.selectors import customer_get_for_user, customer_list_for_user

from .. import selectors
from ..models import LiaisonForm
from ..permissions import can_handle_liaison, can_manage_quality, can_verify_liaison
from ..services import liaison as services
from .common import get_or_404, page_of, viewer

CUSTOMER_CHOICES = 200
BOXES = ("mine", "department", "active")
STATUS_FILTERS = ("active", *LiaisonForm.Status.values)


def _active_departments():
    return Department.objects.filter(active=True).order_by("name")


def _positive_int(raw) -> int | None:
    raw = (raw or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) < 12 and int(raw) > 0:
        return int(raw)
    return None


# --- forms ----------------------------------------------------------------------------------


class LiaisonCreateForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the customer expressed"),
        choices=LiaisonForm.Kind.choices,
        initial=LiaisonForm.Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    customer = forms.TypedChoiceField(
        label=gettext_lazy("Customer"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("If the customer is on file; otherwise say who it was below."),
    )
    contact = forms.CharField(
        label=gettext_lazy("Who said it"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Name and how to reach them."),
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Send to department"), queryset=Department.objects.none()
    )
    heard_on = forms.DateField(
        label=gettext_lazy("Heard on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    content = forms.CharField(
        label=gettext_lazy("What the customer said"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, user, customer_q: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["department"].queryset = _active_departments()
        self.fields["heard_on"].initial = timezone.localdate()
        customers = list(
            customer_list_for_user(user, q=customer_q)
            .select_related(None)
            .only("id", "name", "city")[:CUSTOMER_CHOICES]
        )
        # The chosen customer stays selectable even when outside the first rows.
        chosen = _positive_int(str(self.data.get("customer") or self.initial.get("customer") or ""))
        if chosen and chosen not in {c.pk for c in customers}:
            extra = customer_list_for_user(user).filter(pk=chosen).first()
            if extra is not None:
                customers.insert(0, extra)
        self.fields["customer"].choices = [("", "—")] + [
            (c.pk, f"{c.name} · {c.city}" if c.city else c.name) for c in customers
        ]

    def clean_customer(self):
        customer_id = self.cleaned_data.get("customer")
        if customer_id is None:
            return None
        try:
            return customer_get_for_user(self.user, customer_id=customer_id)
        except NotFound:
            raise forms.ValidationError(_("No such customer.")) from None


class _StepForm(StyledFormMixin, forms.Form):
    """A form on the detail page; several share the page, so their element ids differ."""

    step = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.step}_%s")
        super().__init__(*args, **kwargs)


class HandleForm(_StepForm):
    step = "handle"
    analysis = forms.CharField(
        label=gettext_lazy("Analysis"), widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label=gettext_lazy("Measures taken"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class VerifyForm(_StepForm):
    step = "verify"
    effective = forms.TypedChoiceField(
        label=gettext_lazy("Were the measures effective?"),
        choices=[
            ("yes", gettext_lazy("Effective: close the form")),
            ("no", gettext_lazy("Not effective: send it back to the department")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    verification = forms.CharField(
        label=gettext_lazy("What the verification found"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RouteForm(_StepForm):
    step = "route"
    department = forms.ModelChoiceField(
        label=gettext_lazy("Send to department"), queryset=Department.objects.none()
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = _active_departments()
        if exclude:
            departments = departments.exclude(pk=exclude)
        self.fields["department"].queryset = departments


# --- pages ----------------------------------------------------------------------------------


@login_required
def liaison_list(request):
    viewer(request)
    user = request.user
    box = request.GET.get("box", "")
    if box not in BOXES:
        box = "department" if user.department_id else "mine"
    # The department's box shows what waits for it unless another status is asked for.
    if "status" in request.GET:
        status = request.GET.get("status", "")
    else:
        status = {"department": LiaisonForm.Status.OPEN, "active": "active"}.get(box, "")
    if status not in STATUS_FILTERS:
        status = ""
    if box == "active" and not status:
        status = "active"
    department = _positive_int(request.GET.get("department"))
    q = request.GET.get("q", "").strip()[:100]
    forms_ = selectors.liaison_list(
        user=user,
        box="" if box == "active" else box,
        status=status,
        department=department,
        q=q,
    )
    base = LiaisonForm.objects.all()
    counts = {
        "mine": base.filter(originator=user).exclude(status=LiaisonForm.Status.CLOSED).count(),
        "department": base.filter(
            department_id=user.department_id, status=LiaisonForm.Status.OPEN
        ).count()
        if user.department_id
        else 0,
        "active": base.exclude(status=LiaisonForm.Status.CLOSED).count(),
    }
    return render(
        request,
        "quality/liaison_list.html",
        {
            "page": page_of(request, forms_),
            "box": box,
            "status": status,
            "department": department,
            "q": q,
            "statuses": LiaisonForm.Status.choices,
            "counts": counts,
            "overview": selectors.open_liaison_by_department(),
            "departments": _active_departments(),
            "has_department": bool(user.department_id),
        },
    )


@login_required
def liaison_create(request):
    viewer(request)
    searching = request.method == "POST" and "_search" in request.POST
    source = request.POST if request.method == "POST" else request.GET
    customer_q = source.get("customer_q", "").strip()[:60]
    initial = {}
    preset = _positive_int(request.GET.get("customer"))
    if preset:
        initial["customer"] = preset
    if searching:
        # "Find" narrows the customer list and keeps what was typed; nothing is saved.
        initial = {k: v for k, v in request.POST.items() if k in LiaisonCreateForm.base_fields}
    form = LiaisonCreateForm(
        None if searching else (request.POST or None),
        user=request.user,
        customer_q=customer_q,
        initial=initial,
    )
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        try:
            liaison = services.liaison_create(
                actor=request.user,
                kind=data["kind"],
                content=data["content"],
                department=data["department"],
                heard_on=data["heard_on"],
                customer=data["customer"],
                contact=data["contact"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Liaison form %(number)s was sent to %(department)s.")
                % {"number": liaison.number, "department": liaison.department},
            )
            return redirect("quality:liaison-detail", form_id=liaison.pk)
    return render(
        request,
        "quality/liaison_form.html",
        {"form": form, "customer_q": customer_q, "customer_limit": CUSTOMER_CHOICES},
    )


def _liaison(form_id: int) -> LiaisonForm:
    return get_or_404(
        LiaisonForm,
        form_id,
        select=[
            "department",
            "originator",
            "customer",
            "handled_by",
            "verified_by",
            "nonconformance",
        ],
    )


def _allowed(user, liaison: LiaisonForm) -> dict[str, bool]:
    """The steps the person may take on the form as it stands (the services decide again)."""
    is_open = liaison.status == LiaisonForm.Status.OPEN
    return {
        "handle": is_open and can_handle_liaison(user, liaison),
        "verify": liaison.status == LiaisonForm.Status.HANDLED
        and can_verify_liaison(user, liaison),
        "route": is_open
        and (can_handle_liaison(user, liaison) or can_verify_liaison(user, liaison)),
    }


def _detail(request, liaison: LiaisonForm, *, bound: dict | None = None):
    user = request.user
    is_open = liaison.status == LiaisonForm.Status.OPEN
    allowed = _allowed(user, liaison)
    may_handle, may_verify, may_route = allowed["handle"], allowed["verify"], allowed["route"]
    bound = bound or {}
    version = {"version": liaison.version}
    context = {
        "liaison": liaison,
        "handle_form": bound.get("handle") or (HandleForm(initial=version) if may_handle else None),
        "verify_form": bound.get("verify") or (VerifyForm(initial=version) if may_verify else None),
        "route_form": bound.get("route")
        or (RouteForm(initial=version, exclude=liaison.department_id) if may_route else None),
        "can_raise_nc": can_manage_quality(user) and not liaison.nonconformance_id,
        "sent_back": is_open and bool(liaison.verification),
        "verification_entries": [e for e in liaison.verification.splitlines() if e.strip()],
    }
    return render(request, "quality/liaison_detail.html", context)


@login_required
def liaison_detail(request, form_id: int):
    viewer(request)
    return _detail(request, _liaison(form_id))


@login_required
@require_POST
def liaison_step(request, form_id: int, step: str):
    viewer(request)
    if step not in ("handle", "verify", "route", "nonconformance"):
        raise Http404
    liaison = _liaison(form_id)
    user = request.user
    if step == "nonconformance":
        try:
            nc = services.liaison_raise_nonconformance(actor=user, form=liaison)
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("Nonconformance %(number)s was raised from this form.") % {"number": nc.number},
            )
        return redirect("quality:liaison-detail", form_id=liaison.pk)

    if step == "handle":
        form = HandleForm(request.POST)
    elif step == "verify":
        form = VerifyForm(request.POST)
    else:
        form = RouteForm(request.POST, exclude=liaison.department_id)
    if not form.is_valid():
        if _allowed(user, liaison)[step]:
            return _detail(request, liaison, bound={step: form})
        messages.error(request, _("This step is not open to you on this form."))
        return redirect("quality:liaison-detail", form_id=liaison.pk)
    data = form.cleaned_data
    try:
        if step == "handle":
            liaison = services.liaison_handle(
                actor=user,
                form=liaison,
                analysis=data["analysis"],
                measures=data["measures"],
                expected_version=data["version"],
            )
            done = _("The analysis and measures were recorded; the originator will verify them.")
        elif step == "verify":
            liaison = services.liaison_verify(
                actor=user,
                form=liaison,
                effective=data["effective"],
                verification=data["verification"],
                expected_version=data["version"],
            )
            done = (
                _("Verified: the form is closed.")
                if data["effective"]
                else _("Not effective: the form went back to the department.")
            )
        else:
            liaison = services.liaison_route(
                actor=user,
                form=liaison,
                department=data["department"],
                expected_version=data["version"],
            )
            done = _("The form was sent to %(department)s.") % {"department": data["department"]}
    except StaleVersion as exc:
        messages.error(request, error_text(exc))
    except ApplicationError as exc:
        if exc.fields:
            add_error_to_form(form, exc)
            return _detail(request, liaison, bound={step: form})
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)
    return redirect("quality:liaison-detail", form_id=liaison.pk)
