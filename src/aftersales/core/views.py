from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.permissions import role_labels, user_roles
from aftersales.accounts.roles import ROLE_DESCRIPTIONS, Role

from .health import run_health_checks, run_health_summaries
from .selectors import recent_activity_for_user


@login_required
def home(request):
    roles = user_roles(request.user)
    return render(
        request,
        "core/home.html",
        {
            "today": timezone.localdate(),
            "role_cards": [
                {"code": r.value, "label": r.label, "description": ROLE_DESCRIPTIONS[r]}
                for r in Role
                if r.value in roles
            ],
            "role_names": role_labels(roles),
            "activity": recent_activity_for_user(request.user, limit=10),
            "admin_warnings": _admin_warnings(request.user),
        },
    )


def _admin_warnings(user) -> list[str]:
    """Things an administrator must act on soon (e.g. next year's holiday schedule, R43)."""
    from aftersales.workdays.permissions import can_manage_calendar
    from aftersales.workdays.selectors import calendar_warnings

    return calendar_warnings() if can_manage_calendar(user) else []


@never_cache
@require_GET
def healthz(request):
    healthy, checks = run_health_checks()
    body = {"status": "ok" if healthy else "error", "checks": checks}
    body.update(run_health_summaries())
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def notification_list(request):
    from django.core.paginator import Paginator

    from .notifications import notifications_for_user

    unread_only = request.GET.get("unread") == "1"
    rows = notifications_for_user(request.user, unread_only=unread_only)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_read(request):
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    from .notifications import notifications_mark_read

    raw = request.POST.getlist("id")
    ids = [int(i) for i in raw if i.isascii() and i.isdigit()] if raw else None
    notifications_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "core:notifications"
    return redirect(target)
