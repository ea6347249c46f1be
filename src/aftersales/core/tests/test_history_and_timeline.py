"""Every business model keeps history (SEC-2); the timeline shows it in words."""

import pytest
from django.apps import apps

from aftersales.accounts import services
from aftersales.accounts.roles import Role
from aftersales.core.models import ExportRecord, Notification, NumberCounter, OutboundMessage
from aftersales.core.timeline import timeline_for
from aftersales.customers.models import PhoneReveal
from aftersales.feedback.models import (
    ChecklistItem,
    ComplaintReport,
    FollowUpAttempt,
    Question,
    SelfInspectionCase,
    SelfInspectionResult,
    Survey,
)
from aftersales.knowledge.models import ArticleVersion, HelpfulVote, SuggestionUse
from aftersales.management.models import Fact, FactLedger, SummaryState
from aftersales.partners.models import PartnerCase, WebhookAttempt, WebhookDelivery
from aftersales.quality.models import Certificate, InspectionResult, RecallTask

# Not business records: counters change on every allocation (the numbers live on documents,
# which keep history); notifications are messages; pauses and escalations are append-only
# event rows of a clock, which itself keeps history and shows them on the owner's timeline;
# export records, phone reveals, order events and sent messages are themselves the audit
# trail (SEC-1, SEC-2); acceptance photos are evidence, never edited.
from aftersales.repairs.models import (
    AppointmentChange,
    ChargeLine,
    CounterSaleLine,
    Stock,
    StockMove,
    WorkOrderEvent,
    WorkOrderPhoto,
)
from aftersales.sales.models import AcceptancePhoto, OrderEvent
from aftersales.service.models import CaseAttachment, CaseEvent
from aftersales.sla.models import SlaEscalation, SlaPause
from aftersales.staff.models import CourseMaterial, RecordView, ScorecardEvent, ScorecardLine
from aftersales.warranty.models import ApplicationEvent, Evidence, Payment

NO_HISTORY = {
    # the article's history is its versions: each one kept, never edited once submitted
    ArticleVersion,
    SuggestionUse,  # a suggestion put to use: append-only
    HelpfulVote,  # a reader's answer: append-only
    Fact,  # the cockpit's sums: derived from the records, rebuilt at will
    FactLedger,  # what each record adds to them
    SummaryState,  # how far the refresh has read
    NumberCounter,
    Notification,
    SlaPause,
    SlaEscalation,
    ExportRecord,
    PhoneReveal,
    OrderEvent,
    AcceptancePhoto,
    OutboundMessage,
    InspectionResult,  # written once with its inspection, never edited
    Certificate,  # issued once from an inspection
    RecallTask,  # bulk-written; the outcome and who recorded it are on the row
    CaseEvent,  # the case's steps: append-only
    CaseAttachment,  # the case's photos and videos: evidence, append-only, never edited
    ApplicationEvent,  # a return application's steps: append-only
    Evidence,  # its photos and videos: append-only
    Payment,  # written with the application; the refund columns once, at the refund step
    WorkOrderEvent,  # a work order's steps: append-only
    AppointmentChange,  # the appointment's history itself
    WorkOrderPhoto,  # evidence, append-only
    Stock,  # a running total; every change is a StockMove
    StockMove,  # append-only ledger
    ChargeLine,  # written with the work order's steps, which are on its timeline
    CounterSaleLine,  # written once with its sale
    FollowUpAttempt,  # a follow-up's calls: append-only, on the case's timeline
    Survey,  # sent once, answered once (never changed after), on the case's timeline
    Question,  # part of a questionnaire version, frozen once the version is answered
    ComplaintReport,  # made once a month from the data, a stored PDF
    ChecklistItem,  # part of its checklist, like a question of a questionnaire
    SelfInspectionCase,  # the sample: drawn once with its self-inspection, never edited
    SelfInspectionResult,  # who recorded each result and when is on the row (FB-5)
    CourseMaterial,  # a course's files: added, never edited
    ScorecardLine,  # part of its scorecard; each change is a scorecard event
    ScorecardEvent,  # a scorecard's steps: append-only
    RecordView,  # who opened whose record: append-only, like PhoneReveal
    WebhookDelivery,  # the sender's log of one event to one webhook; its attempts tell it
    WebhookAttempt,  # each try of a delivery: append-only
    PartnerCase,  # which API key took a case in: written once with the case
}


def test_every_business_model_has_history():
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("aftersales.") or model in NO_HISTORY:
            continue
        if hasattr(model, "instance_type"):  # a history table itself
            continue
        if not hasattr(model, "history"):
            missing.append(model.__name__)
    assert missing == []


@pytest.mark.django_db
def test_timeline_shows_who_changed_which_field_from_what_to_what(admin_user, make_user):
    person = make_user(Role.SALES, full_name="王强", phone="13912345678")
    services.user_update(
        actor=admin_user,
        user=person,
        full_name="王强",
        email=person.email,
        phone="13987654321",
        department=person.department,
        is_active=True,
        roles=[Role.SALES, Role.CUSTOMER_SERVICE],
    )
    events = timeline_for(person)
    newest = events[0]
    assert newest.actor == "管理员甲"
    assert "sales" in newest.note and "customer_service" in newest.note
    phone_change = next(e for e in events if e.changes)
    assert [(c.field, c.old, c.new) for c in phone_change.changes] == [
        ("电话", "13912345678", "13987654321")
    ]
    assert events[-1].kind == "created"


@pytest.mark.django_db
def test_timeline_renders_on_the_person_page(client, admin_user, make_user):
    person = make_user(Role.SERVICE, full_name="赵六")
    client.force_login(admin_user)
    html = client.get(f"/accounts/users/{person.pk}/").content.decode()
    assert 'data-testid="timeline"' in html
    assert "新建" in html
