"""The alert when a refund passes its due day (WAR-12, WAR-14): a periodic sweep tells the
people responsible for the application — whoever decided it and whoever took it in — and the
vice-president, once per application. The customer may now claim three times the refund
(S14 二.2), so it is also a line of the compliance register.

The sweep remembers what it told in the application's own history (an event
``refund_overdue``), so running it again, or from two workers, tells nobody twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.notifications import Message, notify_many
from aftersales.quality.services.common import role_users

from ..models import Application, ApplicationEvent, Remedy

ACTION = "refund_overdue"


@dataclass(frozen=True)
class SweepResult:
    checked: int
    alerted: int


def overdue_refunds(today):
    """Returns whose refund is not recorded and whose due day has passed, not yet alerted."""
    return (
        Application.objects.filter(
            status=Application.Status.GOODS_RECEIVED,
            remedy=Remedy.RETURN,
            refunded_at__isnull=True,
            refund_due_on__lt=today,
        )
        .exclude(events__action=ACTION)
        .select_related("reviewed_by", "created_by")
        .order_by("refund_due_on", "id")
    )


@transaction.atomic
def refunds_overdue_alert(*, now=None) -> SweepResult:
    """Alert on every refund past its due day, once each; returns what it did."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    # Lock the candidates: a second sweep running at the same moment waits, then finds them
    # alerted (the event below) and skips them.
    due = list(overdue_refunds(today).select_for_update(of=("self",)))
    told = set(
        ApplicationEvent.objects.filter(application__in=due, action=ACTION).values_list(
            "application_id", flat=True
        )
    )
    due = [a for a in due if a.pk not in told]
    if not due:
        return SweepResult(0, 0)
    managers = role_users(Role.SALES_VP)
    messages, events = [], []
    for app in due:
        late = (today - app.refund_due_on).days
        amount = app.refund_total or app.price
        claim = (Decimal(amount) * 3).quantize(Decimal("0.01"))
        note = _(
            "Refund overdue by %(days)s days (due %(due)s): the customer may claim three times "
            "the refund, %(claim)s (S14)."
        ) % {"days": late, "due": app.refund_due_on.isoformat(), "claim": claim}
        messages.append(
            Message(
                recipients=tuple(app.sla_responsible_users()) + tuple(managers),
                title=_("Refund overdue on %(number)s") % {"number": app.number},
                body=note,
                link=reverse("warranty:application-detail", args=[app.number]),
                level="warning",
            )
        )
        events.append(
            ApplicationEvent(
                application=app,
                action=ACTION,
                from_status=app.status,
                to_status=app.status,
                note=note[:500],
            )
        )
    ApplicationEvent.objects.bulk_create(events)
    notify_many(messages, email_subject=_("Refunds overdue"))
    return SweepResult(len(due), len(due))
