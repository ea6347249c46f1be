"""Labels for the engine's answer on pages: remedies, payers, sources, and the answer's texts
in the reader's language (``presentation``)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .. import presentation
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
    return {
        "law": _("By law"),
        "company": _("Our promise"),
        "extended": _("Extended warranty"),
    }.get(value, value)


@register.filter
def policy_name(key: str) -> str:
    """A policy's name for people (the key is for integrators)."""
    from ..services.policies import policy_choices

    return dict(policy_choices()).get(key, key)


@register.filter
def can_view_claims(user) -> bool:
    """``{% if request.user|can_view_claims %}``: may the person open the dealer claims."""
    from ..permissions import can_view_claims as allowed

    return allowed(user)


@register.filter
def can_view_compliance(user) -> bool:
    """``{% if request.user|can_view_compliance %}``: may the person open the compliance
    register."""
    from ..permissions import can_view_compliance as allowed

    return allowed(user)


@register.simple_tag
def present_answer(answer, editor=False):
    """``{% present_answer answer editor=… as shown %}``: the answer's texts for this page."""
    return presentation.present_answer(answer or {}, editor=bool(editor))


@register.simple_tag
def present_terms(terms):
    """``{% present_terms terms as shown %}``: a certificate's terms for this page."""
    return presentation.present_terms(terms or {})


@register.filter
def name_label(name: str) -> str:
    """A shipped category's or part's name in the reader's language."""
    return presentation.name_label(name or "")


@register.filter
def engine_said(text: str):
    """A rule cited or a reason the engine gave, as another record keeps it (a work order's
    三包 basis), in the reader's language: ``{% said … %}``. Text someone typed stays as is."""
    return presentation.engine_said(text or "")


@register.filter
def engine_original(text: str) -> str:
    """``text`` where ``engine_said`` rendered it in English: the Chinese for the toggle."""
    return text if text and presentation.engine_said(text).text != text else ""


@register.simple_tag
def said(value):
    """A text of the answer; one shown in Chinese on an English page is marked and labelled."""
    if isinstance(value, presentation.Said) and value.chinese:
        return format_html(
            '<span lang="zh-Hans">{}</span> <span class="text-muted small zh-label">({})</span>',
            value.text,
            _("Chinese original"),
        )
    return str(value or "")


@register.simple_tag
def zh_original(text):
    """The Chinese an English rendering comes from, behind a toggle (nothing without one)."""
    if not text:
        return ""
    return format_html(
        '<details class="zh-original small text-muted" data-testid="zh-original">'
        '<summary>{}</summary><div lang="zh-Hans">{}</div></details>',
        _("Chinese original"),
        text,
    )


@register.filter
def can_view_extended(user) -> bool:
    """``{% if request.user|can_view_extended %}``: may the person open the extended-warranty
    register."""
    from ..permissions import can_view_extended as allowed

    return allowed(user)
