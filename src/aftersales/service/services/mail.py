"""E-mail intake (SVC-1): new mails in the after-sales mailbox become cases; a mail whose
subject names a case number is a reply, recorded on that case. Read over IMAP, marked seen
once handled, so a mail is taken in once."""

from __future__ import annotations

import contextlib
import email
import imaplib
import logging
import re
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.notifications import notify
from aftersales.customers.models import Customer

from ..models import Case, CaseEvent, Channel, Kind
from .intake import IntakeInput, case_intake

log = logging.getLogger(__name__)
CASE_NUMBER = re.compile(r"\b([A-Z]{2,10}-\d{8}-\d{3,6})\b")
MAX_BODY = 5000


@dataclass
class MailResult:
    created: list[str]
    replies: list[str]
    failed: int = 0


def _text(value: str | None) -> str:
    return str(make_header(decode_header(value or ""))).strip()


def _body(message: Message) -> str:
    """The plain-text part (or the first text part), decoded."""
    parts = message.walk() if message.is_multipart() else [message]
    fallback = ""
    for part in parts:
        if part.get_content_maintype() != "text" or part.get_filename():
            continue
        payload = part.get_payload(decode=True) or b""
        text = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        if part.get_content_subtype() == "plain":
            return text.strip()[:MAX_BODY]
        fallback = fallback or re.sub(r"<[^>]+>", " ", text)
    return fallback.strip()[:MAX_BODY]


@transaction.atomic
def take_mail(raw: bytes, *, actor) -> tuple[str, Case]:
    """One mail: ``("reply", case)`` when its subject names a case, else ``("created", case)``."""
    message = email.message_from_bytes(raw)
    name, address = parseaddr(_text(message.get("From")))
    subject, body = _text(message.get("Subject")), _body(message)
    match = CASE_NUMBER.search(subject.upper())
    if match:
        case = Case.objects.filter(number=match.group(1)).first()
        if case is not None:
            CaseEvent.objects.create(
                case=case, action="mail", note=f"{address}: {subject}\n\n{body}"[:MAX_BODY]
            )
            notify(
                recipients=[case.assignee] if case.assignee else [],
                title=_("The customer wrote about %(number)s") % {"number": case.number},
                body=body[:300],
                link=case.get_absolute_url(),
            )
            return "reply", case
    customer = (
        Customer.objects.filter(email__iexact=address, merged_into__isnull=True)
        .order_by("id")
        .first()
    )
    if customer is None:
        customer = Customer(name=(name or address.split("@")[0])[:120], email=address)
        customer._history_user = actor
        customer.save()
    case, _created = case_intake(
        actor=actor,
        data=IntakeInput(
            channel=Channel.EMAIL,
            kind=Kind.CONSULTATION,
            customer_name=customer.name,
            customer_phone=customer.mobile or customer.landline,
            description=f"{subject}\n\n{body}".strip()[:MAX_BODY] or _("(empty e-mail)"),
        ),
        customer=customer,
        idempotency_key=f"mail:{message.get('Message-ID', '')}"[:100]
        if message.get("Message-ID")
        else "",
    )
    return "created", case


def fetch_mail(config: dict | None = None) -> MailResult:
    """Read the unseen mails of the configured mailbox and take each in."""
    config = config or settings.CASE_MAIL
    result = MailResult(created=[], replies=[])
    if not config.get("host"):
        return result
    actor = get_user_model().objects.filter(username=config.get("intake_user")).first()
    client_class = imaplib.IMAP4_SSL if config.get("ssl") else imaplib.IMAP4
    client = client_class(config["host"], int(config["port"]))
    try:
        client.login(config["user"], config["password"])
        client.select(config.get("mailbox") or "INBOX")
        _status, data = client.search(None, "UNSEEN")
        for uid in (data[0] or b"").split():
            _status, fetched = client.fetch(uid, "(RFC822)")
            raw = next((part[1] for part in fetched if isinstance(part, tuple)), b"")
            try:
                kind, case = take_mail(raw, actor=actor)
            except Exception:  # one bad mail must not stop the others
                log.exception("mail %s could not be taken in", uid)
                result.failed += 1
                continue
            (result.created if kind == "created" else result.replies).append(case.number)
            client.store(uid, "+FLAGS", "\\Seen")
    finally:
        with contextlib.suppress(Exception):  # the connection may already be gone
            client.logout()
    return result
