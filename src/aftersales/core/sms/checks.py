"""A system check (``manage.py check``): with a provider backend, every customer message needs
the provider's template code, or that message is never sent by SMS."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

W_NO_TEMPLATE = "core.W101"
W_BACKEND = "core.W102"


@checks.register("sms")
def sms_templates_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from ..messaging import DEFAULT_SMS_BACKEND, message_keys

    path = getattr(settings, "SMS_BACKEND", DEFAULT_SMS_BACKEND) or DEFAULT_SMS_BACKEND
    try:
        backend = import_string(path)
    except ImportError as exc:
        return [
            checks.Warning(
                f"SMS_BACKEND {path!r} cannot be imported ({exc}); no SMS is sent.", id=W_BACKEND
            )
        ]
    provider = getattr(backend, "provider", None)
    if not provider:
        return []
    templates = getattr(settings, "SMS_TEMPLATES", None) or {}
    missing = [key for key in message_keys() if not (templates.get(key) or {}).get(provider)]
    if not missing:
        return []
    return [
        checks.Warning(
            f"SMS_TEMPLATES gives no {provider} template code for {len(missing)} customer "
            f"message(s): {', '.join(missing)}. Their SMS fail in the outbox.",
            hint=(
                f"Have templates approved by {provider} and add their codes, e.g. "
                f'SMS_TEMPLATES={{"{missing[0]}": {{"{provider}": "...", "params": [...]}}}}.'
            ),
            id=W_NO_TEMPLATE,
        )
    ]
