from django.urls import path

from . import api

urlpatterns = [
    path("categories/", api.CategoryListApi.as_view(), name="api-category-list"),
    path("products/", api.ProductListCreateApi.as_view(), name="api-product-list"),
    path("products/<int:product_id>/", api.ProductDetailApi.as_view(), name="api-product-detail"),
    path("batches/", api.BatchListCreateApi.as_view(), name="api-batch-list"),
    path("serials/", api.SerialListCreateApi.as_view(), name="api-serial-list"),
]
