import re

from django import template

register = template.Library()


@register.filter
def contact_for(text: str, user) -> str:
    """Phone numbers written into free text (a liaison form's "who said it") are masked for
    roles that do not call customers, as on the customer pages (SEC-1)."""
    from aftersales.customers.permissions import can_see_full_phone

    if not text or can_see_full_phone(user):
        return text or ""
    return re.sub(r"\d[\d -]{5,}\d", lambda m: _mask(m.group()), text)


def _mask(run: str) -> str:
    digits = [c for c in run if c.isdigit()]
    if len(digits) < 7:
        return run
    return "".join(digits[:3]) + "****" + "".join(digits[-4:])


@register.filter
def percent(share) -> str:
    return f"{round(float(share) * 100)}%"


@register.filter
def person(user) -> str:
    """A person's name for a page: full name, else username, else a dash (no one yet)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
