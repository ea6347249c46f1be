"""Routes of the engine API."""

from django.urls import path

from .engine import WarrantyEvaluateApi

urlpatterns = [path("evaluate/", WarrantyEvaluateApi.as_view(), name="api-warranty-evaluate")]
