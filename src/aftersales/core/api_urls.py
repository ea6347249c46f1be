from django.urls import path

from .search_api import SearchApi

urlpatterns = [
    path("search/", SearchApi.as_view(), name="api-search"),
]
