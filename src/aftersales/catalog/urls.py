from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.product_list, name="product-list"),
    path("new/", views.product_form, name="product-create"),
    path("export/", views.product_export, name="product-export"),
    path("<int:product_id>/", views.product_detail, name="product-detail"),
    path("<int:product_id>/edit/", views.product_form, name="product-edit"),
    path("batches/", views.batch_list, name="batch-list"),
    path("batches/export/", views.batch_export, name="batch-export"),
    path("serials/", views.serial_list, name="serial-list"),
    path("serials/export/", views.serial_export, name="serial-export"),
    path("categories/", views.category_list, name="category-list"),
]
