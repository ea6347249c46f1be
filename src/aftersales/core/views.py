from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.permissions import role_labels, user_roles
from aftersales.accounts.roles import ROLE_DESCRIPTIONS, Role

from .health import run_health_checks, run_health_summaries
from .search import MIN_LENGTH, global_search
from .selectors import recent_activity_for_user
from .workbench import WEEKS, workbench_for


@login_required
def home(request):
    """The person's workbench (工作台): what waits for them, with links to exactly those
    records, and the key figures of their area with the last weeks' trend (core.workbench:
    the apps register what goes on it)."""
    roles = user_roles(request.user)
    bench = workbench_for(request.user)
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
            "todos": [t for t in bench.todos if t.count],
            "checked": [t for t in bench.todos if not t.count],
            "figures": bench.figures,
            "weeks": WEEKS,
            "activity": recent_activity_for_user(request.user, limit=10),
            "admin_warnings": _admin_warnings(request.user),
        },
    )


@login_required
@require_GET
def search(request):
    """The top bar's search: every kind of record the reader may see, grouped by kind. A
    document number typed in full (exactly one record has it) opens that record."""
    result = global_search(request.user, request.GET.get("q", ""))
    if result.exact is not None:
        return redirect(result.exact.url)
    return render(
        request,
        "core/search.html",
        {"result": result, "search_query": result.query, "min_length": MIN_LENGTH},
    )


def _admin_warnings(user) -> list[str]:
    """Things an administrator must act on soon (e.g. next year's holiday schedule, R43)."""
    from aftersales.workdays.permissions import can_manage_calendar
    from aftersales.workdays.selectors import calendar_warnings

    return calendar_warnings() if can_manage_calendar(user) else []


@never_cache
@require_GET
def healthz(request):
    """Always JSON: 200 while the node can serve, 503 when a check fails. Anyone (a load
    balancer) gets the status and the calendar summary; what each check found is for
    administrators and for callers with the ``HEALTHZ_TOKEN`` header."""
    healthy, checks = run_health_checks()
    body = {"status": "ok" if healthy else "error"}
    body.update(run_health_summaries())
    if _may_see_health_details(request):
        body["checks"] = checks
    return JsonResponse(body, status=200 if healthy else 503)


def _may_see_health_details(request) -> bool:
    from django.conf import settings

    token = getattr(settings, "HEALTHZ_TOKEN", "")
    if token and request.headers.get("X-Healthz-Token") == token:
        return True
    try:
        from aftersales.accounts.permissions import user_has_role

        return user_has_role(request.user, Role.ADMIN)
    except Exception:  # the database is down: no session can be read, no details
        return False


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
