"""Write helpers every app's services use."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .errors import InvalidInput, PermissionDenied, StaleVersion


@transaction.atomic
def model_update(
    *,
    instance: models.Model,
    fields: list[str],
    data: dict[str, Any],
    expected_version: int | None = None,
) -> tuple[models.Model, bool]:
    """Set ``fields`` of ``instance`` from ``data``, validate, and save only what changed.

    For a model with a ``version`` column the write is conditional: ``UPDATE ... WHERE
    version = <the version the caller read>``. If someone saved in between, no row matches and
    ``StaleVersion`` (409) is raised, so two people editing the same record cannot silently
    overwrite each other. Returns ``(instance, changed)``.
    """
    changed = [f for f in fields if f in data and getattr(instance, f) != data[f]]
    for field in changed:
        setattr(instance, field, data[field])
    versioned = hasattr(instance, "version")
    read_version = (
        expected_version if expected_version is not None else getattr(instance, "version", None)
    )
    if versioned and expected_version is not None and expected_version != instance.version:
        raise StaleVersion()
    if not changed:
        return instance, False
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise InvalidInput(
            fields={f: [str(m) for m in msgs] for f, msgs in exc.message_dict.items()}
        ) from None
    if not versioned:
        instance.save(update_fields=[*changed, *_auto_now_fields(instance)])
        return instance, True
    manager = type(instance)._default_manager
    bumped = manager.filter(pk=instance.pk, version=read_version).update(version=read_version + 1)
    if bumped != 1:
        raise StaleVersion()
    instance.version = read_version + 1
    instance.save(update_fields=[*changed, "version", *_auto_now_fields(instance)])
    return instance, True


def _auto_now_fields(instance: models.Model) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]


def full_clean_or_invalid(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """``full_clean`` whose errors come out as ``InvalidInput`` with one entry per field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise InvalidInput(
            fields={f: [str(m) for m in msgs] for f, msgs in exc.message_dict.items()}
        ) from None


def message_template_check(*, key: str, text: str) -> str:
    """The text an administrator gives a customer message, checked: not empty, and using only
    the ``%(field)s`` placeholders of the built-in text (any other use of ``%`` is refused;
    ``%%`` is a percent sign). Returns the text, trimmed; raises ``InvalidInput``."""
    from .messaging import message_keys, placeholders, sample_context, template_fields

    if key not in message_keys():
        raise InvalidInput(
            fields={"key": [_("There is no customer message %(key)s.") % {"key": key}]}
        )
    text = (text or "").strip()
    if not text:
        raise InvalidInput(fields={"text": [_("Write the text of the message.")]})
    allowed = template_fields(key)
    used, malformed = placeholders(text)
    unknown = [f for f in used if f not in allowed]
    problems = []
    if malformed:
        problems.append(
            _(
                "Not a placeholder: %(bad)s. Write a field as %(example)s and a percent sign "
                "as %(percent)s."
            )
            % {"bad": "、".join(malformed), "example": "%(name)s", "percent": "%%"}
        )
    if unknown:
        problems.append(
            _("This message has no field %(unknown)s; it may use %(allowed)s.")
            % {
                "unknown": "、".join(f"%({f})s" for f in unknown),
                "allowed": "、".join(f"%({f})s" for f in allowed) or _("no fields"),
            }
        )
    if not problems:
        try:  # what the customer's message will be made with; nothing else may be needed
            text % sample_context(allowed)
        except (KeyError, ValueError, TypeError):
            problems.append(_("The placeholders cannot be filled in; check each percent sign."))
    if problems:
        raise InvalidInput(fields={"text": problems})
    return text


@transaction.atomic
def message_template_save(*, actor, key: str, text: str, active: bool = True):
    """Administrators reword a customer message (SMS and e-mail). The text is checked against
    the built-in one's placeholders; every process uses the new text right after the commit
    (``messaging.render``; the model's save signal invalidates the copies)."""
    from aftersales.accounts.permissions import user_has_role
    from aftersales.accounts.roles import Role

    from .models import MessageTemplate

    if not user_has_role(actor, Role.ADMIN):
        raise PermissionDenied(_("Only administrators change the customer messages."))
    text = message_template_check(key=key, text=text)
    template = MessageTemplate.objects.select_for_update().filter(key=key).first()
    if template is None:
        template = MessageTemplate(key=key)
    template.text, template.active, template.updated_by = text, active, actor
    template._history_user = actor
    template.save()
    return template
