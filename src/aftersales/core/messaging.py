"""Messages to customers: SMS and e-mail, Chinese templates, sent after commit, retried.

Backends are pluggable. E-mail uses Django's mail settings. SMS goes through
``settings.SMS_BACKEND``, a dotted path to a class with
``send(phone, text, *, template=None, context=None)``: the text as the outbox shows it, and the
message's template name with its fields as text, for providers that send approved templates
only (``core.sms``: Alibaba Cloud, Tencent Cloud). A backend whose ``send`` takes
``(phone, text)`` alone still works; it gets the text. The default, ``OutboxSmsBackend``,
delivers nothing outside: the message stays readable in the admin's outbox, which is where a
company without an SMS contract looks.

Administrators may reword any message (``MessageTemplate``, in the admin); ``render`` then uses
their active text instead of the built-in one. ``render`` runs for every message sent, so the
overrides are kept per process: the process that saves one forgets its copy at once, and every
other process notices the version number bumped in the Django cache within a second (with a
shared cache such as Redis) or reloads after a minute at the latest (with a per-process cache).
"""

from __future__ import annotations

import inspect
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import MessageTemplate, OutboundMessage
from .times import local_text

logger = logging.getLogger(__name__)


DEFAULT_SMS_BACKEND = "aftersales.core.messaging.OutboxSmsBackend"


class OutboxSmsBackend:
    """Keeps SMS in the outbox table only (readable in the admin)."""

    def send(
        self, phone: str, text: str, *, template: str | None = None, context: dict | None = None
    ) -> None:
        return None


def sms_backend():
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_SMS_BACKEND))()


def _takes_templates(send) -> bool:
    """Whether a backend's ``send`` accepts ``template`` and ``context`` (older backends take
    the phone and the text only)."""
    try:
        parameters = inspect.signature(send).parameters.values()
    except (TypeError, ValueError):
        return False
    names = {p.name for p in parameters}
    return {"template", "context"} <= names or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters
    )


def deliver_sms(message: OutboundMessage) -> None:
    """Hand one queued SMS to the backend: its text, and its template and fields when the
    backend takes them. Raises what the backend raises."""
    backend = sms_backend()
    if _takes_templates(backend.send):
        backend.send(
            message.to, message.body, template=message.template or None, context=message.context
        )
    else:
        backend.send(message.to, message.body)


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


def message_keys() -> list[str]:
    """Every customer message there is, by key."""
    return sorted(_templates())


def default_text(key: str) -> str:
    """The built-in text of a message, in the customers' language (Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _templates()[key]


FIELD_RE = re.compile(r"%\((\w+)\)s")
# What a stray "%" looks like when reported: the sign and what follows it, up to a few letters.
_STRAY_RE = re.compile(r"%(?:\(\w*\)?)?[^\s%]?")


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """The ``%(field)s`` names a text uses (in order, once each) and every other use of ``%``
    in it (malformed: ``%d``, ``%(name)d``, a lone ``%``). ``%%`` is a percent sign."""
    names: list[str] = []
    malformed: list[str] = []
    at = text.find("%")
    while at != -1:
        if text.startswith("%%", at):
            end = at + 2
        elif match := FIELD_RE.match(text, at):
            if match[1] not in names:
                names.append(match[1])
            end = match.end()
        else:
            stray = _STRAY_RE.match(text, at)[0]
            if stray not in malformed:
                malformed.append(stray)
            end = at + len(stray)
        at = text.find("%", end)
    return names, malformed


def template_fields(key: str) -> list[str]:
    """The placeholders the built-in text of a message uses: all an override may use."""
    return placeholders(default_text(key))[0]


# Shown in the administrators' preview; a field not listed here shows as 〈field〉.
SAMPLE_VALUES = {
    "name": "王小明",
    "number": "TK-20261128-0001",
    "order": "SO-20261128-0001",
    "note": "DN-20261128-0001",
    "url": "https://service.example.cn/t/abc123",
    "total": "3,280.00",
    "amount": "200.00",
    "date": "2026-12-01",
    "days": "5",
    "refund_days": "30",
    "timetable": "工程师周五上午上门检修",
    "solution": "已更换屏幕排线，试机正常。",
}


def sample_context(fields: list[str]) -> dict[str, str]:
    return {f: SAMPLE_VALUES.get(f, f"〈{f}〉") for f in fields}


@dataclass
class _Overrides:
    texts: dict[str, str] = field(default_factory=dict)
    version: object = None
    loaded_at: float = 0.0
    checked_at: float = 0.0


VERSION_KEY = "core:message-templates:version"
CHECK_SECONDS = 1.0  # how often a process asks the shared cache whether anything changed
MAX_AGE_SECONDS = 60.0  # and reloads regardless, for deployments without a shared cache
_overrides: _Overrides | None = None


def _active_overrides() -> dict[str, str]:
    """The administrators' active texts by key, from this process's copy while it is fresh."""
    global _overrides
    now = time.monotonic()
    current = _overrides
    if current is not None and now - current.checked_at < CHECK_SECONDS:
        return current.texts
    version = cache.get(VERSION_KEY)
    if current is None or version != current.version or now - current.loaded_at > MAX_AGE_SECONDS:
        texts = dict(MessageTemplate.objects.filter(active=True).values_list("key", "text"))
        current = _Overrides(texts=texts, version=version, loaded_at=now)
    current.checked_at = now
    _overrides = current
    return current.texts


def forget_message_templates() -> None:
    """Drop this process's copy of the overrides (the next ``render`` reads them again)."""
    global _overrides
    _overrides = None


def message_templates_changed() -> None:
    """An override was saved or deleted: this process forgets its copy now, the others when
    they see the new version number (once the change is committed)."""
    forget_message_templates()

    def bump() -> None:
        forget_message_templates()
        if cache.add(VERSION_KEY, 1, timeout=None):
            return
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # evicted between the two calls
            cache.set(VERSION_KEY, 1, timeout=None)

    transaction.on_commit(bump)


def _as_read(context: dict) -> dict:
    """Moments as the customer reads them: ``%s`` of a database datetime would print UTC."""
    return {k: local_text(v) if isinstance(v, datetime) else v for k, v in context.items()}


def _fields_as_text(context: dict) -> dict[str, str]:
    """The message's fields as the customer reads them, as text (kept with the queued message:
    a provider template is filled with them when it is sent)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {k: str(v) for k, v in _as_read(context).items()}


def render(template: str, context: dict) -> str:
    """The template in Chinese: customers get Chinese whatever the staff member's language.
    An administrator's active wording of the message replaces the built-in one."""
    context = _as_read(context)
    override = _active_overrides().get(template)
    if override is not None:
        try:
            return override % context
        except (KeyError, ValueError, TypeError):
            # Checked when saved; a later change of the built-in message may still leave it
            # asking for a field no longer given. The customer gets the built-in text then.
            logger.exception("Message template %s no longer fits its fields", template)
    with translation.override(settings.LANGUAGE_CODE):
        return _templates()[template] % context


def sms_text(text: str) -> str:
    """An SMS as sent: the company's short name in 【】 first, as Chinese carriers require."""
    from .company import company

    signature = company().sms_signature
    return f"【{signature}】{text}" if signature else text


def email_signature() -> str:
    """The lines under every e-mail to a customer: the company's name, phone, address and
    site (those it has), in Chinese like the message."""
    from .company import company

    profile = company()
    lines = [
        profile.name,
        f"电话：{profile.phone}" if profile.phone else "",
        f"地址：{profile.address}" if profile.address else "",
        profile.public_url,
    ]
    lines = [line for line in lines if line]
    return "\n\n-- \n" + "\n".join(lines) if lines else ""


def message_customer(
    *, phone: str = "", email: str = "", template: str, context: dict, related: str = ""
) -> list[OutboundMessage]:
    """Queue the message on every channel the customer has; send it once the use case commits."""
    text = render(template, context)
    fields = _fields_as_text(context)
    rows = []
    if phone:
        rows.append(
            OutboundMessage.objects.create(
                channel=OutboundMessage.Channel.SMS,
                to=phone,
                body=sms_text(text),
                template=template,
                context=fields,
                related=related,
            )
        )
    if email:
        rows.append(
            OutboundMessage.objects.create(
                channel=OutboundMessage.Channel.EMAIL,
                to=email,
                subject=text[:60],
                body=text + email_signature(),
                template=template,
                context=fields,
                related=related,
            )
        )
    if rows:
        from .tasks import deliver_message

        ids = [r.pk for r in rows]
        transaction.on_commit(lambda: [deliver_message.delay(pk) for pk in ids])
    return rows
