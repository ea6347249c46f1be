"""Write helpers every app's services use."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from .errors import InvalidInput, StaleVersion


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
