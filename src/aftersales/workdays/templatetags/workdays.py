"""``{% provisional_mark value %}``: "暂定" beside a date in a year without a published schedule.

``value`` is a date, an aware datetime (read in China time), an ISO date string, or ``True`` /
``False`` for a record that stores its own flag (an SLA clock, an engine option). The badge's
tooltip says why the date may still move (R43).
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def is_provisional(value) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    elif isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return False
    if not isinstance(value, date):
        return False
    from aftersales.workdays import current_calendar

    return current_calendar().year_status(value.year) == "provisional"


@register.simple_tag
def provisional_mark(value, year=None):
    if not is_provisional(value):
        return ""
    if year is None and not isinstance(value, bool):
        year = _year_of(value)
    why = (
        _(
            "Provisional: the State Council has not published the %(year)s holiday schedule "
            "yet, so this date is counted on the statutory holidays alone and may still move."
        )
        % {"year": year}
        if year
        else _(
            "Provisional: counted on a year whose holiday schedule is not published yet; it "
            "may still move."
        )
    )
    return format_html(
        '<span class="badge text-bg-warning provisional-mark ms-1" title="{}" '
        'data-bs-toggle="tooltip" data-testid="provisional">{}</span>',
        why,
        _("provisional"),
    )


def _year_of(value) -> int | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).year if timezone.is_aware(value) else value.year
    if isinstance(value, date):
        return value.year
    if isinstance(value, str) and value[:4].isdigit():
        return int(value[:4])
    return None


@register.filter
def holiday_name(name: str) -> str:
    """``{{ d.name|holiday_name }}``: a statutory holiday's name in the reader's language."""
    from aftersales.workdays.names import holiday_name as label

    return label(name or "")
