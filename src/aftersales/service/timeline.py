from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.timeline import TimelineEvent, actor_name

from .models import Case, CaseAttachment

# Delay compensation (SVC-10, SVC-11): the offer and the customer's answer.
COMPENSATION_TITLES = {
    "compensation": gettext_lazy("Delay compensation offered"),
    "compensation_accepted": gettext_lazy("Delay compensation accepted"),
    "compensation_refund": gettext_lazy("The customer chose a refund for the delay"),
    "compensation_declined": gettext_lazy("Delay compensation declined"),
}

# The fault code, and support knowledge put to use on the case (FB-4).
KNOWLEDGE_TITLES = {
    "fault_code": gettext_lazy("Fault code set"),
    "knowledge": gettext_lazy("Knowledge attached"),
    "knowledge_sent": gettext_lazy("Help article sent to the customer"),
}


def case_events(case: Case) -> list[TimelineEvent]:
    """The workflow steps on the case's timeline, with the step's note."""
    labels = dict(Case.Status.choices)
    sub = dict(Case.Substatus.choices)
    events = []
    for event in case.events.select_related("actor"):
        if event.action == "created":
            continue  # the record's own history says "created"
        if event.action == "substatus":
            title = str(sub.get(event.to_status, event.to_status))
        elif event.from_status:
            title = _("%(from)s → %(to)s") % {
                "from": labels.get(event.from_status, event.from_status),
                "to": labels.get(event.to_status, event.to_status),
            }
        elif event.action == "promise":
            title = _("Timetable promised to the customer")
        elif event.action == "assign":
            title = _("Assigned")
        elif event.action == "merge":
            title = _("Merged")
        elif event.action == "split":
            title = _("Split")
        elif event.action == "mail":
            title = _("The customer wrote")
        elif event.action == "customer_merged":
            title = _("The customer's files were merged")
        elif event.action == "report_back":
            title = _("Reported back to customer service")
        elif event.action in COMPENSATION_TITLES:
            title = str(COMPENSATION_TITLES[event.action])
        elif event.action in KNOWLEDGE_TITLES:
            title = str(KNOWLEDGE_TITLES[event.action])
        else:
            title = str(labels.get(event.to_status, event.action))
        # No staff member on a confirmation or rejection: the customer answered the link.
        who = (
            _("The customer")
            if event.actor_id is None and event.action in ("confirm", "reject")
            else actor_name(event.actor)
        )
        events.append(TimelineEvent(event.at, who, title, "transition", note=event.note))
    return events


def attachment_events(case: Case) -> list[TimelineEvent]:
    """Each photo, video or PDF added to the case, with its name (SVC-1)."""
    return [
        TimelineEvent(
            a.created_at,
            actor_name(a.uploaded_by),
            _("File attached"),
            "note",
            note=a.original_name,
            icon="paperclip",
        )
        for a in CaseAttachment.objects.filter(case=case).select_related("uploaded_by")
    ]


def note_events(case: Case, reader=None) -> list[TimelineEvent]:
    """Each internal note (never shown to the customer), numbers in it as ``reader`` may see
    them."""
    from aftersales.customers.masking import phones_in_text_for

    from .selectors import case_notes

    return [
        TimelineEvent(
            n.created_at,
            actor_name(n.author),
            _("Internal note"),
            "note",
            note=phones_in_text_for(reader, n.text),
            icon="journal-text",
        )
        for n in case_notes(case)
    ]


def call_events(case: Case, reader=None) -> list[TimelineEvent]:
    """Each call of the call log at the moment it took place: direction, length, outcome and
    what was said."""
    from aftersales.customers.masking import phones_in_text_for

    from .selectors import case_calls
    from .services.case_log import duration_text

    events = []
    for c in case_calls(case):
        title = _("%(direction)s call · %(duration)s · %(outcome)s") % {
            "direction": c.get_direction_display(),
            "duration": duration_text(c.duration_seconds),
            "outcome": c.get_outcome_display(),
        }
        icon = "telephone-inbound" if c.direction == c.Direction.INBOUND else "telephone-outbound"
        events.append(
            TimelineEvent(
                c.called_at,
                actor_name(c.recorded_by),
                title,
                "note",
                note=phones_in_text_for(reader, c.note),
                icon=icon,
            )
        )
    return events
