"""The error pages people may meet: friendly pages inside the layout, in their language, with
the way back (issue 17). ``handler404`` and ``handler403`` are Django's own, rendering our
``404.html`` and ``403.html``; a server error and a refused form (CSRF) come here."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from .api import error_body


def server_error(request):
    """``handler500``. Reads nothing from the database (it may be what failed): the layout
    without the menu, which needs the person's roles. Under ``/api/`` the API's error body."""
    if request.path.startswith("/api/"):
        body = error_body("server_error", _("Something went wrong; the error has been recorded."))
        return JsonResponse(body, status=500, json_dumps_params={"ensure_ascii": False})
    html = loader.get_template("500.html").render({"site_title": settings.SITE_TITLE})
    return HttpResponseServerError(html)


def csrf_failure(request, reason: str = ""):
    """``CSRF_FAILURE_VIEW``: a form sent from a page left open too long (or after signing in
    again elsewhere) is refused with the 403 page and what to do, not Django's own page."""
    return render(request, "403.html", {"reason": reason or "csrf"}, status=403)
