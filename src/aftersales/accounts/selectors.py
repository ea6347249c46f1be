"""Reads of people, scoped to what the reader may see."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from rest_framework.authtoken.models import Token

from aftersales.core.errors import NotFound

from .models import Department, LoginFailure, User
from .permissions import can_manage_users


def user_list_for_user(
    actor: User, *, q: str = "", role: str = "", department: str = "", active: bool | None = None
) -> QuerySet[User]:
    """Administrators see everyone; others see nobody through this list (need-to-know, SEC-1)."""
    if not can_manage_users(actor):
        return User.objects.none()
    users = User.objects.select_related("department").prefetch_related("groups")
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(phone__icontains=q)
            | Q(email__icontains=q)
        )
    if role:
        users = users.filter(groups__name=role)
    if department:
        users = users.filter(department__code=department)
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by("username").distinct()


def user_get_for_user(actor: User, *, user_id: int) -> User:
    user = user_list_for_user(actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


def department_list() -> QuerySet[Department]:
    return Department.objects.filter(active=True).order_by("code")


def login_name(username: str) -> str:
    """The account part of a sign-in record: as typed, without case or surrounding spaces."""
    return (username or "").strip().lower()[:150]


def login_locked_until(*, username: str, address: str) -> datetime | None:
    """Until when signing in as ``username`` from ``address`` is refused (the account's lock
    from that address, or the address's own), None when it is not."""
    names = {login_name(username), ""}
    return (
        LoginFailure.objects.filter(
            username__in=names, address=address or "", locked_until__gt=timezone.now()
        )
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )


def login_failures_for_user(actor: User, *, user: User) -> QuerySet[LoginFailure]:
    """The person's failed sign-ins by address, for administrators."""
    if not can_manage_users(actor):
        return LoginFailure.objects.none()
    return LoginFailure.objects.filter(
        Q(failures_total__gt=0) | Q(locked_until__isnull=False),
        username=login_name(user.get_username()),
    ).order_by(F("last_failure_at").desc(nulls_last=True))


def token_expires_at(token: Token) -> datetime:
    """The end of an API token's life: ``API_TOKEN_DAYS`` after it was issued."""
    return token.created + timedelta(days=settings.API_TOKEN_DAYS)


def token_expired(token: Token) -> bool:
    return token_expires_at(token) <= timezone.now()


def user_token(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()
