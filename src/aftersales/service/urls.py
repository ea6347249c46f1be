from django.urls import path

from . import views

app_name = "service"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("track/", views.track, name="track"),
    path("cases/<str:number>/", views.case_detail, name="case-detail"),
    path("cases/<str:number>/step/<str:action>/", views.case_step, name="case-step"),
]
