"""Write helpers every app's services use."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .errors import InvalidInput, PermissionDenied, StaleVersion, StorageFailed


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


# -- the company profile ---------------------------------------------------------------------

COMPANY_TEXT_FIELDS = (
    "name",
    "short_name",
    "address",
    "phone",
    "credit_code",
    "bank_name",
    "bank_account",
    "public_url",
)
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4000  # pixels; a larger picture is no logo (and may be a decompression bomb)
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg"}
_PHONE_RE = r"^\+?[0-9][0-9 ()\-]{4,38}$"


def _company_check(data: dict[str, str]) -> dict[str, list[str]]:
    """Field messages for what the profile cannot hold (empty: all good)."""
    import re

    from django.core.validators import URLValidator

    from aftersales.customers.validators import validate_credit_code

    errors: dict[str, list[str]] = {}
    if not data["name"]:
        errors["name"] = [_("Give the company's name as registered.")]
    short = data["short_name"]
    if short and not 2 <= len(short) <= 12:
        errors["short_name"] = [_("A text message signature has 2 to 12 characters.")]
    elif any(c in short for c in "【】[]"):
        errors["short_name"] = [_("Give the short name without brackets: they are added.")]
    if data["credit_code"]:
        try:
            validate_credit_code(data["credit_code"])
        except ValidationError as exc:
            errors["credit_code"] = list(exc.messages)
    if data["phone"] and not re.match(_PHONE_RE, data["phone"]):
        errors["phone"] = [_("Enter a phone number like 400-820-1234 or 021-62345678.")]
    account = data["bank_account"].replace(" ", "").replace("-", "")
    if data["bank_account"] and not (account.isdigit() and 8 <= len(account) <= 32):
        errors["bank_account"] = [_("A bank account number has 8 to 32 digits.")]
    if bool(data["bank_name"]) != bool(data["bank_account"]):
        field = "bank_account" if data["bank_name"] else "bank_name"
        errors.setdefault(field, []).append(_("Give the bank and the account number together."))
    if data["public_url"]:
        try:
            URLValidator(schemes=["http", "https"])(data["public_url"])
        except ValidationError:
            errors["public_url"] = [_("Enter an address like https://service.example.cn.")]
        else:
            if "?" in data["public_url"] or "#" in data["public_url"]:
                errors["public_url"] = [_("Enter an address like https://service.example.cn.")]
    return errors


def _company_logo(upload) -> tuple[bytes, str]:
    """The logo's bytes and extension, or ``InvalidInput`` on the ``logo`` field: a PNG or
    JPEG picture (checked by opening it, whatever its name says) of at most 2 MB."""
    from PIL import Image, UnidentifiedImageError

    def refuse(message):
        return InvalidInput(fields={"logo": [message]})

    if upload.size > LOGO_MAX_BYTES:
        raise refuse(_("The logo may be at most 2 MB."))
    content = upload.read()
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind, (width, height) = image.format, image.size
            if max(width, height) > LOGO_MAX_SIDE:
                raise refuse(_("The logo may be at most 4000 pixels wide and high."))
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refuse(_("The logo must be a PNG or JPEG picture.")) from None
    if kind not in LOGO_FORMATS:
        raise refuse(_("The logo must be a PNG or JPEG picture."))
    return content, LOGO_FORMATS[kind]


@transaction.atomic
def company_profile_save(
    *,
    actor,
    data: dict[str, str],
    logo=None,
    remove_logo: bool = False,
    expected_version: int | None = None,
):
    """Administrators set who the company is (the name on every document, the seller on the
    三包 certificate, the SMS signature, the public address). Each save is kept in the
    profile's history; a save from a stale page is refused (``StaleVersion``)."""
    import hashlib

    from django.core.files.base import ContentFile

    from .company import forget_company
    from .models import CompanyProfile
    from .permissions import can_manage_company

    if not can_manage_company(actor):
        raise PermissionDenied(_("Only administrators change the company profile."))
    clean = {f: " ".join(str(data.get(f) or "").split()) for f in COMPANY_TEXT_FIELDS}
    clean["credit_code"] = clean["credit_code"].replace(" ", "").upper()
    clean["public_url"] = clean["public_url"].rstrip("/")
    errors = _company_check(clean)
    picture = None
    if logo is not None:
        try:
            picture = _company_logo(logo)
        except InvalidInput as exc:
            errors.update(exc.fields)
    if errors:
        raise InvalidInput(fields=errors)
    profile = CompanyProfile.objects.select_for_update().filter(pk=1).first()
    if profile is None:
        if expected_version not in (None, 0):
            raise StaleVersion()
        profile = CompanyProfile(pk=1, **clean)
    elif expected_version is not None and expected_version != profile.version:
        raise StaleVersion()
    else:
        changed = [f for f, value in clean.items() if getattr(profile, f) != value]
        if not changed and picture is None and not (remove_logo and profile.logo):
            return profile  # nothing to keep in the history
        for field in changed:
            setattr(profile, field, clean[field])
        profile.version += 1
    full_clean_or_invalid(profile, exclude=["logo"])
    old_logo = profile.logo.name if profile.logo else ""
    if picture is not None:
        # Named by its content: the public address of a new logo is new (and unguessable).
        content, extension = picture
        file_name = f"logo-{hashlib.sha256(content).hexdigest()[:24]}{extension}"
        stored = profile.logo.field.generate_filename(profile, file_name)
        if profile.logo.storage.exists(stored):  # the same picture again
            profile.logo.name = stored
        else:
            try:
                profile.logo.save(file_name, ContentFile(content), save=False)
            except OSError:
                raise StorageFailed() from None
    elif remove_logo:
        profile.logo = ""
    profile._history_user = actor
    profile.save()
    new_logo = profile.logo.name if profile.logo else ""
    if old_logo and old_logo != new_logo:
        # The old picture goes once the new profile is committed; the history keeps its name.
        storage = profile.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    forget_company()
    return profile
