from django.urls import path

from . import views

app_name = "sla"

urlpatterns = [
    path("policies/", views.policy_list, name="policy-list"),
    path("policies/new/", views.policy_edit, name="policy-create"),
    path("policies/<int:policy_id>/edit/", views.policy_edit, name="policy-edit"),
]
