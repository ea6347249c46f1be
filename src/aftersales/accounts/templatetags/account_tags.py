from django import template
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role

register = template.Library()


@register.filter
def role_badges(user) -> list[str]:
    """Role labels of a listed user, from the prefetched groups (no extra query per row)."""
    if user.is_superuser:
        return [_("Superuser (all roles)")]
    labels = dict(Role.choices)
    names = {g.name for g in user.groups.all()}
    return [str(labels[code]) for code in Role.values if code in names]


@register.filter
def role_label(code: str) -> str:
    return str(dict(Role.choices).get(code, code))
