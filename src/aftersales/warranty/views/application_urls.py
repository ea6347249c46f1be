"""Routes of the application pages."""

from django.urls import path

from . import applications

urlpatterns = [
    path("", applications.application_list, name="application-list"),
    path("new/", applications.application_new, name="application-new"),
    path("<str:number>/", applications.application_detail, name="application-detail"),
    path(
        "<str:number>/evidence/<int:pk>/",
        applications.evidence_file,
        name="application-evidence",
    ),
    path("<str:number>/<str:action>/", applications.application_step, name="application-step"),
]
