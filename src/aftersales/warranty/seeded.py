"""The 三包 policies the program ships (engine presets) and the demo company's own: key ->
(the Chinese name stored, the English shown for it). See ``core.seeded``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .engine import PRESETS

_ENGLISH = {
    "national": _(
        "National Three Guarantees (三包) rules and the Consumer Rights Protection Law "
        "(statutory floor)"
    ),
    "s1-food": _("Food company: product sales and after-sales service rules"),
    "s2-ecommerce": _("E-commerce platform: after-sales service terms"),
    "s3-electronics": _("Electronics company: sales and after-sales service provisions"),
    "s5-s11-contract": _("Sales contract: quality guarantee, after-sales service and returns"),
    "s8-furniture": _(
        "Furniture factory: Three Guarantees (三包) management provisions (dealer network)"
    ),
    "s12-sanbao": _(
        "Three Guarantees (三包) rules (one-year warranty, answer within 24 hours, on site "
        "within 3 working days)"
    ),
    "s14-sanbao": _(
        "Three Guarantees (三包) management provisions (refund within 15 days, extended warranty)"
    ),
    "s17-sanbao": _("Product sales and after-sales service provisions (repair, exchange, return)"),
}

# The demo company's own policy (warranty.demo): the main parts of a 4K LCD TV.
DEMO_POLICY_KEY = "demo-company"
DEMO_POLICY_NAME = "公司三包服务承诺（液晶电视主要部件）"

POLICIES = {
    **{key: (PRESETS[key]["name"], label) for key, label in _ENGLISH.items() if key in PRESETS},
    DEMO_POLICY_KEY: (
        DEMO_POLICY_NAME,
        _("Our Three Guarantees (三包) promise (main parts of LCD TVs)"),
    ),
}


def policy_label(key: str, name: str) -> str:
    """A policy's name in the reader's language: a shipped one's English name while nobody
    has renamed it, else the name as stored."""
    from aftersales.core.seeded import seeded_name

    return seeded_name(name, POLICIES.get(key))
