from django import template

register = template.Library()


@register.filter
def contact_for(text: str, user) -> str:
    """Phone numbers written into free text (a liaison form's "who said it") are masked for
    roles that do not call customers, as on the customer pages (SEC-1)."""
    from aftersales.customers.masking import phones_in_text_for

    return phones_in_text_for(user, text)


@register.filter
def percent(share) -> str:
    return f"{round(float(share) * 100)}%"


@register.filter
def person(user) -> str:
    """A person's name for a page: full name, else username, else a dash (no one yet)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username


# Links to quality pages are shown only to people those pages admit (issue 17: no dead
# links): the same predicates the views ask, for templates of any app.
@register.filter
def can_view_quality(user) -> bool:
    from ..permissions import can_view_quality as predicate

    return predicate(user)


@register.filter
def can_work_recall(user) -> bool:
    from ..permissions import can_work_recall as predicate

    return predicate(user)
