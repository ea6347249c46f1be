from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import add_error_to_form
from aftersales.workdays.permissions import can_manage_calendar

from . import selectors, services
from .forms import PolicyForm, StepFormSet, TargetFormSet
from .models import Metric, SlaPolicy, Unit

MAX_LEVELS = 4


def _admin_only(request) -> None:
    if not can_manage_calendar(request.user):
        raise Http404


@login_required
def policy_list(request):
    _admin_only(request)
    return render(request, "sla/policy_list.html", {"policies": selectors.sla_policy_list()})


def _initial(policy: SlaPolicy | None):
    if policy is None:
        fields = {"business_opens": "09:00", "business_closes": "18:00", "active": True}
        targets, steps = {}, {}
    else:
        fields = {
            f: getattr(policy, f)
            for f in (
                "name",
                "case_type",
                "priority",
                "channel",
                "customer_level",
                "business_opens",
                "business_closes",
                "active",
                "source",
                "version",
            )
        }
        fields["pause_statuses"] = ", ".join(policy.pause_statuses or [])
        targets = {t.metric: t for t in policy.targets.all()}
        steps = {s.level: s for s in policy.escalations.all()}
    target_rows = [
        {
            "metric": m,
            "amount": getattr(targets.get(m), "amount", None),
            "unit": getattr(targets.get(m), "unit", Unit.WORKING_DAYS),
            "end_of_business": getattr(targets.get(m), "end_of_business", False),
            "source": getattr(targets.get(m), "source", ""),
        }
        for m in Metric.values
    ]
    step_rows = [
        {
            "level": level,
            "trigger": getattr(steps.get(level), "trigger", "after_due"),
            "offset_minutes": getattr(steps.get(level), "offset_minutes", None),
            "notify_role": getattr(steps.get(level), "notify_role", ""),
            "notify_responsible": getattr(steps.get(level), "notify_responsible", False),
        }
        for level in range(1, MAX_LEVELS + 1)
    ]
    return fields, target_rows, step_rows


@login_required
def policy_edit(request, policy_id: int | None = None):
    _admin_only(request)
    policy = get_object_or_404(SlaPolicy, pk=policy_id) if policy_id else None
    fields, target_rows, step_rows = _initial(policy)
    data = request.POST if request.method == "POST" else None
    form = PolicyForm(data, initial=fields)
    targets = TargetFormSet(data, initial=target_rows, prefix="t")
    steps = StepFormSet(data, initial=step_rows, prefix="s")
    if data is not None and form.is_valid() and targets.is_valid() and steps.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        target_inputs = [
            services.TargetInput(
                t["metric"], t["amount"], t["unit"], t["end_of_business"], t["source"]
            )
            for t in targets.cleaned_data
            if t.get("amount")
        ]
        step_inputs = [
            services.StepInput(
                s["level"],
                s["trigger"],
                s["offset_minutes"] or 0,
                s["notify_role"],
                s["notify_responsible"],
            )
            for s in steps.cleaned_data
            if s.get("offset_minutes") is not None
            or s.get("notify_role")
            or s.get("notify_responsible")
        ]
        try:
            saved = services.sla_policy_save(
                actor=request.user,
                policy=policy,
                fields=values,
                targets=target_inputs,
                steps=step_inputs,
                expected_version=version,
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The policy %(name)s was saved.") % {"name": saved})
            return redirect("sla:policy-list")
    metric_labels = dict(Metric.choices)
    return render(
        request,
        "sla/policy_form.html",
        {
            "policy": policy,
            "form": form,
            "targets": targets,
            "steps": steps,
            "target_rows": [(metric_labels[f.initial["metric"]], f) for f in targets.forms],
        },
    )
