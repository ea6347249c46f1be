"""三包 policies as data (WAR-1): the shipped presets copied into the database, where an
administrator corrects a figure or writes the company's own promises; the engine reads them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied, StaleVersion

from ..engine import PRESETS, EngineError, Policy, preset, preset_data
from ..models import Rulebook
from ..permissions import can_edit_policies

DEFAULT_KEY = "national"


def engine_error_fields(exc: EngineError) -> dict[str, list[str]]:
    """The engine's bilingual errors in the reader's language."""
    return exc.by_field(get_language() or "zh-hans")


def _parse(rulebook: Rulebook, seen: frozenset[str] = frozenset()) -> Policy:
    data = rulebook.data
    base = None
    layer_on = data.get("layer_on") if isinstance(data, dict) else None
    if layer_on:
        if layer_on in seen or layer_on == rulebook.key:
            raise InvalidInput(fields={"layer_on": [_("A policy cannot build on itself.")]})
        base = policy_for(layer_on, _seen=seen | {rulebook.key})
    return Policy.from_dict(data, base=base)


_CACHE: dict[tuple[str, int], Policy] = {}


def policy_for(key: str | None = None, *, _seen: frozenset[str] = frozenset()) -> Policy:
    """The policy ``key`` (None: the default), from the database when an administrator keeps
    it there, else the shipped preset. Parsed once per saved version."""
    if key is None:
        row = Rulebook.objects.filter(is_default=True, active=True).only("key").first()
        key = row.key if row else DEFAULT_KEY
    row = Rulebook.objects.filter(key=key, active=True).first()
    if row is None:
        try:
            return preset(key)
        except KeyError:
            raise NotFound(
                _("There is no Three Guarantees (三包) policy “%(key)s”.") % {"key": key}
            ) from None
    cached = _CACHE.get((row.key, row.version))
    if cached is not None and cached.base is _base_now(cached):
        return cached
    try:
        policy = _parse(row, _seen)
    except EngineError as exc:  # saved data are checked, so only a broken import gets here
        raise InvalidInput(fields=engine_error_fields(exc)) from None
    _CACHE[(row.key, row.version)] = policy
    return policy


def _base_now(policy: Policy):
    """The base the cached policy should have now (its floor may have been edited)."""
    if policy.layer_on is None:
        return None
    return policy_for(policy.layer_on)


def policy_choices() -> list[tuple[str, str]]:
    """(key, name) of every active policy, the default first; names in the reader's language
    (a shipped policy's English name on an English page)."""
    from ..seeded import policy_label

    rows = {r.key: r.name for r in Rulebook.objects.filter(active=True).only("key", "name")}
    for key, data in PRESETS.items():
        rows.setdefault(key, data["name"])
    return sorted(
        ((key, policy_label(key, name)) for key, name in rows.items()),
        key=lambda kv: (kv[0] != DEFAULT_KEY, kv[0]),
    )


def rulebooks_install(rulebook_model=Rulebook) -> int:
    """Copy every shipped preset that is not in the database yet (idempotent). Used by the
    data migration (with the historical model) and by the demo seed."""
    created = 0
    has_default = rulebook_model.objects.filter(is_default=True).exists()
    for key, data in PRESETS.items():
        _row, made = rulebook_model.objects.get_or_create(
            key=key,
            defaults={
                "name": data["name"],
                "data": preset_data(key),
                "is_default": key == DEFAULT_KEY and not has_default,
            },
        )
        created += made
    return created


def rulebook_get(key: str) -> Rulebook:
    row = Rulebook.objects.filter(key=key).first()
    if row is None:
        raise NotFound(_("There is no Three Guarantees (三包) policy “%(key)s”.") % {"key": key})
    return row


@transaction.atomic
def rulebook_save(
    *,
    actor,
    key: str,
    data: dict,
    name: str | None = None,
    active: bool = True,
    expected_version: int | None = None,
) -> Rulebook:
    """Create or change a policy. The data are checked by the engine first; a policy that
    would not parse is never saved."""
    if not can_edit_policies(actor):
        raise PermissionDenied(_("Only administrators change Three Guarantees (三包) policies."))
    if not isinstance(data, dict):
        raise InvalidInput(fields={"data": [_("The rules must be a JSON object.")]})
    data = {**data, "key": key}
    row = Rulebook.objects.select_for_update().filter(key=key).first()
    if row is not None and expected_version is not None and row.version != expected_version:
        raise StaleVersion()
    probe = Rulebook(key=key, name=name or data.get("name") or key, data=data)
    try:
        _parse(probe)
    except EngineError as exc:
        raise InvalidInput(fields=engine_error_fields(exc)) from None
    if data.get("layer_on") is None and key != DEFAULT_KEY:
        raise InvalidInput(
            fields={
                "layer_on": [
                    _("A company policy builds on the statutory floor: set “layer_on”: “national”.")
                ]
            }
        )
    if row is None:
        row = Rulebook(key=key)
    else:
        row.version += 1
    row.name = (name or data.get("name") or key)[:120]
    row.data = data
    row.active = active
    row._history_user = actor
    row.save()
    return row


@transaction.atomic
def rulebook_make_default(*, actor, key: str) -> Rulebook:
    if not can_edit_policies(actor):
        raise PermissionDenied(_("Only administrators change Three Guarantees (三包) policies."))
    row = rulebook_get(key)
    for old in Rulebook.objects.select_for_update().filter(is_default=True).exclude(pk=row.pk):
        old.is_default = False
        old.version += 1
        old._history_user = actor
        old.save()  # saved one by one so each keeps a history row of who changed it
    row.is_default = True
    row.active = True
    row.version += 1
    row._history_user = actor
    row.save()
    return row


def rulebook_reset(*, actor, key: str) -> Rulebook:
    """Back to the shipped preset's figures."""
    if key not in PRESETS:
        raise NotFound(_("Only a shipped policy can be reset."))
    return rulebook_save(actor=actor, key=key, data=preset_data(key), name=PRESETS[key]["name"])
