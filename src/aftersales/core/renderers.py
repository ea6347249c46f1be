"""The API's JSON: times in the company's time zone with their offset
(``2026-12-07T00:30:00+08:00``), in hand-built answers as in serializer fields.

Its own module: ``rest_framework.views`` reads this setting when it is imported, so the
renderer must not live in a module that imports it (``core.api``).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder


class LocalTimeEncoder(JSONEncoder):
    """DRF's encoder writes a database datetime as UTC ("...Z"); serializer fields, and so
    every other time in the API, give the company's offset."""

    def default(self, obj):
        if isinstance(obj, datetime) and timezone.is_aware(obj):
            obj = timezone.localtime(obj)
        return super().default(obj)


class JSONRenderer(renderers.JSONRenderer):
    encoder_class = LocalTimeEncoder
