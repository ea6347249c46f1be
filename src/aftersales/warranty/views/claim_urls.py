"""Routes of the dealer claim pages (WAR-10), under /warranty/claims/."""

from django.urls import path

from . import claims

urlpatterns = [
    path("", claims.claim_list, name="claim-list"),
    path("new/", claims.claim_new, name="claim-new"),
    path("statement/", claims.claim_statement, name="claim-statement"),
    path("<str:number>/", claims.claim_detail, name="claim-detail"),
    path("<str:number>/decide/", claims.claim_decide, name="claim-decide"),
    path("<str:number>/settle/", claims.claim_settle, name="claim-settle"),
]
