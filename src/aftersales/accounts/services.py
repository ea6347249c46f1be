"""Use cases for people and roles. Pages, API, admin and commands all write through these."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from aftersales.core.errors import InvalidInput, PermissionDenied

from .models import Department, User
from .permissions import ALL_ROLES, can_manage_users, forget_roles


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
def user_token_rotate(*, user: User) -> str:
    """Give the person a new API token, invalidating the old one."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


@transaction.atomic
def user_token_get(*, user: User) -> str:
    """The person's API token, created on first request."""
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def user_record_login(sender, user: User, **kwargs) -> None:
    """Receiver of ``user_logged_in``: stamp ``last_login`` without a history row."""
    from django.utils import timezone

    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
