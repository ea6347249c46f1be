"""Routes of the policy pages."""

from django.urls import path

from . import policies

urlpatterns = [
    path("", policies.policy_list, name="policy-list"),
    path("<slug:key>/", policies.policy_detail, name="policy-detail"),
    path("<slug:key>/<str:action>/", policies.policy_action, name="policy-action"),
]
