"""Messages to customers: SMS and e-mail, Chinese templates, sent after commit, retried.

Backends are pluggable. E-mail uses Django's mail settings. SMS goes through
``settings.SMS_BACKEND`` (a dotted path to a class with ``send(phone, text)``); the default,
``OutboxSmsBackend``, delivers nothing outside: the message stays readable in the admin's
outbox, which is where a company without an SMS contract looks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import OutboundMessage


class OutboxSmsBackend:
    """Keeps SMS in the outbox table only (readable in the admin)."""

    def send(self, phone: str, text: str) -> None:
        return None


def sms_backend():
    return import_string(
        getattr(settings, "SMS_BACKEND", "aftersales.core.messaging.OutboxSmsBackend")
    )()


_REGISTERED: dict[str, object] = {}


def register_message_templates(templates: dict[str, object]) -> None:
    """Apps add their customer messages (lazy-translated texts with ``%(name)s`` fields) in
    ``AppConfig.ready()``."""
    _REGISTERED.update(templates)


def _templates() -> dict[str, str]:
    return {
        **{name: str(text) for name, text in _REGISTERED.items()},
        "order_confirmed": _(
            "Dear %(name)s, your order %(number)s (total ¥%(total)s) is confirmed and will be "
            "delivered around %(date)s. Track it at %(url)s"
        ),
        "order_shipped": _(
            "Dear %(name)s, the goods of order %(number)s are on their way (delivery note "
            "%(note)s). Track them at %(url)s"
        ),
    }


def render(template: str, context: dict) -> str:
    """The template in Chinese: customers get Chinese whatever the staff member's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _templates()[template] % context


def message_customer(
    *, phone: str = "", email: str = "", template: str, context: dict, related: str = ""
) -> list[OutboundMessage]:
    """Queue the message on every channel the customer has; send it once the use case commits."""
    text = render(template, context)
    company = getattr(settings, "COMPANY_NAME", None) or ""
    rows = []
    if phone:
        rows.append(
            OutboundMessage.objects.create(
                channel=OutboundMessage.Channel.SMS,
                to=phone,
                body=f"【{company}】{text}" if company else text,
                related=related,
            )
        )
    if email:
        rows.append(
            OutboundMessage.objects.create(
                channel=OutboundMessage.Channel.EMAIL,
                to=email,
                subject=text[:60],
                body=text,
                related=related,
            )
        )
    if rows:
        from .tasks import deliver_message

        ids = [r.pk for r in rows]
        transaction.on_commit(lambda: [deliver_message.delay(pk) for pk in ids])
    return rows
