"""Input no use case should see, refused at the door with a 400 that names the field.

- **Text longer than ``MAX_TEXT_LENGTH``** (5,000 characters unless a view says otherwise):
  descriptions and notes are for people to read; longer text belongs in an attachment. One
  1 MB description held a worker for minutes (search segmentation, indexes).
- **NUL characters** in any text, query or form value: PostgreSQL cannot store them, and a
  lookup with one was a 500.

The JSON parser checks every string of an API body (a view may allow longer text with
``max_text_length``); the middleware checks query strings and form posts of every page and
endpoint; the forms' mixin (``core.forms.StyledFormMixin``) gives every text field a length.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


def max_text_length() -> int:
    return getattr(settings, "MAX_TEXT_LENGTH", 5000)


# Fields that carry a file as text (the drawn signature, a PNG data URL): the service checks
# their size itself (repairs: 512 KB), so only a bound well above that applies here.
ENCODED_FILE_FIELDS = {"signature": 800_000}


def _limit_for(path: str, limit: int) -> int:
    name = path.rsplit(".", 1)[-1].split("[", 1)[0]
    return max(limit, ENCODED_FILE_FIELDS.get(name, 0))


def too_long_message(limit: int) -> str:
    return _("At most %(n)s characters; put longer text in an attachment.") % {"n": limit}


def nul_message() -> str:
    return _("Contains a NUL character, which is not text.")


def _walk(value, path: str, limit: int, errors: dict[str, list[str]]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            errors.setdefault(path or "body", []).append(nul_message())
        elif len(value) > _limit_for(path, limit):
            errors.setdefault(path or "body", []).append(too_long_message(limit))
    elif isinstance(value, dict):
        for key, item in value.items():
            key_text = str(key)
            if "\x00" in key_text:
                errors.setdefault(path or "body", []).append(nul_message())
                continue
            _walk(item, f"{path}.{key_text}" if path else key_text, limit, errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", limit, errors)


def check_data(data, *, limit: int | None = None) -> None:
    """Raise a DRF ValidationError naming every over-long or NUL-bearing string."""
    errors: dict[str, list[str]] = {}
    _walk(data, "", limit or max_text_length(), errors)
    if errors:
        raise exceptions.ValidationError(errors)


class GuardedJSONParser(JSONParser):
    """JSON, with every string checked (the view's ``max_text_length`` may raise the limit)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        view = (parser_context or {}).get("view")
        check_data(data, limit=getattr(view, "max_text_length", None))
        return data


def allows_text(limit: int):
    """Decorator for a page that takes longer text than usual (a pasted State Council
    notice): its form values may be up to ``limit`` characters."""

    def mark(view):
        view.max_text_length = limit
        return view

    return mark


def _bad_value(querydict, limit: int) -> tuple[str, str] | None:
    """The first (field, message) of a NUL or an over-long value, or None."""
    for key, values in querydict.lists():
        if "\x00" in key:
            return key.replace("\x00", ""), nul_message()
        for value in values:
            if not isinstance(value, str):
                continue
            if "\x00" in value:
                return key, nul_message()
            if len(value) > _limit_for(key, limit):
                return key, too_long_message(limit)
    return None


class InputGuardMiddleware:
    """NUL characters (path, query, form) and over-long form or query values are a 400 that
    names the field, before any view runs: never a 500, never a stalled worker."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "max_text_length", None) or max_text_length()
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        limit = getattr(view_class, "max_text_length", None) or limit
        if "\x00" in request.path:
            return self._refuse(request, "path", nul_message())
        found = _bad_value(request.GET, limit)
        if found is None and request.method == "POST" and not _is_json(request):
            try:
                found = _bad_value(request.POST, limit)
            except Exception:  # a body Django cannot parse is the view's business
                found = None
        if found is None:
            return None
        return self._refuse(request, *found)

    @staticmethod
    def _refuse(request, field: str, message: str):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "invalid", "message": message, "fields": {field or "body": [message]}},
                status=400,
            )
        return HttpResponseBadRequest(
            f"{field}: {message}", content_type="text/plain; charset=utf-8"
        )


def _is_json(request) -> bool:
    return (request.content_type or "").startswith("application/json")
