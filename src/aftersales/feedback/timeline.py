"""The follow-ups and survey answers on the case's timeline."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.core.timeline import TimelineEvent

from .models import FollowUpAttempt, Survey
from .services.surveys import scores_text


def case_feedback_events(case) -> list[TimelineEvent]:
    out = []
    calls = FollowUpAttempt.objects.filter(follow_up__case=case).select_related("by", "follow_up")
    for call in calls:
        out.append(
            TimelineEvent(
                at=call.at,
                actor=str(call.by),
                title=_("Follow-up %(number)s: %(outcome)s")
                % {"number": call.follow_up.number, "outcome": call.get_outcome_display()},
                kind="note",
                note=call.note,
                icon="telephone-outbound",
            )
        )
    for survey in Survey.objects.filter(case=case).select_related("recorded_by"):
        out.append(
            TimelineEvent(
                at=survey.sent_at,
                actor="",
                title=_("Satisfaction survey sent (%(via)s)")
                % {"via": survey.get_sent_via_display()},
                kind="note",
                icon="envelope",
            )
        )
        if survey.answered_at:
            scores = scores_text(survey)
            out.append(
                TimelineEvent(
                    at=survey.answered_at,
                    actor=str(survey.recorded_by or case.customer.name),
                    title=_("Satisfaction survey answered: %(scores)s") % {"scores": scores},
                    kind="alert" if survey.low else "note",
                    note=survey.comment,
                    icon="emoji-frown" if survey.low else "emoji-smile",
                )
            )
    return out
