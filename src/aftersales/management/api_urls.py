from django.urls import path

from . import api

urlpatterns = [
    path(
        "management/dashboards/<slug:area>/",
        api.DashboardApi.as_view(),
        name="api-management-dashboard",
    ),
]
