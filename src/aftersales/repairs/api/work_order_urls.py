"""Routes of the work-order API (mounted at /api/v1/work-orders/)."""

from django.urls import path

from .work_orders import (
    WorkOrderDetailApi,
    WorkOrderListApi,
    WorkOrderStepApi,
    WorkOrderSuggestionsApi,
)

urlpatterns = [
    path("", WorkOrderListApi.as_view(), name="api-work-orders"),
    path("<str:number>/", WorkOrderDetailApi.as_view(), name="api-work-order"),
    path(
        "<str:number>/suggestions/",
        WorkOrderSuggestionsApi.as_view(),
        name="api-work-order-suggestions",
    ),
    path("<str:number>/<str:action>/", WorkOrderStepApi.as_view(), name="api-work-order-step"),
]
