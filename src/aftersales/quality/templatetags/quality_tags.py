from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """A person's name for a page: full name, else username, else a dash (no one yet)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
