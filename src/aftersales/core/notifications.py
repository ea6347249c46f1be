"""Telling people: an in-product message (the bell) and, where they have an address, e-mail.

E-mail goes out after the transaction commits, through a task (a worker with a broker, in the
process without one), so a rolled-back use case sends nothing and a slow mail server never
holds a database lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    link: str = "",
    level: str = "info",
    email: bool = True,
) -> list[Notification]:
    people = {p.pk: p for p in recipients if p is not None and p.is_active}
    rows = Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, title=title[:200], body=body, link=link, level=level)
            for pk in people
        ]
    )
    if email:
        addressed = [p.email for p in people.values() if p.email]
        if addressed:
            from .tasks import send_email

            transaction.on_commit(
                lambda: send_email.delay(to=addressed, subject=title, body=f"{body}\n\n{link}")
            )
    return rows


@dataclass(frozen=True)
class Message:
    recipients: tuple
    title: str
    body: str = ""
    link: str = ""
    level: str = "info"


def notify_many(messages: Iterable[Message], *, email: bool = True) -> int:
    """Many messages at once (one INSERT), e.g. from a sweep over thousands of records."""
    rows, mails = [], []
    for m in messages:
        people = {p.pk: p for p in m.recipients if p is not None and p.is_active}
        rows.extend(
            Notification(
                recipient_id=pk, title=m.title[:200], body=m.body, link=m.link, level=m.level
            )
            for pk in people
        )
        addressed = [p.email for p in people.values() if p.email]
        if email and addressed:
            mails.append((addressed, m.title, f"{m.body}\n\n{m.link}"))
    Notification.objects.bulk_create(rows, batch_size=2000)
    if mails:
        from .tasks import send_email

        def send():
            for to, subject, body in mails:
                send_email.delay(to=to, subject=subject, body=body)

        transaction.on_commit(send)
    return len(rows)


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for_user(user, *, unread_only: bool = False):
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
