from django.urls import path

from . import import_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notifications-read"),
    path("import/<slug:name>/", import_views.import_start, name="import"),
    path("import/<slug:name>/template/", import_views.import_template, name="import-template"),
    path("import/<slug:name>/apply/", import_views.import_apply, name="import-apply"),
]
