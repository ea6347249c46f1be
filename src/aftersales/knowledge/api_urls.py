from django.urls import path

from . import api

urlpatterns = [
    path("knowledge/suggestions/", api.SuggestionsApi.as_view(), name="api-knowledge-suggestions"),
    path("knowledge/articles/", api.ArticleListApi.as_view(), name="api-knowledge-articles"),
    path(
        "knowledge/articles/<str:number>/",
        api.ArticleApi.as_view(),
        name="api-knowledge-article",
    ),
    path("knowledge/uses/", api.UseApi.as_view(), name="api-knowledge-uses"),
]
