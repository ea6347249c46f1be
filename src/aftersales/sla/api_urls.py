from django.urls import path

from . import api

urlpatterns = [
    path("policies/", api.PolicyListApi.as_view(), name="api-sla-policy-list"),
    path("clocks/overdue/", api.OverdueClockListApi.as_view(), name="api-sla-overdue"),
]
