"""Routes of the application API."""

from django.urls import path

from .applications import ApplicationDetailApi, ApplicationListApi, ApplicationStepApi

urlpatterns = [
    path("applications/", ApplicationListApi.as_view(), name="api-warranty-applications"),
    path(
        "applications/<str:number>/",
        ApplicationDetailApi.as_view(),
        name="api-warranty-application",
    ),
    path(
        "applications/<str:number>/<str:action>/",
        ApplicationStepApi.as_view(),
        name="api-warranty-application-step",
    ),
]
