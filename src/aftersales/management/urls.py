from django.urls import path

from . import views

app_name = "management"

urlpatterns = [
    path("", views.home, name="home"),
    path("records/", views.records, name="records"),
    path("reports/", views.reports, name="reports"),
    path("reports/make/", views.report_make, name="report-make"),
    path("reports/<str:month>.pdf", views.report_pdf, name="report-pdf"),
    path("<slug:area>/", views.dashboard, name="dashboard"),
]
