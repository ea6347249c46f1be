"""Improvement proposals from the complaint analysis (FB-3, S9, S15): the complaints of one
bar become a nonconformance with corrective actions, or a liaison form to a department, and
stay linked to it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.numbering import document_number_next
from aftersales.service.registers import dimension_filter

from ..analysis import DIMENSION_LABELS, Period, complaints_in
from ..models import ImprovementProposal
from ..permissions import can_analyse_complaints

MAX_LINKED = 500  # complaints linked to one proposal; the bar's count says how many in all
LISTED = 30  # case numbers written into the nonconformance's description


@transaction.atomic
def proposal_raise(
    *,
    actor,
    period: Period,
    dimension: str,
    key: str,
    key_label: str,
    title: str,
    description: str,
    target: str,
    department=None,
    severity: str = "major",
) -> ImprovementProposal:
    from aftersales.quality.models import LiaisonForm, Nonconformance
    from aftersales.quality.services.liaison import liaison_create
    from aftersales.quality.services.nonconformances import nonconformance_open

    if not can_analyse_complaints(actor):
        raise PermissionDenied(_("You may not raise improvement proposals."))
    errors: dict[str, list[str]] = {}
    title, description = (title or "").strip(), (description or "").strip()
    if dimension not in DIMENSION_LABELS or not key:
        errors["key"] = [_("Choose a bar of the analysis.")]
    if not title:
        errors["title"] = [_("Give the proposal a title.")]
    elif len(title) > 120:
        errors["title"] = [_("At most %(n)s characters.") % {"n": 120}]
    if not description:
        errors["description"] = [_("Say what should be improved.")]
    if target not in ImprovementProposal.Target.values:
        errors["target"] = [_("Choose a nonconformance or a liaison form.")]
    elif target == ImprovementProposal.Target.LIAISON and (
        department is None or not department.active
    ):
        errors["department"] = [_("Choose the department concerned.")]
    if severity not in Nonconformance.Severity.values:
        errors["severity"] = [_("Choose a severity.")]
    cases = []
    if "key" not in errors:
        cases = list(
            complaints_in(actor, period)
            .filter(**dimension_filter(dimension, key))
            .order_by("created_at")
            .only("pk", "number", "batch_id")[:MAX_LINKED]
        )
        if not cases:
            errors["key"] = [_("No complaints behind this bar in the period.")]
    if errors:
        raise InvalidInput(fields=errors)
    number = document_number_next(kind="improvement_proposal")
    numbers = ", ".join(c.number for c in cases[:LISTED])
    more = len(cases) - LISTED
    listing = _("Complaints (%(period)s, %(dimension)s: %(label)s): %(numbers)s") % {
        "period": period.label,
        "dimension": DIMENSION_LABELS[dimension],
        "label": key_label,
        "numbers": numbers + (f" … (+{more})" if more > 0 else ""),
    }
    proposal = ImprovementProposal(
        number=number,
        title=title,
        description=description,
        dimension=dimension,
        key=key[:80],
        key_label=key_label[:120],
        period_start=period.start,
        period_end=period.end,
        target=target,
        raised_by=actor,
    )
    if target == ImprovementProposal.Target.NONCONFORMANCE:
        batch = None
        if dimension == "batch" and key.isdigit():
            from aftersales.catalog.models import Batch

            batch = Batch.objects.filter(pk=int(key)).first()
        proposal.nonconformance = nonconformance_open(
            actor=actor,
            source=Nonconformance.Source.COMPLAINT,
            source_ref=number,
            title=title,
            description=f"{description}\n\n{listing}",
            severity=severity,
            batch=batch,
        )
    else:
        proposal.liaison_form = liaison_create(
            actor=actor,
            kind=LiaisonForm.Kind.COMPLAINT,
            content=f"{title}\n{description}\n\n{listing}",
            department=department,
            contact=_("Complaint analysis %(number)s") % {"number": number},
        )
    proposal._history_user = actor
    proposal.save()
    proposal.complaints.set(cases)
    return proposal
