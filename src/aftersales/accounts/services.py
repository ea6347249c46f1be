"""Use cases for people and roles. Pages, API, admin and commands all write through these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from aftersales.core.clientip import client_ip
from aftersales.core.errors import InvalidInput, PermissionDenied, TooManyRequests
from aftersales.core.times import local_text

from .models import Department, LoginFailure, User
from .permissions import ALL_ROLES, can_manage_users, forget_roles
from .selectors import login_locked_until, login_name, token_expired

MAX_LOCKOUT = timedelta(days=1)  # the longest a sign-in lock lasts


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(str(r) for r in roles))
    unknown = [r for r in roles if r not in ALL_ROLES]
    if unknown:
        raise InvalidInput(
            fields={"roles": [_("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}]}
        )
    return roles


def role_groups(roles: Iterable[str]) -> list[Group]:
    """The groups of ``roles``, created if missing (a flushed test database, a new role)."""
    return [Group.objects.get_or_create(name=str(r))[0] for r in roles]


def _validated(user: User, *, exclude: list[str] | None = None) -> None:
    try:
        user.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise InvalidInput(
            fields={f: [str(m) for m in msgs] for f, msgs in exc.message_dict.items()}
        ) from None


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    department: Department | None = None,
    roles: Iterable[str] = (),
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a person with roles. ``actor`` None means the system (migrations, demo data)."""
    if actor is not None and not can_manage_users(actor):
        raise PermissionDenied()
    roles = _check_roles(roles)
    user = User(
        username=username.strip(),
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        department=department,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    _validated(user)
    user._history_user = actor
    user.save()
    user.groups.set(role_groups(roles))
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    email: str,
    phone: str,
    department: Department | None,
    is_active: bool,
    roles: Iterable[str] | None = None,
) -> User:
    """Change a person's details (and roles, if given) in one transaction: all or nothing."""
    if not can_manage_users(actor):
        raise PermissionDenied()
    if user.pk == actor.pk and not is_active:
        raise InvalidInput(fields={"is_active": [_("You cannot deactivate yourself.")]})
    user = User.objects.select_for_update().get(pk=user.pk)
    user.full_name, user.email, user.phone = full_name.strip(), email.strip(), phone.strip()
    user.department, user.is_active = department, is_active
    _validated(user, exclude=["password"])
    user._history_user = actor
    user.save(update_fields=["full_name", "email", "phone", "department", "is_active"])
    if roles is not None:
        user_set_roles(actor=actor, user=user, roles=roles)
    return user


@transaction.atomic
def user_set_roles(*, actor: User, user: User, roles: Iterable[str]) -> User:
    """Replace a person's roles. The change is recorded on the person's timeline."""
    if not can_manage_users(actor):
        raise PermissionDenied()
    roles = _check_roles(roles)
    if user.pk == actor.pk and "admin" not in roles and not actor.is_superuser:
        raise InvalidInput(fields={"roles": [_("You cannot remove your own administrator role.")]})
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(role_groups(roles))
    forget_roles(user)
    if sorted(roles) != before:
        # A history row with a reason makes the role change visible on the timeline.
        user._history_user = actor
        user._change_reason = _("Roles: %(before)s → %(after)s") % {
            "before": ", ".join(before) or "—",
            "after": ", ".join(sorted(roles)) or "—",
        }
        user.save(update_fields=["username"])
    return user


@transaction.atomic
def user_token_rotate(*, user: User) -> Token:
    """Give the person a new API token, invalidating the old one."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def user_token_get(*, user: User) -> Token:
    """The person's API token, created on first request and issued anew once expired (see
    ``selectors.token_expires_at``)."""
    token, created = Token.objects.select_for_update().get_or_create(user=user)
    if not created and token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


@transaction.atomic
def user_token_revoke(*, actor: User, user: User) -> bool:
    """Revoke the person's API token: their own, or anyone's for an administrator. Programs
    using it answer 401 from then on. True when there was one."""
    if actor.pk != user.pk and not can_manage_users(actor):
        raise PermissionDenied()
    deleted, _rows = Token.objects.filter(user=user).delete()
    if deleted and actor.pk != user.pk:
        # A history row with a reason puts the revocation on the person's timeline.
        user._history_user = actor
        user._change_reason = _("API token revoked by an administrator")
        user.save(update_fields=["username"])
    return bool(deleted)


def _lock_message(until) -> str:
    return _(
        "Too many failed sign-ins: this account is locked from your address until %(time)s. "
        "Please try again then, or ask an administrator to unlock it."
    ) % {"time": local_text(until, "%Y-%m-%d %H:%M")}


def login_refuse_if_locked(*, username: str, address: str) -> None:
    """Raise ``TooManyRequests`` (429) while signing in as ``username`` from ``address`` is
    locked, whatever the password."""
    until = login_locked_until(username=username, address=address)
    if until is not None:
        wait = max(1, int((until - timezone.now()).total_seconds()))
        raise TooManyRequests(_lock_message(until), code="sign_in_locked", retry_after=wait)


def _login_failure_row(username: str, address: str) -> LoginFailure:
    row = LoginFailure.objects.filter(username=username, address=address).first()
    if row is None:
        row, _created = LoginFailure.objects.get_or_create(username=username, address=address)
    return LoginFailure.objects.select_for_update().get(pk=row.pk)


def _count(row: LoginFailure, *, limit: int, now) -> bool:
    """One more failure on ``row`` within its window; True when it locks the row, for
    ``LOGIN_LOCKOUT_MINUTES`` doubled for each earlier lock in a row (at most a day)."""
    quiet_since = max(filter(None, [row.locked_until, row.last_failure_at]), default=None)
    if quiet_since is not None and now - quiet_since > MAX_LOCKOUT:
        row.lockouts = 0  # a quiet day forgives the earlier locks
    window = timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    if row.window_started_at is None or now - row.window_started_at > window:
        row.window_started_at, row.failures = now, 0
    row.failures += 1
    row.failures_total += 1
    if row.failures < limit:
        return False
    minutes = settings.LOGIN_LOCKOUT_MINUTES * 2 ** min(row.lockouts, 16)
    row.locked_until = now + min(timedelta(minutes=minutes), MAX_LOCKOUT)
    row.lockouts += 1
    row.failures, row.window_started_at = 0, None
    row._change_reason = _("Locked until %(time)s") % {
        "time": local_text(row.locked_until, "%Y-%m-%d %H:%M")
    }
    return True


@transaction.atomic
def login_attempt_begin(*, username: str, address: str) -> bool:
    """Before a password is checked: False while signing in as ``username`` from ``address``
    is locked (the account's lock from there, or the address's own). Otherwise the attempt is
    counted as a failure at once, and given back when it succeeds (``login_success_record``):
    parallel guesses queue on the row and cannot slip past the limit together.

    ``LOGIN_FAILURE_LIMIT`` failures within ``LOGIN_FAILURE_WINDOW_MINUTES`` lock the account
    from that address (``_count``); a refused try checks no password, so it counts nowhere and
    does not lengthen the lock."""
    now = timezone.now()
    address, name = address or "", login_name(username)
    locked = LoginFailure.objects.filter(
        username="", address=address, locked_until__gt=now
    ).exists()
    if not name:
        return not locked
    row = _login_failure_row(name, address)
    if locked or row.is_locked(now):
        return False
    if _count(row, limit=settings.LOGIN_FAILURE_LIMIT, now=now):
        row.save()  # the lock goes into the history
    else:
        row.save_without_historical_record()
    return True


@transaction.atomic
def login_failure_record(*, username: str, address: str) -> None:
    """After a wrong password (counted already by ``login_attempt_begin``): the account's row
    notes it in its history, and the address's own count goes up;
    ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures on any accounts lock the address."""
    now = timezone.now()
    address, name = address or "", login_name(username)
    if name:
        row = _login_failure_row(name, address)
        row.last_failure_at = now
        row._change_reason = _("Wrong password")
        row.save()
    row = _login_failure_row("", address)
    if row.is_locked(now):
        return
    _count(row, limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT, now=now)
    row.last_failure_at = now
    if not getattr(row, "_change_reason", None):
        row._change_reason = _("Wrong password")
    row.save()


@transaction.atomic
def login_success_record(*, username: str, address: str) -> None:
    """A successful sign-in gives back its own count and starts the account's count from that
    address again, ending any lock and back-off."""
    for row in LoginFailure.objects.select_for_update().filter(
        username=login_name(username), address=address or ""
    ):
        if row.failures > 0 or row.is_locked():  # this sign-in's own count
            row.failures_total = max(0, row.failures_total - 1)
        earlier = row.failures > 1 or row.lockouts > 0
        row.failures, row.lockouts = 0, 0
        row.window_started_at = row.locked_until = None
        if earlier:
            row._change_reason = _("Signed in")
            row.save()
        else:
            row.save_without_historical_record()


@transaction.atomic
def login_failure_clear(*, actor: User, failure: LoginFailure) -> LoginFailure:
    """An administrator unlocks an account (or an address) and clears its count."""
    if not can_manage_users(actor):
        raise PermissionDenied()
    row = LoginFailure.objects.select_for_update().get(pk=failure.pk)
    if not (row.failures or row.lockouts or row.locked_until):
        return row
    row.failures, row.lockouts = 0, 0
    row.window_started_at = row.locked_until = None
    row._history_user = actor
    row._change_reason = _("Unlocked by an administrator")
    row.save()
    return row


def user_record_login(sender, user: User, request=None, **kwargs) -> None:
    """Receiver of ``user_logged_in``: stamp ``last_login`` without a history row, and start
    the count of failed sign-ins from the address again."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
    if request is not None:
        login_success_record(username=user.get_username(), address=client_ip(request))


def user_record_login_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    """Receiver of ``user_login_failed``: a wrong password through Django's ``authenticate()``
    (the log-in page, the admin's, the token API). Not for a try the lock refused
    (``backends.SignInLockBackend`` marks the request), nor without a client."""
    if request is None or getattr(request, "_sign_in_refused", False):
        return
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    login_failure_record(username=str(username), address=client_ip(request))
