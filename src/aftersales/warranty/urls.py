"""Pages of the 三包 app. Each part keeps its routes beside its views."""

from django.urls import include, path

app_name = "warranty"

urlpatterns = [
    path("policies/", include("aftersales.warranty.views.policy_urls")),
    path("", include("aftersales.warranty.views.card_urls")),
    path("claims/", include("aftersales.warranty.views.claim_urls")),
    path("compliance/", include("aftersales.warranty.views.compliance_urls")),
    path("extended/", include("aftersales.warranty.views.extended_urls")),
    # Last: an application's number is a single path segment.
    path("", include("aftersales.warranty.views.application_urls")),
]
