"""Choose the language of each request.

Pages are Chinese unless the person picked another language with the switcher (a cookie); the
browser's Accept-Language is ignored for pages, because many Chinese offices run English
browsers. API clients choose deliberately, so for ``/api/`` the Accept-Language header counts
when no cookie is set. See docs/decisions.md.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = {code for code, _ in settings.LANGUAGES}


def language_for_request(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in SUPPORTED:
        return chosen
    if request.path.startswith("/api/"):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response


# The pages load nothing from elsewhere and run no inline script (behaviours are wired by
# data attributes in static/js/app.js), so the policy can be strict. Inline *styles* stay
# allowed: a few elements carry a style attribute, and htmx adds its indicator style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Django's admin site and the Swagger UI start themselves with inline scripts.
_INLINE_SCRIPT_PATHS = ("/admin/", "/api/docs/")


class ContentSecurityPolicyMiddleware:
    """``Content-Security-Policy`` on every answer that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
            if request.path.startswith(_INLINE_SCRIPT_PATHS):
                policy = policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
            response["Content-Security-Policy"] = policy
        return response
