"""The 三包 part of the workbench (core.workbench): return applications to decide, refunds
due, dealer claims waiting for the quality department's judgement or for a decision; the
weekly return applications. Each count is the list behind its link, filtered alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.navigation import list_url
from aftersales.core.workbench import Figure, Todo, weekly_counts

from .compliance import LATE_REFUND, late_refunds_for
from .models import Application, DealerClaim
from .permissions import can_refund, can_review, can_view_compliance, can_view_warranty
from .selectors import application_filter, application_list_for_user
from .services.claims import claim_list_for_user


def todos(user, ctx):
    if can_review(user) and user_has_role(user, Role.SERVICE):
        applied = Application.Status.APPLIED
        yield Todo(
            "warranty.to_decide",
            _("Return applications to decide"),
            application_filter(user, status=applied).count(),
            list_url("warranty:application-list", status=applied),
            icon="arrow-left-right",
            order=30,
        )
    if can_refund(user) and user_has_role(user, Role.SERVICE, Role.SALES_VP):
        yield Todo(
            "warranty.refunds",
            _("Refunds due"),
            application_filter(user, status="open", refund_due=True).count(),
            list_url("warranty:application-list", refund_due="1"),
            icon="cash-coin",
            order=31,
        )
    submitted = DealerClaim.Status.SUBMITTED
    if user_has_role(user, Role.QUALITY):
        yield Todo(
            "warranty.claims_to_judge",
            _("Dealer claims waiting for a responsibility judgement"),
            claim_list_for_user(user, status=submitted, judged=False).count(),
            list_url("warranty:claim-list", status=submitted, judged="no"),
            icon="clipboard-data",
            order=14,
        )
    if user_has_role(user, Role.QUALITY, Role.SALES_VP):
        yield Todo(
            "warranty.claims_to_decide",
            _("Dealer claims to decide"),
            claim_list_for_user(user, status=submitted, judged=True).count(),
            list_url("warranty:claim-list", status=submitted, judged="yes"),
            icon="cash-stack",
            order=15,
        )


def figures(user, ctx):
    if not can_view_warranty(user):
        return
    if user_has_role(user, Role.SERVICE, Role.CUSTOMER_SERVICE, Role.SALES_VP, Role.DEALER):
        yield Figure(
            "warranty.applications",
            _("Return applications"),
            weekly_counts(application_list_for_user(user), "created_at", ctx),
            url=list_url("warranty:application-list", status="all"),
            order=35,
        )
    # WAR-14: the late refunds (three times the refund at stake) by the week they fell due,
    # for management and the quality department; administrators' workbench keeps to the system.
    if can_view_compliance(user) and user_has_role(user, Role.QUALITY, Role.SERVICE, Role.SALES_VP):
        yield Figure(
            "warranty.late_refunds",
            _("Late refunds"),
            weekly_counts(late_refunds_for(user, ctx.today), "refund_due_on", ctx, dates=True),
            url=list_url("warranty:compliance", kind=LATE_REFUND),
            order=36,
        )
