"""Routes of the parts API (mounted at /api/v1/parts/). The fixed words come before
``<part_no>/`` so a part can never shadow them."""

from django.urls import path

from .parts import (
    PartAlertsApi,
    PartConsumeApi,
    PartCounterSaleApi,
    PartDetailApi,
    PartListApi,
    StockReceiveApi,
    StockTransferApi,
)

urlpatterns = [
    path("", PartListApi.as_view(), name="api-parts"),
    path("alerts/", PartAlertsApi.as_view(), name="api-parts-alerts"),
    path("counter-sales/", PartCounterSaleApi.as_view(), name="api-parts-counter-sales"),
    path(
        "work-orders/<str:number>/consume/",
        PartConsumeApi.as_view(),
        name="api-parts-consume",
    ),
    path("<str:part_no>/", PartDetailApi.as_view(), name="api-part"),
    path("<str:part_no>/receive/", StockReceiveApi.as_view(), name="api-part-receive"),
    path("<str:part_no>/transfer/", StockTransferApi.as_view(), name="api-part-transfer"),
]
