"""Routes of the compliance register API (WAR-14)."""

from django.urls import path

from .compliance import ComplianceListApi, ComplianceSummaryApi

urlpatterns = [
    path("compliance/", ComplianceListApi.as_view(), name="api-warranty-compliance"),
    path(
        "compliance/summary/",
        ComplianceSummaryApi.as_view(),
        name="api-warranty-compliance-summary",
    ),
]
