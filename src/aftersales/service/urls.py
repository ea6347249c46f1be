from django.urls import path

from . import overview_views, print_views, register_views, views
from .attachment_views import case_attachment, case_attachment_upload

app_name = "service"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("track/", views.track, name="track"),
    path("overview/", overview_views.overview, name="overview"),
    path("new/", views.case_create, name="case-create"),
    path("assign/", views.cases_assign, name="cases-assign"),
    path("register/", register_views.service_register, name="register-service"),
    path("register/complaints/", register_views.complaint_register, name="register-complaints"),
    path("cases/<str:number>/", views.case_detail, name="case-detail"),
    path("cases/<str:number>/step/<str:action>/", views.case_step, name="case-step"),
    path("cases/<str:number>/request-form.pdf", print_views.request_form, name="case-request-form"),
    path(
        "cases/<str:number>/service-sheet.pdf", print_views.service_sheet, name="case-service-sheet"
    ),
    path(
        "cases/<str:number>/attachments/",
        case_attachment_upload,
        name="case-attachment-upload",
    ),
    path(
        "cases/<str:number>/attachments/<int:attachment_id>/",
        case_attachment,
        name="case-attachment",
    ),
]
