"""The customer's own view of the case (SVC-7, SVC-8): a signed link in every message opens
it, shows where the case stands and lets the customer confirm or reject the result. Without
the link, the case number and the last four digits of the phone show the status only."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from aftersales.core.selectors import clean_query
from aftersales.core.throttling import guarded_lookup

from ..models import Case

SALT = "aftersales.service.track"
MAX_AGE = 180 * 24 * 3600  # a link stays good for half a year


def tracking_token(case: Case) -> str:
    return signing.dumps(case.number, salt=SALT, compress=True)


def tracking_url(case: Case) -> str:
    from aftersales.core.company import public_base_url

    return f"{public_base_url()}{reverse('service:track')}?t={tracking_token(case)}"


def case_from_token(token: str) -> Case | None:
    try:
        number = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return Case.objects.select_related("customer", "product").filter(number=number).first()


def case_from_number_and_phone(number: str, phone_tail: str) -> Case | None:
    number, phone_tail = clean_query(number).upper(), clean_query(phone_tail)
    if len(phone_tail) != 4 or not phone_tail.isdigit() or not number:
        return None
    case = Case.objects.select_related("customer", "product").filter(number=number).first()
    if case is None:
        return None
    phones = [case.contact_phone, case.customer.mobile, case.customer.landline]
    return case if any(p and p.endswith(phone_tail) for p in phones) else None


def case_track_lookup(number: str, phone_tail: str) -> Case | None:
    """``case_from_number_and_phone``, refused with ``TooManyRequests`` once the case number
    has had ``TRACK_FAILURE_LIMIT`` wrong phone digits in the window, whatever the address;
    a right answer does not count. (The signed link needs no such limit: it cannot be
    guessed.)"""
    return guarded_lookup(
        "case-track",
        clean_query(number).upper(),
        lambda: case_from_number_and_phone(number, phone_tail),
    )
