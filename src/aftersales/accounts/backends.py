"""The sign-in lock, on every path through Django's ``authenticate()``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from aftersales.core.clientip import client_ip


class SignInLockBackend:
    """First of ``AUTHENTICATION_BACKENDS``: before any backend checks a password, the try is
    counted (``services.login_attempt_begin``), and while the account is locked from the
    client's address it is refused, so the right password is refused too.

    It only ever refuses (``PermissionDenied`` stops ``authenticate()`` at once); it has no
    ``get_user`` and never signs anyone in. The pages and the API check the lock first to say
    why in words; this guards every way in (the log-in page, the admin's, the token API)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from . import services

        if request is None or not username:
            return None
        if not services.login_attempt_begin(username=username, address=client_ip(request)):
            # Read by services.user_record_login_failure: no password was tried.
            request._sign_in_refused = True
            raise PermissionDenied
        return None
