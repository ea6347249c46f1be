"""Pages of field service and repairs. Each part keeps its routes beside its views."""

from django.urls import include, path

app_name = "repairs"

urlpatterns = [
    path("", include("aftersales.repairs.views.work_order_urls")),
    path("my/", include("aftersales.repairs.views.technician_urls")),
    path("parts/", include("aftersales.repairs.views.parts_urls")),
    path("", include("aftersales.repairs.views.care_urls")),
]
