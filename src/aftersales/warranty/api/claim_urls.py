"""Routes of the dealer claim API (WAR-10), under /api/v1/warranty/."""

from django.urls import path

from . import claims

urlpatterns = [
    path("claims/", claims.DealerClaimListCreateApi.as_view(), name="api-warranty-claims"),
    path(
        "claims/statement/",
        claims.DealerClaimStatementApi.as_view(),
        name="api-warranty-claim-statement",
    ),
    path(
        "claims/<str:number>/",
        claims.DealerClaimDetailApi.as_view(),
        name="api-warranty-claim-detail",
    ),
    path(
        "claims/<str:number>/decide/",
        claims.DealerClaimDecideApi.as_view(),
        name="api-warranty-claim-decide",
    ),
    path(
        "claims/<str:number>/settle/",
        claims.DealerClaimSettleApi.as_view(),
        name="api-warranty-claim-settle",
    ),
]
