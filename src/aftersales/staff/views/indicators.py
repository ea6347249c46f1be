"""The assessment indicators (STF-2) for human resources: targets, weights, in use or not."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text

from ..models import Indicator
from ..permissions import can_compute_scorecards
from ..services.scorecards import indicators_update


@login_required
def indicator_list(request):
    if not can_compute_scorecards(request.user):
        raise Http404
    indicators = list(Indicator.objects.order_by("role", "period_kind", "position", "code"))
    errors: dict = {}
    if request.method == "POST":
        changes = {
            i.pk: {
                "target": request.POST.get(f"target_{i.pk}", ""),
                "weight": request.POST.get(f"weight_{i.pk}", ""),
                "active": request.POST.get(f"active_{i.pk}") == "on",
            }
            for i in indicators
        }
        try:
            n = indicators_update(actor=request.user, changes=changes)
        except ApplicationError as exc:
            errors = exc.fields or {}
            messages.error(request, error_text(exc))
            for i in indicators:  # show what was typed
                i.typed_target = changes[i.pk]["target"]
                i.typed_weight = changes[i.pk]["weight"]
                i.active = changes[i.pk]["active"]
        else:
            messages.success(
                request,
                _("%(n)s indicators saved; they count from the next scorecards computed.")
                % {"n": n},
            )
            return redirect("staff:indicators")
    for i in indicators:
        i.target_errors = errors.get(f"target_{i.pk}", [])
        i.weight_errors = errors.get(f"weight_{i.pk}", [])
    groups = []
    for _key, rows in groupby(indicators, key=lambda i: (i.role, i.period_kind)):
        rows = list(rows)
        groups.append(
            {
                "role": rows[0].get_role_display(),
                "kind": rows[0].get_period_kind_display(),
                "rows": rows,
                "weight": sum(r.weight for r in rows if r.active),
            }
        )
    return render(request, "staff/indicator_list.html", {"groups": groups})
