"""Routes of the work-order pages."""

from django.urls import path

from . import work_orders

urlpatterns = [
    path("", work_orders.board, name="board"),
    path("work-orders/", work_orders.work_order_list, name="work-order-list"),
    path("work-orders/new/", work_orders.work_order_new, name="work-order-new"),
    path("work-orders/<str:number>/", work_orders.work_order_detail, name="work-order-detail"),
    path(
        "work-orders/<str:number>/photos/<int:pk>/",
        work_orders.work_order_photo,
        name="work-order-photo",
    ),
    path(
        "work-orders/<str:number>/step/<str:action>/",
        work_orders.work_order_step,
        name="work-order-step",
    ),
]
