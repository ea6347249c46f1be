"""The 三包 API: the engine, applications, certificates and dealer claims."""

from django.urls import include, path

urlpatterns = [
    path("warranty/", include("aftersales.warranty.api.engine_urls")),
    path("warranty/", include("aftersales.warranty.api.application_urls")),
    path("warranty/", include("aftersales.warranty.api.card_urls")),
    path("warranty/", include("aftersales.warranty.api.claim_urls")),
    path("warranty/", include("aftersales.warranty.api.compliance_urls")),
    path("warranty/", include("aftersales.warranty.api.extended_urls")),
]
