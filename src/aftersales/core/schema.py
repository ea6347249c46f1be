"""OpenAPI generation tweaks."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.drainage import get_override, set_override
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import append_meta, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers
from rest_framework.fields import empty
from rest_framework.relations import RelatedField
from rest_framework.views import APIView


class ErrorSerializer(serializers.Serializer):
    """The body of every error the API answers."""

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


# Text fields whose input core.input_guard bounds (not choices, dates or numbers).
TEXT_FIELDS = (serializers.CharField, serializers.EmailField)


def _decimal_input(field: serializers.DecimalField, schema: dict) -> dict:
    """DRF reads an amount from a JSON string ("12.50") or a number (12.5); the schema says
    both, with the digits the field allows, and no sign where it must not be negative."""
    places = field.decimal_places
    whole = field.max_whole_digits
    unsigned = field.min_value is not None and field.min_value >= 0
    digits = r"\d+" if whole is None else rf"\d{{1,{max(whole, 1)}}}"
    fraction = {None: r"(\.\d+)?", 0: ""}.get(places, rf"(\.\d{{1,{places}}})?")
    text = {"type": "string", "pattern": rf"^{'' if unsigned else '-?'}{digits}{fraction}$"}
    number = {"type": "number"}
    if places:
        number["multipleOf"] = float(Decimal(1).scaleb(-places))
    bound = None if whole is None else float(Decimal(10) ** whole)
    if field.min_value is not None:
        number["minimum"] = float(field.min_value)
    elif bound is not None:
        number.update(minimum=-bound, exclusiveMinimum=True)
    if field.max_value is not None:
        number["maximum"] = float(field.max_value)
    elif bound is not None:
        number.update(maximum=bound, exclusiveMaximum=True)
    kept = {
        k: v
        for k, v in schema.items()
        if k not in ("type", "format", "pattern", "minimum", "maximum", "multipleOf")
        and not k.startswith("exclusive")
    }
    return {"anyOf": [text, number], **kept}


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


def whole(serializer):
    """``extend_schema(request=whole(Input))`` for a PATCH body validated whole (without
    ``partial=True``): its required fields stay required in the schema."""
    instance = serializer() if isinstance(serializer, type) else serializer
    return set_override(instance, "whole_body", True)


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

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "response" and getattr(field, "default", empty) is None:
            # An output field with ``default=None`` (``source="product.sku"`` of a record
            # without a product) answers null.
            meta["nullable"] = True
        return meta

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if (
            isinstance(field, RelatedField)
            and field.queryset is None
            and isinstance(field.parent, serializers.ManyRelatedField)
            and not hasattr(getattr(field.parent.parent, "Meta", None), "model")
        ):
            # A read-only many relation on a plain serializer (``serials`` of a delivery
            # line): drf-spectacular would look for a ModelSerializer's model and fail; like
            # the single relation there, it is text.
            meta = self._get_serializer_field_meta(field, direction)
            return append_meta(build_basic_type(OpenApiTypes.STR), meta)
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            # DRF reads and writes a time of day without an offset ("09:00:00"); JSON Schema's
            # "time" requires one ("09:00:00+08:00").
            schema = {**schema, "format": "partial-time", "pattern": TIME_OF_DAY}
            schema.setdefault("example", "09:00:00")
        if (
            direction == "response"
            and isinstance(field, serializers.EmailField | serializers.URLField)
            and "format" in schema
        ):
            # A blank address is written as "" (as drf-spectacular says for allow_blank input).
            outer = {"readOnly", "writeOnly", "nullable", "description", "title", "default"}
            inner = {k: v for k, v in schema.items() if k not in outer}
            schema = {k: v for k, v in schema.items() if k in outer}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]
        if direction == "request" and isinstance(field, RelatedField) and field.allow_null:
            # A relation reads "" as null.
            schema.pop("minLength", None)
        if direction == "request" and isinstance(field, serializers.DecimalField):
            schema = _decimal_input(field, schema)
        if (
            direction == "request"
            and type(field) in TEXT_FIELDS
            and schema.get("type") == "string"
            and "maxLength" not in schema
        ):
            # core.input_guard refuses longer text in any JSON body.
            schema = {**schema, "maxLength": self._text_limit(field)}
        if (
            direction == "request"
            and isinstance(
                field,
                serializers.ListField | serializers.ListSerializer | serializers.ManyRelatedField,
            )
            and not field.allow_empty
            and schema.get("type") == "array"
        ):
            schema = {**schema, "minItems": max(1, schema.get("minItems", 1))}
        return schema

    def _get_request_for_media_type(self, serializer, direction="request"):
        if self.method == "PATCH" and get_override(serializer, "whole_body", False):
            # drf-spectacular treats every PATCH body as partial, as generic views do.
            self.method = "PUT"
            try:
                return super()._get_request_for_media_type(serializer, direction)
            finally:
                self.method = "PATCH"
        schema, required = super()._get_request_for_media_type(serializer, direction)
        if isinstance(serializer, dict) and serializer.get("required"):
            # A hand-written body schema with required properties needs a body.
            required = True
        return schema, required

    def _text_limit(self, field) -> int:
        from .input_guard import ENCODED_FILE_FIELDS, max_text_length

        limit = getattr(self.view, "max_text_length", None) or max_text_length()
        name = getattr(field, "field_name", None)
        return max(limit, ENCODED_FILE_FIELDS.get(name, 0))

    def map_parsers(self):
        """JSON, unless the view reads other bodies itself (uploads set ``parser_classes``):
        nested inputs (order lines, a case's customer) only arrive intact as JSON."""
        media_types = super().map_parsers()
        if self.view.parser_classes is APIView.parser_classes and "application/json" in media_types:
            return ["application/json"]
        return media_types

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
        checks = view.get_permissions()
        public = bool(checks) and all(isinstance(p, permissions.AllowAny) for p in checks)
        has_body = "requestBody" in operation
        statuses = []
        if operation.get("parameters") or has_body:
            statuses.append("400")
        if view.get_authenticators():
            statuses.append("401")
        if not public:
            statuses.append("403")
        if "{" in self.path or self._answers_pages() or (has_body and not public):
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
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            if not parameter.get("required"):
                # DRF reads an empty optional query value as not given (``?status=``).
                parameter["allowEmptyValue"] = True
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and not {"maxLength", "enum"} & set(schema):
                # core.input_guard refuses a longer query value.
                schema["maxLength"] = self._text_limit(None)
        responses = operation["responses"]
        statuses = [s for s in self.error_statuses(operation) if s not in responses]
        if statuses:
            error = self._get_response_for_code(ErrorSerializer, "400")
            for status in statuses:
                responses[status] = {**error, "description": ERROR_DESCRIPTIONS[status]}
            operation["responses"] = dict(sorted(responses.items()))
        return operation
