"""How a customer's phone number is shown, decided in one place (SEC-1).

The roles whose daily work is calling customers (``permissions.FULL_PHONE_ROLES``: customer
service, after-sales service, sales, logistics, dealers for their own customers, administrators)
see numbers in full; everyone else (quality, quality inspection, the sales vice-president) sees
``139****5678``. Every output that prints a customer's or a case contact's number goes through
here: API answers, pages (the ``phone_for`` template filter in ``customer_tags``), PDFs, Excel
exports, timelines and search results.

A masked reader learns a full number only in two ways, and both are recorded as a
``PhoneReveal``: asking for it (``services.customer_reveal_phone``) or finding customers by
digits the mask hides (``services.customer_phone_search_record``, field ``"search"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .permissions import can_see_full_phone
from .validators import mask_phone, normalise_phone

# A masked number shows its first three and last four digits: any run of five digits or more
# names digits the mask hides.
HIDDEN_RUN = re.compile(r"\d{5,}")
# A number written into free text (a liaison form's "who said it"), with spaces or dashes.
_NUMBER_IN_TEXT = re.compile(r"\d[\d -]{5,}\d")


def sees_full_phones(user, *, customer=None) -> bool:
    """Whether ``user`` sees customers' numbers in full. ``customer`` is the number's owner,
    for a rule that depends on it; today the role decides alone (the selectors already keep a
    dealer's people to the dealer's own customers)."""
    return can_see_full_phone(user)


def _in_full(number: str | None) -> str:
    return number or ""


def _masked(number: str | None) -> str:
    return mask_phone(number or "")


def phone_display(user, *, customer=None) -> Callable[[str | None], str]:
    """``phone_for`` with the decision taken once: for the thousands of rows of an export."""
    return _in_full if sees_full_phones(user, customer=customer) else _masked


def phone_for(user, number: str | None, *, customer=None) -> str:
    """``number`` as ``user`` may see it: in full, or masked (``139****5678``)."""
    return phone_display(user, customer=customer)(number)


def phones_in_text_for(user, text: str | None) -> str:
    """Free text with the numbers written into it masked for a masked reader."""
    if not text or sees_full_phones(user):
        return text or ""
    return _NUMBER_IN_TEXT.sub(lambda m: _mask_run(m.group()), text)


def _mask_run(run: str) -> str:
    digits = [c for c in run if c.isdigit()]
    if len(digits) < 7:
        return run
    return "".join(digits[:3]) + "****" + "".join(digits[-4:])


def mask_in_timeline(model, *fields: str) -> None:
    """Show the changes of these phone fields on the record's timeline as the reader may see
    them (each app calls it in ``ready()`` for its own fields)."""
    from aftersales.core.timeline import register_field_display

    for field in fields:
        register_field_display(model, field, phone_for)


def hidden_digit_runs(query: str | None) -> set[str]:
    """The runs of digits in a search that a masked number does not show. ``139-1234-5678``
    and ``139 1234 5678`` count as the mobile they spell; ``021-62345678`` gives ``62345678``,
    as a landline is stored with its dash."""
    query = query or ""
    return set(HIDDEN_RUN.findall(query)) | set(HIDDEN_RUN.findall(normalise_phone(query)))
