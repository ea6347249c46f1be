"""Who the company is, as every document, message and page shows it.

``company()`` is the administrators' company profile (``CompanyProfile``, one row) with the
settings as defaults for what it leaves empty: ``COMPANY_NAME`` for the name and
``PUBLIC_BASE_URL`` for the address customers reach the site at. Nothing names the software
as the seller: without a profile or ``COMPANY_NAME`` the name is empty and documents leave
the seller's line blank to be stamped.

It is read on every page (the footer), so it is kept in the cache: shared by every process
with Redis, else per process for at most ``CACHE_SECONDS``. Saving the profile forgets it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

CACHE_KEY = "core:company-profile:v1"
CACHE_SECONDS = 60


@dataclass(frozen=True)
class Company:
    """What the profile says (empty: no profile saved yet); the settings fill its gaps."""

    profile_name: str = ""
    short_name: str = ""
    address: str = ""
    phone: str = ""
    credit_code: str = ""
    bank_name: str = ""
    bank_account: str = ""
    public_url: str = ""  # the profile's own, empty when it relies on PUBLIC_BASE_URL
    logo: str = ""  # the file's name in the default storage

    @property
    def name(self) -> str:
        """The company's name: the profile's, else ``COMPANY_NAME``, else nothing."""
        return self.profile_name or getattr(settings, "COMPANY_NAME", None) or ""

    @property
    def sms_signature(self) -> str:
        """The 【signature】 of text messages: the short name, else the name."""
        return self.short_name or self.name

    @property
    def base_url(self) -> str:
        """Where customers reach the site, without a trailing slash."""
        return (self.public_url or getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")

    @property
    def logo_url(self) -> str:
        """The public address of the logo on this site ("" without one): its file name is in
        the path, so a new logo gets a new address and may be cached for long."""
        if not self.logo:
            return ""
        return reverse("core:company-logo", args=[logo_file_name(self.logo)])


def logo_file_name(storage_name: str) -> str:
    return storage_name.rsplit("/", 1)[-1]


def _load() -> Company:
    from .models import CompanyProfile

    row = CompanyProfile.objects.filter(pk=1).first()
    if row is None:
        return NO_PROFILE
    return Company(
        profile_name=row.name,
        short_name=row.short_name,
        address=row.address,
        phone=row.phone,
        credit_code=row.credit_code,
        bank_name=row.bank_name,
        bank_account=row.bank_account,
        public_url=row.public_url.rstrip("/"),
        logo=row.logo.name if row.logo else "",
    )


NO_PROFILE = Company()


def company() -> Company:
    """The company as documents, messages and pages name it."""
    found = cache.get(CACHE_KEY)
    if isinstance(found, Company):
        return found
    found = _load()
    cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def forget_company() -> None:
    """The profile changed: read it again, now and once the change is committed (a reader
    in between must not keep the old one)."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def remember_no_profile() -> None:
    """Tell the cache there is no profile, as in a new database (each test's, say), so the
    first page read does not have to ask the database."""
    cache.set(CACHE_KEY, NO_PROFILE, CACHE_SECONDS)


def public_base_url() -> str:
    """The start of every link a customer gets (messages, QR codes): the profile's public
    address, else ``PUBLIC_BASE_URL``."""
    return company().base_url
