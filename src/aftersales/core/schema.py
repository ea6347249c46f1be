"""OpenAPI generation tweaks."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API (``core.api.error_body``)."""

    code = serializers.CharField(help_text="Stable machine code, e.g. `invalid`, `not_found`.")
    message = serializers.CharField(help_text="In the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="What is wrong with each input, by name (`lines[0].qty`); empty otherwise.",
    )


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: `fields` names each wrong field (`invalid`, or a rule's own code).",
    "401": "No or bad credentials (`not_authenticated`, `authentication_failed`).",
    "403": "The person lacks the role, or may not do this to the record (`permission_denied`).",
    "404": "No such record, or not one the person may see (`not_found`).",
    "409": "The record's state forbids it (`conflict`, `illegal_transition`, …), or someone "
    "saved it first (`stale_version`).",
    "415": "The body is neither JSON, form-encoded nor multipart.",
    "422": "The request contradicts an earlier one (`unprocessable`).",
    "429": "Too many tries (`throttled`, `too_many_requests`, …); see `Retry-After`.",
    "507": "The upload could not be stored, nothing was kept (`storage_failed`).",
}


TIME_OF_DAY = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def error_response(status: int | str) -> OpenApiResponse:
    """``extend_schema(responses={201: Out, **{507: error_response(507)}})`` for an error
    status the rules in ``AutoSchema.error_statuses`` do not give an operation."""
    return OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS.get(str(status), ""))


class PaginatedList(serializers.ListSerializer):
    """Marks a list response answered in pages by ``core.api.Pagination``; see ``paginated``."""


def paginated(serializer) -> PaginatedList:
    """``extend_schema(responses={200: paginated(ItemSerializer)})`` for a list answered by
    ``core.api.Pagination``: the schema then shows ``{"count", "next", "previous", "results":
    [item, ...]}`` and the ``page`` and ``page_size`` parameters."""
    child = serializer() if isinstance(serializer, type) else serializer
    return PaginatedList(child=child)


class AutoSchema(BaseAutoSchema):
    """Name nested serializers after their view: ``UserListCreateApi.InputSerializer`` becomes
    the component ``UserListCreateInput``, so every API may call its serializers
    ``InputSerializer``/``OutputSerializer`` (the HackSoft convention) without name clashes.

    Lists marked with ``paginated`` are described as pages, and every operation documents the
    error statuses it can answer (``error_statuses``) with the error body."""

    def get_serializer_name(self, serializer, direction) -> str:
        cls = serializer.__class__
        outer, _, inner = cls.__qualname__.rpartition(".")
        if not outer:
            return cls.__name__
        outer = outer.split(".")[-1].removesuffix("Api")
        return outer + inner.removesuffix("Serializer")

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            # DRF reads and writes a time of day without an offset ("09:00:00"); JSON Schema's
            # "time" requires one ("09:00:00+08:00").
            schema = {**schema, "format": "partial-time", "pattern": TIME_OF_DAY}
            schema.setdefault("example", "09:00:00")
        return schema

    def _main_response_serializer(self):
        responses = self.get_response_serializers()
        if isinstance(responses, dict) and responses:
            responses = {str(code): s for code, s in responses.items()}
            responses = responses[min(responses)]
        if isinstance(responses, OpenApiResponse):
            responses = responses.response
        return responses

    def _answers_pages(self) -> bool:
        return self.method == "GET" and isinstance(self._main_response_serializer(), PaginatedList)

    def _get_paginator(self):
        if self._answers_pages():
            from .api import Pagination

            return Pagination()
        return super()._get_paginator()

    def error_statuses(self, operation: dict) -> list[str]:
        """The error statuses any operation of this shape can answer (core.errors and DRF):

        - 400 when it takes input (parameters or a body);
        - 401 when it authenticates the caller, 403 unless anyone may call it;
        - 404 for a record named in the path, a page past the end, or records referred to in
          a body;
        - 409 for a write by a signed-in person (state, versions, uniqueness);
        - 415 for a body in a media type the API does not read;
        - 429 for a public or rate-limited operation (guessing is limited there).
        Others (422, 507) an operation lists itself with ``error_response``."""
        view = self.view
        public = any(
            isinstance(p, permissions.AllowAny) for p in view.get_permissions()
        ) and not any(not isinstance(p, permissions.AllowAny) for p in view.get_permissions())
        has_body = "requestBody" in operation
        statuses = []
        if operation.get("parameters") or has_body:
            statuses.append("400")
        if view.get_authenticators():
            statuses.append("401")
        if not public:
            statuses.append("403")
        if "{" in self.path or self._answers_pages() or has_body:
            statuses.append("404")
        if self.method in ("POST", "PUT", "PATCH", "DELETE") and not public:
            statuses.append("409")
        if has_body:
            statuses.append("415")
        if public or view.get_throttles():
            statuses.append("429")
        return statuses

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        statuses = [s for s in self.error_statuses(operation) if s not in responses]
        if statuses:
            error = self._get_response_for_code(ErrorSerializer, "400")
            for status in statuses:
                responses[status] = {**error, "description": ERROR_DESCRIPTIONS[status]}
            operation["responses"] = dict(sorted(responses.items()))
        return operation
