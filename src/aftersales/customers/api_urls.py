from django.urls import path

from . import api

urlpatterns = [
    path("customers/", api.CustomerListCreateApi.as_view(), name="api-customer-list"),
    path(
        "customers/<int:customer_id>/", api.CustomerDetailApi.as_view(), name="api-customer-detail"
    ),
    path(
        "customers/<int:customer_id>/reveal-phone/",
        api.CustomerRevealPhoneApi.as_view(),
        name="api-customer-reveal",
    ),
    path(
        "customers/<int:customer_id>/merge/",
        api.CustomerMergeApi.as_view(),
        name="api-customer-merge",
    ),
    path(
        "customers/<int:customer_id>/file/", api.CustomerFileApi.as_view(), name="api-customer-file"
    ),
    path("dealers/", api.DealerListApi.as_view(), name="api-dealer-list"),
]
