"""Routes of the care API, under /api/v1/: loaners, maintenance plans, a work order's charges
and quotation."""

from django.urls import path

from . import care

urlpatterns = [
    path("loaners/", care.LoanerListCreateApi.as_view(), name="api-repairs-loaners"),
    path("loaners/issues/", care.LoanerIssueCreateApi.as_view(), name="api-repairs-loaner-issues"),
    path(
        "loaners/issues/<int:pk>/return/",
        care.LoanerIssueReturnApi.as_view(),
        name="api-repairs-loaner-return",
    ),
    path(
        "maintenance-plans/",
        care.MaintenancePlanListCreateApi.as_view(),
        name="api-repairs-maintenance-plans",
    ),
    path(
        "work-orders/<str:number>/charges/",
        care.ChargeCreateApi.as_view(),
        name="api-repairs-charges",
    ),
    path(
        "work-orders/<str:number>/quote/<str:action>/",
        care.ChargeQuoteApi.as_view(),
        name="api-repairs-quote",
    ),
]
