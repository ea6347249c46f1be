"""Responsibility judgement (S8, SVC-9, WAR-9): after the customer's problem is solved, the
quality department decides from the photos and the batch/packer data whose fault it was;
the verdict sets how the 三包 cost is split between manufacturer and dealer."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied
from aftersales.core.services import full_clean_or_invalid, model_update

from ..models import ResponsibilityJudgement
from ..permissions import can_manage_quality

V = ResponsibilityJudgement.Verdict
# S8: the manufacturer carries a defect that is its fault; when it is not, dealer and
# manufacturer split the cost half and half (WAR-9).
MANUFACTURER_SHARE = {
    V.MANUFACTURER: Decimal("1.00"),
    V.TRANSPORT: Decimal("0.50"),
    V.DEALER: Decimal("0.50"),
    V.CUSTOMER: Decimal("0.50"),
    V.NO_DEFECT: Decimal("0.50"),
}

# Which records may be judged: "app_label.model" → label. Apps add theirs (the service app
# adds its cases); a delivery with damage found at acceptance is judged from the start.
_SUBJECTS: dict[str, object] = {"sales.shipment": gettext_lazy("Delivery")}


def register_judgement_subject(model: type[models.Model], label) -> None:
    _SUBJECTS[model._meta.label_lower] = label


def judgement_subjects() -> dict[str, object]:
    return dict(_SUBJECTS)


def subject_resolve(subject_type: str, subject_id: int) -> models.Model:
    if subject_type not in _SUBJECTS:
        raise InvalidInput(fields={"subject_type": [_("This kind of record cannot be judged.")]})
    app_label, model = subject_type.split(".", 1)
    model_class = ContentType.objects.get_by_natural_key(app_label, model).model_class()
    subject = model_class._default_manager.filter(pk=subject_id).first()
    if subject is None:
        raise NotFound()
    return subject


def judgement_for(subject: models.Model) -> ResponsibilityJudgement | None:
    return (
        ResponsibilityJudgement.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )
        .select_related("batch", "judged_by")
        .first()
    )


def cost_split(judgement: ResponsibilityJudgement | None, cost: Decimal) -> dict[str, Decimal]:
    """The manufacturer's and the dealer's part of a 三包 cost. No judgement yet: the seller
    carries it for now (谁销售谁负责, WAR-10)."""
    share = judgement.manufacturer_share if judgement else Decimal("0")
    manufacturer = (cost * share).quantize(Decimal("0.01"))
    return {"manufacturer": manufacturer, "dealer": cost - manufacturer}


@transaction.atomic
def responsibility_judge(
    *,
    actor,
    subject: models.Model,
    verdict: str,
    reasoning: str,
    batch=None,
    packer_no: str = "",
    packing_list_ref: str = "",
) -> ResponsibilityJudgement:
    """Record (or revise) the verdict on a subject. The batch's packer and packing list are
    taken from the batch unless given."""
    if not can_manage_quality(actor):
        raise PermissionDenied(_("The quality department judges responsibility."))
    errors = {}
    if verdict not in V.values:
        errors["verdict"] = [_("Choose a verdict from the list.")]
    if not (reasoning or "").strip():
        errors["reasoning"] = [_("Explain the verdict: what the photos and the batch data show.")]
    if errors:
        raise InvalidInput(fields=errors)
    data = {
        "verdict": verdict,
        "reasoning": reasoning.strip(),
        "batch": batch,
        "packer_no": (packer_no or (batch.packer_no if batch else "")).strip(),
        "packing_list_ref": (packing_list_ref or (batch.packing_list_ref if batch else "")).strip(),
        "manufacturer_share": MANUFACTURER_SHARE[verdict],
        "judged_by": actor,
    }
    existing = judgement_for(subject)
    if existing is not None:
        existing = ResponsibilityJudgement.objects.select_for_update().get(pk=existing.pk)
        existing._history_user = actor
        judgement, _changed = model_update(instance=existing, fields=list(data), data=data)
        return judgement
    judgement = ResponsibilityJudgement(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, **data
    )
    full_clean_or_invalid(judgement)
    judgement._history_user = actor
    judgement.save()
    return judgement
