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
from django.utils.translation import gettext as _

from .bulk import db_datetime, insert_rows
from .models import Notification

DIGEST_LINES = 50  # an e-mail lists this many items; the rest are in the product


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


def notify_many(messages: Iterable[Message], *, email_subject: str = "") -> int:
    """Many messages at once (one INSERT), e.g. from a sweep over thousands of records.

    With ``email_subject`` each person also gets *one* e-mail listing their messages (a
    digest), not one e-mail per message: nobody reads ten thousand e-mails.
    """
    rows = []
    digests: dict[str, list[str]] = {}
    created = db_datetime(timezone.now())
    for m in messages:
        people = {p.pk: p for p in m.recipients if p is not None and p.is_active}
        rows.extend((pk, m.title[:200], m.body, m.link, m.level, created, None) for pk in people)
        if email_subject:
            for person in people.values():
                if person.email:
                    digests.setdefault(person.email, []).append(f"- {m.title} {m.body}".strip())
    insert_rows(
        Notification,
        ["recipient", "title", "body", "link", "level", "created_at", "read_at"],
        rows,
    )
    if digests:
        from .tasks import send_email

        def send():
            for address, lines in digests.items():
                shown = lines[:DIGEST_LINES]
                if len(lines) > DIGEST_LINES:
                    shown.append(
                        _("… and %(n)s more: see Notifications in the system.")
                        % {"n": len(lines) - DIGEST_LINES}
                    )
                send_email.delay(to=[address], subject=email_subject, body="\n".join(shown))

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
