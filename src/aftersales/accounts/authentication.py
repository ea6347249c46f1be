"""API authentication: ``Authorization: Token <key>`` with tokens that expire."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .selectors import token_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token ``API_TOKEN_DAYS`` after its issue."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(
                _(
                    "The API token has expired. Ask for a new one with your username and "
                    "password at POST /api/v1/auth/token/."
                ),
                code="token_expired",
            )
        return user, token
