"""Questionnaires as data, versioned (FB-2): an answered version never changes; a change is
the next version, published in its place."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, PermissionDenied

from ..models import Question, Questionnaire, QuestionnaireVersion
from ..permissions import can_manage_questionnaires


def version_is_answered(version: QuestionnaireVersion) -> bool:
    return version.surveys.exists()


@transaction.atomic
def questionnaire_new_version(
    *, actor, questionnaire: Questionnaire, note: str = ""
) -> QuestionnaireVersion:
    """A copy of the newest version's questions as a draft to edit, not yet in use."""
    if not can_manage_questionnaires(actor):
        raise PermissionDenied(_("Only administrators change questionnaires."))
    latest = questionnaire.versions.order_by("-number").first()
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=(latest.number + 1) if latest else 1,
        note=(note or "").strip()[:200],
    )
    if latest is not None:
        Question.objects.bulk_create(
            [
                Question(
                    version=version,
                    code=q.code,
                    text=q.text,
                    kind=q.kind,
                    choices=q.choices,
                    required=q.required,
                    position=q.position,
                )
                for q in latest.questions.all()
            ]
        )
    return version


@transaction.atomic
def questionnaire_publish(*, actor, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """New surveys go out with this version from now on (answered ones keep theirs)."""
    if not can_manage_questionnaires(actor):
        raise PermissionDenied(_("Only administrators change questionnaires."))
    if not version.questions.exists():
        raise Conflict(_("A version without questions cannot be used."), code="no_questions")
    QuestionnaireVersion.objects.filter(questionnaire=version.questionnaire_id).exclude(
        pk=version.pk
    ).update(published=False)
    version.published = True
    version.save(update_fields=["published", "updated_at"])
    return version
