from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="customer-list"),
    path("new/", views.customer_create, name="customer-create"),
    path("export/", views.customer_export, name="customer-export"),
    path("validate/", views.customer_validate, name="customer-validate"),
    path("picker/", views.customer_picker, name="picker"),
    path("<int:customer_id>/", views.customer_detail, name="customer-detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="customer-edit"),
    path("<int:customer_id>/reveal/", views.customer_reveal, name="customer-reveal"),
    path("<int:customer_id>/file/", views.customer_file_add, name="customer-file-add"),
    path("<int:customer_id>/merge/", views.customer_merge, name="customer-merge"),
]
