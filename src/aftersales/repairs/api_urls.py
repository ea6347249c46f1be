"""The field service API: work orders, parts and stock, loaners, maintenance plans."""

from django.urls import include, path

urlpatterns = [
    path("work-orders/", include("aftersales.repairs.api.work_order_urls")),
    path("parts/", include("aftersales.repairs.api.parts_urls")),
    path("", include("aftersales.repairs.api.care_urls")),
]
