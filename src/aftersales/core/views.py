from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from aftersales.accounts.permissions import role_labels, user_roles
from aftersales.accounts.roles import ROLE_DESCRIPTIONS, Role

from .health import run_health_checks
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
        },
    )


@never_cache
@require_GET
def healthz(request):
    healthy, checks = run_health_checks()
    body = {"status": "ok" if healthy else "error", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)
