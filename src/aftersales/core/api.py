"""REST conventions shared by every app: pagination and one error body.

Every error answers ``{"code": str, "message": str, "fields": {name: [str, ...]}}``; ``fields``
is empty unless particular inputs are wrong. ``code`` is stable for integrators; ``message``
is in the request's language.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import exceptions, fields, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError, NotFound


class Pagination(PageNumberPagination):
    """``?page=2&page_size=50``. ``page_size`` is a whole number from 1 (a larger one than
    ``max_page_size`` counts as that), anything else is a 400 on ``page_size``; a page past the
    end is a 404."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        try:
            size = serializers.IntegerField(min_value=1).run_validation(raw)
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError({self.page_size_query_param: exc.detail}) from None
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"{self.page_size} unless given; at most {self.max_page_size}."
                )
        return parameters


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


def query_flag(request, name: str) -> bool | None:
    """A yes/no query parameter (``?overdue=1``, ``true``, ``false``, ``0`` …): None when
    absent or empty, a 400 naming it for anything else."""
    raw = request.query_params.get(name, "")
    if raw == "":
        return None
    try:
        return serializers.BooleanField().run_validation(raw)
    except exceptions.ValidationError as exc:
        raise exceptions.ValidationError({name: exc.detail}) from None


def refuse_numbers_as_text() -> None:
    """DRF quietly reads a JSON number as text (``{"name": 7}`` is "7") and 0 or 1 as
    false or true; the API's schema says text and true/false, so a number there is refused
    like any other wrong type ("Not a valid string.", "Must be a valid boolean."). Query
    strings and forms carry text only, so only JSON bodies notice."""
    for field_class in (fields.CharField, fields.BooleanField):
        lenient = field_class.to_internal_value
        if getattr(lenient, "refuses_numbers", False):
            continue

        def to_internal_value(self, data, lenient=lenient):
            if isinstance(data, int | float) and not isinstance(data, bool):
                self.fail("invalid")
            return lenient(self, data)

        to_internal_value.refuses_numbers = True
        field_class.to_internal_value = to_internal_value


def not_found(request, exception=None):
    """``handler404``: a URL under ``/api/`` that matches no route (``/api/v1/orders/abc/``)
    answers the API's error body; pages keep Django's."""
    if request.path.startswith("/api/"):
        body = error_body(NotFound.default_code, NotFound.default_message)
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        fields = {k: [str(m) for m in v] for k, v in exc.fields.items()}
        response = Response(error_body(exc.code, exc.message, fields), status=exc.status_code)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(int(exc.retry_after))
        return response
    if isinstance(exc, RequestDataTooBig):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE: the API's JSON body, not Django's page.
        return Response(
            error_body("too_large", _("The request is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_fields(exc.detail)
        names = ", ".join(sorted(fields))
        message = _("Please correct these fields: %(fields)s.") % {"fields": names}
        if list(fields) == ["non_field_errors"]:
            message = fields["non_field_errors"][0]
        response.data = error_body("invalid", message, fields)
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = error_body(code, detail)
    return response


def _django_validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def flatten_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """``{"lines": [{"qty": ["..."]}]}`` becomes ``{"lines[0].qty": ["..."]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # a ListSerializer's errors, keyed by position
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten_fields(value, name))
    elif isinstance(detail, list) and detail and all(isinstance(d, dict | list) for d in detail):
        for index, value in enumerate(detail):
            if value:
                out.update(flatten_fields(value, f"{prefix}[{index}]"))
    elif isinstance(detail, list):
        out[prefix or "non_field_errors"] = [str(d) for d in detail]
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out
