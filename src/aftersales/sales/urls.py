from django.urls import path

from . import promise_views, register_views, views

app_name = "sales"

urlpatterns = [
    path("", views.order_list, name="order-list"),
    path("new/", views.order_create, name="order-create"),
    path("queue/<slug:which>/", views.queue, name="queue"),
    path("track/", views.track, name="track"),
    path("register/", register_views.order_register, name="register-orders"),
    path("ledger/", register_views.sales_ledger, name="register-ledger"),
    path("delivery-notes/", register_views.delivery_note_register, name="register-delivery"),
    path("promises/", promise_views.promise_list, name="promise-list"),
    path("promises/new/", promise_views.promise_create, name="promise-create"),
    path("promises/<int:promise_id>/", promise_views.promise_detail, name="promise-detail"),
    path("promises/<int:promise_id>/edit/", promise_views.promise_edit, name="promise-edit"),
    path(
        "promises/<int:promise_id>/<slug:action>/",
        promise_views.promise_action,
        name="promise-action",
    ),
    path("<int:order_id>/", views.order_detail, name="order-detail"),
    path("<int:order_id>/edit/", views.order_edit, name="order-edit"),
    path("<int:order_id>/contract.pdf", views.order_print, name="order-print"),
    path("<int:order_id>/ship/", views.order_ship, name="order-ship"),
    path("<int:order_id>/reship/", views.order_reship, name="order-reship"),
    path("<int:order_id>/credit/", views.order_credit, name="order-credit"),
    path("<int:order_id>/scan/", views.order_scan, name="order-scan"),
    path("<int:order_id>/scan/file/", views.order_scan_download, name="order-scan-file"),
    path("<int:order_id>/<slug:action>/", views.order_action, name="order-action"),
    path("shipments/<int:shipment_id>/deliver/", views.shipment_deliver, name="shipment-deliver"),
    path("shipments/<int:shipment_id>/accept/", views.shipment_accept, name="shipment-accept"),
    path("photos/<int:photo_id>/", views.acceptance_photo, name="acceptance-photo"),
    path(
        "shipments/<int:shipment_id>/delivery-note.pdf", views.delivery_note, name="delivery-note"
    ),
]
