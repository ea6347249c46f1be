"""Routes of the extended-warranty API, under /api/v1/warranty/extended/."""

from django.urls import path

from .extended import ContractDetailApi, ContractListApi, PlanListApi, RevenueApi

urlpatterns = [
    path("extended/plans/", PlanListApi.as_view(), name="api-extended-plans"),
    path("extended/revenue/", RevenueApi.as_view(), name="api-extended-revenue"),
    path("extended/", ContractListApi.as_view(), name="api-extended"),
    path("extended/<str:number>/", ContractDetailApi.as_view(), name="api-extended-detail"),
]
