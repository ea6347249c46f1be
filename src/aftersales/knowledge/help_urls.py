"""Routes of the public help centre (/help/)."""

from django.urls import path

from . import help_views

app_name = "help"

urlpatterns = [
    path("", help_views.index, name="index"),
    path("a/<str:number>/", help_views.article, name="article"),
    path("a/<str:number>/vote/", help_views.vote, name="vote"),
    path("a/<str:number>/files/<int:pk>/", help_views.article_file, name="article-file"),
    path("request/", help_views.service_request, name="request"),
]
