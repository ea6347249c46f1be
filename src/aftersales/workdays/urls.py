from django.urls import path

from . import views

app_name = "workdays"

urlpatterns = [
    path("", views.year_current, name="year-current"),
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/overrides/", views.override_add, name="override-add"),
    path("<int:year>/overrides/<str:day>/delete/", views.override_delete, name="override-delete"),
    path("<int:year>/announcement/", views.announcement_load, name="announcement-load"),
    path("<int:year>/notice/", views.notice, name="notice"),
]
