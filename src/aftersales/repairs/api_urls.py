"""The field service API: work orders, parts and stock, loaners, maintenance plans."""

from django.urls import include, path

urlpatterns = [
    # Before the work-order routes: ``work-orders/<number>/charges/`` lives there.
    path("", include("aftersales.repairs.api.care_urls")),
    path("work-orders/", include("aftersales.repairs.api.work_order_urls")),
    path("parts/", include("aftersales.repairs.api.parts_urls")),
]
