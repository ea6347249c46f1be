"""The cockpit's headline figures on the vice-president's workbench (from the summary
table: one aggregate query each, whatever the number of records)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.workbench import Figure, weekly_sums

from .models import Fact


def figures(user, ctx):
    if not user_has_role(user, Role.SALES_VP):
        return
    service = reverse("management:dashboard", args=["service"])
    yield Figure(
        "management.cases",
        _("Cases received (cockpit)"),
        weekly_sums(Fact.objects.filter(measure="case.intake"), "day", "count", ctx, dates=True),
        url=service,
        order=10,
    )
    yield Figure(
        "management.sla_missed",
        _("Time limits missed"),
        weekly_sums(
            Fact.objects.filter(measure="sla.clock", key__endswith="|missed"),
            "day",
            "count",
            ctx,
            dates=True,
        ),
        url=service,
        order=11,
    )
    yield Figure(
        "management.order_amount",
        _("Order amount"),
        weekly_sums(Fact.objects.filter(measure="sales.line"), "day", "amount", ctx, dates=True),
        url=reverse("management:dashboard", args=["sales"]),
        unit="¥",
        order=12,
    )
    yield Figure(
        "management.complaints",
        _("Complaints received"),
        weekly_sums(Fact.objects.filter(measure="case.complaint"), "day", "count", ctx, dates=True),
        url=reverse("management:dashboard", args=["quality"]),
        order=13,
    )
