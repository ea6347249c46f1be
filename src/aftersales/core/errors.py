"""Domain errors. Services raise them; the API maps them to a status code, pages to a message.

Each error carries a stable machine ``code`` for integrators, a human ``message`` (translated to
the user's language) and optional ``fields``: ``{"field_name": ["what is wrong", ...]}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status_code = 400
    default_code = "invalid"
    default_message = _("The request could not be completed.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        self.fields = fields or {}
        super().__init__(str(self.message))


class InvalidInput(ApplicationError):
    """Input that fails a business rule, e.g. a date outside the allowed window (400)."""

    status_code = 400
    default_code = "invalid"
    default_message = _("Some fields are not valid.")


class PermissionDenied(ApplicationError):
    """The person may see the record but not do this to it (403)."""

    status_code = 403
    default_code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFound(ApplicationError):
    """The record does not exist or is outside the person's scope: both look the same (404)."""

    status_code = 404
    default_code = "not_found"
    default_message = _("The record was not found.")


class Unprocessable(ApplicationError):
    """Well-formed, but contradicting what the server already holds, e.g. an
    ``Idempotency-Key`` reused with another body (422)."""

    status_code = 422
    default_code = "unprocessable"
    default_message = _("The request contradicts an earlier one.")


class StorageFailed(ApplicationError):
    """The server could not keep an uploaded file (a full disk); nothing was kept (507)."""

    status_code = 507
    default_code = "storage_failed"
    default_message = _(
        "The file could not be stored (the server's disk may be full); nothing was kept. "
        "Please tell the administrator and try again later."
    )


class Conflict(ApplicationError):
    """The record's state forbids the action, e.g. an illegal transition (409)."""

    status_code = 409
    default_code = "conflict"
    default_message = _("The record's current state does not allow this.")


class StaleVersion(Conflict):
    """Someone else saved the record after it was read (409): reload and try again."""

    default_code = "stale_version"
    default_message = _(
        "Someone else changed this record after you opened it. Reload it and try again."
    )


class TooManyRequests(ApplicationError):
    """Too many tries (429): a sign-in locked after wrong passwords, a lookup guessed at too
    often. ``retry_after`` (seconds), when known, goes out as the ``Retry-After`` header."""

    status_code = 429
    default_code = "too_many_requests"
    default_message = _("Too many tries. Please wait and try again later.")

    def __init__(self, message=None, *, code=None, fields=None, retry_after: int | None = None):
        super().__init__(message, code=code, fields=fields)
        self.retry_after = retry_after
