"""Reads of people, scoped to what the reader may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from aftersales.core.errors import NotFound

from .models import Department, User
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
