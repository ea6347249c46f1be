"""A record's timeline: what happened to it, when, and by whom, newest first.

The basis is the record's django-simple-history trail (created, each changed field with old and
new value, deleted). Apps add their own events — a state transition with its note, a message
sent, an SLA escalation — by registering a source for their model; the timeline merges them.
Pages render it with ``{% timeline obj %}`` (``core/templatetags/timeline.py``), for the
person reading: a field whose values not everyone may see (a customer's phone number) is shown
as its app decides (``register_field_display``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext as _

# Fields whose changes are noise on a timeline.
IGNORED_FIELDS = {"updated_at", "created_at", "version", "password", "last_login"}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    actor: str
    title: str
    kind: str = "changed"  # created | changed | deleted | transition | note | alert
    changes: tuple[Change, ...] = ()
    note: str = ""
    icon: str = field(default="")

    @property
    def icon_name(self) -> str:
        return self.icon or {
            "created": "plus-circle",
            "changed": "pencil",
            "deleted": "trash",
            "transition": "arrow-right-circle",
            "note": "chat-left-text",
            "alert": "exclamation-triangle",
        }.get(self.kind, "dot")


Source = Callable[..., Iterable[TimelineEvent]]
# model → (source, whether it is called with the reader)
_SOURCES: dict[type[models.Model], list[tuple[Source, bool]]] = {}
# ``show(reader, value) -> str`` for a field's old and new values (``reader`` may be None).
FieldDisplay = Callable[[object, str], str]
_FIELD_DISPLAYS: dict[tuple[type[models.Model], str], FieldDisplay] = {}


def register_timeline_source(
    model: type[models.Model], source: Source, *, with_reader: bool = False
) -> None:
    """``source(obj)`` gives events of its own for ``model``'s records. ``with_reader``: it is
    called ``source(obj, reader)`` to show them as that person may see them (free text with
    phone numbers in it, masked for roles that do not call customers); ``reader`` may be
    None."""
    _SOURCES.setdefault(model, []).append((source, with_reader))


def register_field_display(model: type[models.Model], field: str, show: FieldDisplay) -> None:
    """Show the changes of ``model.field`` through ``show``: the customers app masks phone
    numbers for readers whose role does not call customers (SEC-1)."""
    _FIELD_DISPLAYS[(model, field)] = show


def _field_display(obj: models.Model, field: str) -> FieldDisplay | None:
    for (model, name), show in _FIELD_DISPLAYS.items():
        if name == field and isinstance(obj, model):
            return show
    return None


def timeline_for(obj: models.Model, *, limit: int = 200, reader=None) -> list[TimelineEvent]:
    """The events of ``obj``, newest first, as ``reader`` may see them."""
    events = list(history_events(obj, limit=limit, reader=reader))
    for model, sources in _SOURCES.items():
        if isinstance(obj, model):
            for source, with_reader in sources:
                events.extend(source(obj, reader) if with_reader else source(obj))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


def actor_name(user) -> str:
    if user is None:
        return _("System")
    full = getattr(user, "get_full_name", lambda: "")()
    return full or user.get_username()


def history_events(obj: models.Model, *, limit: int = 200, reader=None) -> Iterable[TimelineEvent]:
    history = getattr(obj, "history", None)
    if history is None:
        return []
    records = list(history.select_related("history_user").order_by("history_date", "history_id"))
    records = records[-limit:]
    events = []
    previous = None
    for record in records:
        actor = actor_name(record.history_user)
        reason = record.history_change_reason or ""
        if record.history_type == "+":
            events.append(
                TimelineEvent(record.history_date, actor, _("Created"), "created", note=reason)
            )
        elif record.history_type == "-":
            events.append(
                TimelineEvent(record.history_date, actor, _("Deleted"), "deleted", note=reason)
            )
        elif previous is not None:
            changes = tuple(_changes(obj, previous, record, reader))
            if changes or reason:
                events.append(
                    TimelineEvent(
                        record.history_date, actor, _("Changed"), "changed", changes, note=reason
                    )
                )
        previous = record
    return events


def _changes(obj, old_record, new_record, reader=None) -> Iterable[Change]:
    delta = new_record.diff_against(old_record, foreign_keys_are_objs=False)
    # A model whose state changes have their own events (e.g. order transitions) lists the
    # fields those events already show, so they are not told twice.
    ignored = IGNORED_FIELDS | set(getattr(obj, "timeline_ignored_fields", ()))
    for change in delta.changes:
        if change.field in ignored:
            continue
        try:
            model_field = obj._meta.get_field(change.field)
        except Exception:
            continue
        old, new = change.old, change.new
        show = _field_display(obj, change.field)
        if show is not None:
            old, new = show(reader, old), show(reader, new)
        yield Change(
            field=str(getattr(model_field, "verbose_name", change.field)),
            old=_display(model_field, old),
            new=_display(model_field, new),
        )


def _display(model_field, value) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list | tuple):  # a JSON list, e.g. the 5 whys
        return "；".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {v}" for k, v in value.items())
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if getattr(model_field, "is_relation", False) and model_field.many_to_one:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    return str(value)
