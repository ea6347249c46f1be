from django.urls import path

from . import company_views, import_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("notifications/", views.notification_list, name="notifications"),
    path("company/", company_views.company_profile, name="company-profile"),
    path("company/logo/<str:name>", company_views.company_logo, name="company-logo"),
    path("notifications/read/", views.notification_read, name="notifications-read"),
    path("import/<slug:name>/", import_views.import_start, name="import"),
    path("import/<slug:name>/template/", import_views.import_template, name="import-template"),
    path("import/<slug:name>/apply/", import_views.import_apply, name="import-apply"),
]
