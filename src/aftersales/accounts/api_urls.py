from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.TokenObtainApi.as_view(), name="api-token"),
    path("me/", api.MeApi.as_view(), name="api-me"),
    path("users/", api.UserListCreateApi.as_view(), name="api-user-list"),
    path("users/<int:user_id>/", api.UserDetailApi.as_view(), name="api-user-detail"),
    path("users/<int:user_id>/token/", api.UserTokenApi.as_view(), name="api-user-token"),
    path("users/<int:user_id>/roles/", api.UserRolesApi.as_view(), name="api-user-roles"),
]
