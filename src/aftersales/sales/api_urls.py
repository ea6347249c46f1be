from django.urls import path

from . import api, promise_api

urlpatterns = [
    path("orders/", api.OrderListCreateApi.as_view(), name="api-order-list"),
    path("orders/<int:order_id>/", api.OrderDetailApi.as_view(), name="api-order-detail"),
    path("orders/<int:order_id>/submit/", api.OrderSubmitApi.as_view()),
    path("orders/<int:order_id>/approve/", api.OrderApproveApi.as_view()),
    path("orders/<int:order_id>/reject/", api.OrderRejectApi.as_view()),
    path("orders/<int:order_id>/rework/", api.OrderReworkApi.as_view()),
    path("orders/<int:order_id>/cancel/", api.OrderCancelApi.as_view()),
    path("orders/<int:order_id>/start-fulfilment/", api.OrderStartFulfilmentApi.as_view()),
    path("orders/<int:order_id>/close/", api.OrderCloseApi.as_view()),
    path("orders/<int:order_id>/shipments/", api.ShipApi.as_view(), name="api-order-ship"),
    path("orders/<int:order_id>/reship/", api.ReshipApi.as_view(), name="api-order-reship"),
    path("orders/<int:order_id>/credit/", api.CreditApi.as_view(), name="api-order-credit"),
    path("shipments/<int:shipment_id>/deliver/", api.DeliverApi.as_view()),
    path("shipments/<int:shipment_id>/accept/", api.AcceptApi.as_view()),
    path("track/", api.TrackApi.as_view(), name="api-track"),
    path(
        "written-promises/",
        promise_api.PromiseListCreateApi.as_view(),
        name="api-promise-list",
    ),
    path(
        "written-promises/<int:promise_id>/",
        promise_api.PromiseDetailApi.as_view(),
        name="api-promise-detail",
    ),
    path("written-promises/<int:promise_id>/submit/", promise_api.PromiseSubmitApi.as_view()),
    path("written-promises/<int:promise_id>/review/", promise_api.PromiseReviewApi.as_view()),
]
