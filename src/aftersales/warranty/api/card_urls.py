"""Routes of the 三包 certificate API (mounted at /api/v1/warranty/)."""

from django.urls import path

from . import cards

urlpatterns = [
    path("cards/", cards.WarrantyCardListCreateApi.as_view(), name="api-warranty-card-list"),
    path(
        "cards/<str:number>/",
        cards.WarrantyCardDetailApi.as_view(),
        name="api-warranty-card-detail",
    ),
    path(
        "cards/<str:number>/repairs/",
        cards.WarrantyCardRepairCreateApi.as_view(),
        name="api-warranty-card-repairs",
    ),
    path(
        "cards/<str:number>/pdf/", cards.WarrantyCardPdfApi.as_view(), name="api-warranty-card-pdf"
    ),
]
