"""Calendar input errors in the user's language, on the field concerned."""

from django.utils.translation import gettext as _

from aftersales.core.errors import InvalidInput

from .calendar import CalendarInputError


def invalid_input(exc: CalendarInputError, *, field: str | None = None) -> InvalidInput:
    templates = {
        "naive_datetime": _("Give a time with a time zone; it is read in Asia/Shanghai."),
        "not_a_date": _("Enter a date like 2026-11-28."),
        "too_early": _("Dates before %(year)s are not supported."),
        "too_late": _("Dates after %(year)s are not supported."),
        "not_an_integer": _("Enter a whole number."),
        "too_small": _("Must be at least %(minimum)s."),
    }
    template = templates.get(exc.code)
    message = template % exc.params if template else str(exc)
    return InvalidInput(fields={field or exc.field: [message]}, code="invalid")
