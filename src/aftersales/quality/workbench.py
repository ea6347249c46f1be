"""The quality app's part of the workbench (core.workbench): batches waiting for inspection,
open nonconformances and those with overdue actions, emergency releases waiting for the
vice-president, liaison forms for the reader's department or to verify; the weekly
inspections and nonconformances. Each count is the list behind its link, filtered alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role, user_roles
from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch, EmergencyRelease
from aftersales.catalog.selectors import batch_list_for_user
from aftersales.core.navigation import list_url
from aftersales.core.workbench import Figure, Todo, weekly_counts

from . import selectors
from .models import LiaisonForm, Nonconformance
from .permissions import can_decide_release, is_staff_member


def todos(user, ctx):
    if not is_staff_member(user):
        return
    if user_has_role(user, Role.QUALITY_INSPECTION):
        pending = Batch.QualityStatus.PENDING
        yield Todo(
            "quality.to_inspect",
            _("Batches waiting for inspection"),
            batch_list_for_user(user, status=pending).count(),
            list_url("catalog:batch-list", status=pending),
            icon="clipboard-check",
            order=10,
        )
    if can_decide_release(user):
        requested = EmergencyRelease.Status.REQUESTED
        yield Todo(
            "quality.releases",
            _("Emergency releases waiting for my decision"),
            selectors.release_list(status=requested).count(),
            list_url("quality:release-list", status=requested),
            icon="unlock",
            order=11,
        )
    if user_has_role(user, Role.QUALITY):
        yield Todo(
            "quality.ncs_overdue",
            _("Nonconformances with overdue actions"),
            selectors.nonconformance_list(status="active", overdue=True).count(),
            list_url("quality:nc-list", status="active", overdue="1"),
            icon="exclamation-triangle",
            urgent=True,
            order=12,
        )
        yield Todo(
            "quality.ncs_open",
            _("Open nonconformances"),
            selectors.nonconformance_list(status="active").count(),
            list_url("quality:nc-list", status="active"),
            icon="exclamation-octagon",
            order=13,
        )
    if not user_roles(user) - {Role.ADMIN.value}:
        return  # an administrator's work is the system, not the forms
    if user.department_id:
        yield Todo(
            "quality.liaison_department",
            _("Liaison forms for my department"),
            selectors.liaison_list(
                user=user, box="department", status=LiaisonForm.Status.OPEN
            ).count(),
            list_url("quality:liaison-list", box="department", status=LiaisonForm.Status.OPEN),
            icon="envelope-paper",
            order=70,
        )
    yield Todo(
        "quality.liaison_verify",
        _("Liaison forms to verify"),
        selectors.liaison_list(user=user, box="mine", status=LiaisonForm.Status.HANDLED).count(),
        list_url("quality:liaison-list", box="mine", status=LiaisonForm.Status.HANDLED),
        icon="patch-check",
        order=71,
    )


def figures(user, ctx):
    if not is_staff_member(user):
        return
    if user_has_role(user, Role.QUALITY_INSPECTION, Role.QUALITY):
        yield Figure(
            "quality.inspections",
            _("Inspections"),
            weekly_counts(selectors.inspection_list().select_related(None), "inspected_at", ctx),
            url=list_url("quality:inspection-list"),
            order=40,
        )
    if user_has_role(user, Role.QUALITY, Role.SALES_VP):
        yield Figure(
            "quality.ncs",
            _("Nonconformances raised"),
            weekly_counts(Nonconformance.objects.all(), "created_at", ctx),
            url=list_url("quality:nc-list", status="active"),
            order=41,
        )
