"""What the provider backends share: errors, the message → provider template mapping, phone
numbers, and one JSON request over HTTP(S) with the standard library."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings


class SmsError(Exception):
    """An SMS the provider did not take. The outbox records it and tries again later."""

    permanent = False


class SmsNotConfigured(SmsError):
    """The message cannot be sent as things are set up (no template code, no key, a number
    that takes no SMS): trying again would fail the same way, so the outbox marks it failed at
    once."""

    permanent = True


class SmsProviderError(SmsError):
    """The provider answered with an error: its code and message, as it gave them."""

    def __init__(self, provider: str, code: str, message: str, request_id: str = "") -> None:
        self.provider, self.code, self.message, self.request_id = (
            provider,
            code,
            message,
            request_id,
        )
        text = f"{provider} refused the SMS: {code}: {message}"
        super().__init__(f"{text} (request {request_id})" if request_id else text)


@dataclass(frozen=True)
class ProviderTemplate:
    """A message as the provider sends it: its approved template and the values to fill in,
    as (the provider template's variable, value) in the template's order."""

    code: str
    params: tuple[tuple[str, str], ...]


def provider_template(
    provider: str, template: str | None, context: dict | None
) -> ProviderTemplate:
    """The provider's template code for a customer message and its parameters, from
    ``settings.SMS_TEMPLATES``. Providers in China refuse free text, so a message without a code
    for this provider is not sent at all (``SmsNotConfigured``)."""
    if not template:
        raise SmsNotConfigured(
            f"the message names no template; {provider} sends approved templates only"
        )
    entry = (getattr(settings, "SMS_TEMPLATES", None) or {}).get(template) or {}
    code = entry.get(provider)
    if not code:
        raise SmsNotConfigured(
            f"SMS_TEMPLATES gives no {provider} template code for the message {template!r}; "
            f"{provider} sends approved templates only, not free text"
        )
    params = entry.get("params")
    if params is None:
        pairs = [(name, name) for name in _message_fields(template)]
    elif isinstance(params, dict):
        pairs = list(params.items())
    else:
        pairs = [(name, name) for name in params]
    context = context or {}
    missing = [field for _, field in pairs if field not in context]
    if missing:
        raise SmsNotConfigured(
            f"the message {template!r} has no value for {', '.join(missing)} (SMS_TEMPLATES params)"
        )
    return ProviderTemplate(str(code), tuple((var, str(context[field])) for var, field in pairs))


def _message_fields(template: str) -> list[str]:
    """Without ``params``: the placeholders of the message's built-in text, in their order."""
    from ..messaging import template_fields

    try:
        return template_fields(template)
    except KeyError:
        raise SmsNotConfigured(f"there is no customer message {template!r}") from None


def sign_name(configured: str) -> str:
    """The provider's sign name (签名): the setting, else the company's SMS signature."""
    from ..company import company

    name = configured or company().sms_signature
    if not name:
        raise SmsNotConfigured("no SMS sign name: set the provider's SIGN_NAME setting")
    return name


_SEPARATORS = re.compile(r"[\s\-()]")
_MAINLAND = re.compile(r"1[3-9]\d{9}")
_INTERNATIONAL = re.compile(r"\+[1-9]\d{6,14}")


def e164(phone: str) -> str:
    """The number as ``+8613912345678``: a mainland mobile with or without +86 / 0086, or an
    international number written with its ``+`` country code. Anything else (a landline, a
    typo) cannot take an SMS."""
    number = _SEPARATORS.sub("", phone or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    if _MAINLAND.fullmatch(number):
        return "+86" + number
    if number.startswith(("+86", "86")) and _MAINLAND.fullmatch(number.removeprefix("+")[2:]):
        return "+86" + number.removeprefix("+")[2:]
    if number.startswith("+") and not number.startswith("+86") and _INTERNATIONAL.fullmatch(number):
        return number
    raise SmsNotConfigured("the recipient's number is not a mobile number that can take an SMS")


def timeout() -> float:
    return float(getattr(settings, "SMS_TIMEOUT_SECONDS", 10))


def post(provider: str, url: str, body: bytes, headers: dict[str, str]) -> dict:
    """POST to the provider and read its JSON answer, also the one of an HTTP error status (the
    providers explain a refusal in it). Network failures raise ``OSError`` (``URLError``,
    timeouts): the outbox tries again later."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout()) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            status, raw = exc.code, exc.read()
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        text = raw[:200].decode("utf-8", "replace").strip() or "no answer"
        raise SmsProviderError(provider, f"HTTP {status}", text)
    return answer
