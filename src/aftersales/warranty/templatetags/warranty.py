"""Labels for the engine's answer on pages: remedies, payers, sources."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from ..models import Remedy

register = template.Library()


@register.filter
def remedy_label(value: str) -> str:
    try:
        return str(Remedy(value).label)
    except ValueError:
        return value or "—"


@register.filter
def payer_label(value: str | None) -> str:
    return {"business": _("We pay"), "consumer": _("The customer pays")}.get(value or "", "—")


@register.filter
def source_label(value: str) -> str:
    return {"law": _("By law"), "company": _("Our promise")}.get(value, value)


@register.filter
def policy_name(key: str) -> str:
    """A policy's name for people (the key is for integrators)."""
    from ..services.policies import policy_choices

    return dict(policy_choices()).get(key, key)
