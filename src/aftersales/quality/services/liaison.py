"""Liaison forms (信息联络处理单, QC-8): recorded by whoever heard the customer, handled by the
department it is sent to, verified by the originator or the quality department."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import Department
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next

from ..models import LiaisonForm, Nonconformance
from ..permissions import (
    can_handle_liaison,
    can_manage_quality,
    can_verify_liaison,
    is_staff_member,
)

S = LiaisonForm.Status


def _department_members(department: Department) -> list:
    return list(department.members.filter(is_active=True))


def _locked(form: LiaisonForm, expected_version: int | None) -> LiaisonForm:
    locked = LiaisonForm.objects.select_for_update().get(pk=form.pk)
    if expected_version is not None and expected_version != locked.version:
        raise StaleVersion()
    return locked


def _save(form: LiaisonForm, actor, fields: list[str], reason: str = "") -> LiaisonForm:
    form.version += 1
    form._history_user = actor
    if reason:
        form._change_reason = reason[:100]
    form.save(update_fields=[*fields, "version", "updated_at"])
    return form


@transaction.atomic
def liaison_create(
    *,
    actor,
    kind: str,
    content: str,
    department: Department | None,
    heard_on: date | None = None,
    customer=None,
    contact: str = "",
) -> LiaisonForm:
    if not is_staff_member(actor):
        raise PermissionDenied(_("Only company staff record liaison forms."))
    errors: dict[str, list[str]] = {}
    if kind not in LiaisonForm.Kind.values:
        errors["kind"] = [_("Choose complaint, suggestion or expectation.")]
    if not (content or "").strip():
        errors["content"] = [_("Write down what the customer said.")]
    if department is None or not department.active:
        errors["department"] = [_("Choose the department concerned.")]
    heard_on = heard_on or timezone.localdate()
    if heard_on > timezone.localdate():
        errors["heard_on"] = [_("The date is in the future.")]
    if customer is None and not (contact or "").strip():
        errors["contact"] = [_("Choose the customer or say who it was.")]
    if errors:
        raise InvalidInput(fields=errors)
    form = LiaisonForm(
        number=document_number_next(kind="liaison_form"),
        kind=kind,
        content=content.strip(),
        department=department,
        heard_on=heard_on,
        customer=customer,
        contact=(contact or "").strip()[:120],
        originator=actor,
    )
    form._history_user = actor
    form.save()
    notify(
        recipients=_department_members(department),
        title=_("Liaison form %(number)s for your department: %(kind)s")
        % {"number": form.number, "kind": form.get_kind_display()},
        body=form.content[:300],
        link=form.get_absolute_url(),
    )
    return form


@transaction.atomic
def liaison_route(
    *, actor, form: LiaisonForm, department: Department, expected_version: int | None = None
) -> LiaisonForm:
    """Send the form to another department (it reached the wrong desk)."""
    form = _locked(form, expected_version)
    if not (can_handle_liaison(actor, form) or can_verify_liaison(actor, form)):
        raise PermissionDenied(_("You may not route this form."))
    if form.status != S.OPEN:
        raise Conflict(_("Only a form still waiting for the department can be re-routed."))
    if department is None or not department.active:
        raise InvalidInput(fields={"department": [_("Choose the department concerned.")]})
    form.department = department
    _save(form, actor, ["department"], _("re-routed"))
    notify(
        recipients=_department_members(department),
        title=_("Liaison form %(number)s for your department: %(kind)s")
        % {"number": form.number, "kind": form.get_kind_display()},
        body=form.content[:300],
        link=form.get_absolute_url(),
    )
    return form


@transaction.atomic
def liaison_handle(
    *,
    actor,
    form: LiaisonForm,
    analysis: str,
    measures: str,
    expected_version: int | None = None,
) -> LiaisonForm:
    """The department records its analysis and the measures it took."""
    form = _locked(form, expected_version)
    if not can_handle_liaison(actor, form):
        raise PermissionDenied(_("Only the department the form was sent to handles it."))
    if form.status != S.OPEN:
        raise Conflict(_("This form has already been handled."), code="illegal_transition")
    errors = {}
    if not (analysis or "").strip():
        errors["analysis"] = [_("Record the analysis.")]
    if not (measures or "").strip():
        errors["measures"] = [_("Record the measures taken.")]
    if errors:
        raise InvalidInput(fields=errors)
    form.analysis, form.measures = analysis.strip(), measures.strip()
    form.handled_by, form.handled_at, form.status = actor, timezone.now(), S.HANDLED
    _save(form, actor, ["analysis", "measures", "handled_by", "handled_at", "status"])
    recipients = [form.originator]
    notify(
        recipients=recipients,
        title=_("Liaison form %(number)s handled: please verify") % {"number": form.number},
        body=form.measures[:300],
        link=form.get_absolute_url(),
    )
    return form


@transaction.atomic
def liaison_verify(
    *,
    actor,
    form: LiaisonForm,
    effective: bool,
    verification: str,
    expected_version: int | None = None,
) -> LiaisonForm:
    """The originator or quality checks the result: effective closes the form; not effective
    sends it back to the department with the reason."""
    form = _locked(form, expected_version)
    if not can_verify_liaison(actor, form):
        raise PermissionDenied(_("The originator or the quality department verifies the result."))
    if form.status != S.HANDLED:
        raise Conflict(_("Only a handled form can be verified."), code="illegal_transition")
    if not (verification or "").strip():
        raise InvalidInput(fields={"verification": [_("Record what the verification found.")]})
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    verdict = _("effective") if effective else _("not effective")
    entry = f"[{stamp} {actor.get_full_name() or actor.username}] {verdict}: {verification.strip()}"
    form.verification = f"{form.verification}\n{entry}".strip()
    form.verified_by, form.verified_at = actor, timezone.now()
    form.status = S.CLOSED if effective else S.OPEN
    _save(form, actor, ["verification", "verified_by", "verified_at", "status"], verdict)
    if not effective:
        notify(
            recipients=_department_members(form.department),
            title=_("Liaison form %(number)s sent back: not effective") % {"number": form.number},
            body=verification.strip()[:300],
            link=form.get_absolute_url(),
            level="warning",
        )
    return form


@transaction.atomic
def liaison_raise_nonconformance(*, actor, form: LiaisonForm) -> Nonconformance:
    """A complaint heard in passing that points at a product defect becomes a nonconformance."""
    from .nonconformances import nonconformance_open

    if not can_manage_quality(actor):
        raise PermissionDenied(_("Only the quality department handles nonconformances."))
    form = _locked(form, None)
    if form.nonconformance_id:
        raise Conflict(_("A nonconformance was already raised from this form."))
    nc = nonconformance_open(
        actor=actor,
        source=Nonconformance.Source.LIAISON_FORM,
        source_ref=form.number,
        title=form.content.splitlines()[0][:120],
        description=form.content,
    )
    form.nonconformance = nc
    _save(form, actor, ["nonconformance"])
    return nc
