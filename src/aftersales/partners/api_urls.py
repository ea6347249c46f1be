from django.urls import path

from . import api

urlpatterns = [
    path("partner-keys/", api.PartnerKeyListApi.as_view(), name="api-partner-key-list"),
    path(
        "partner-keys/<int:key_id>/",
        api.PartnerKeyDetailApi.as_view(),
        name="api-partner-key-detail",
    ),
    path("webhooks/", api.WebhookListApi.as_view(), name="api-webhook-list"),
    path(
        "webhooks/deliveries/",
        api.WebhookDeliveriesApi.as_view(),
        name="api-webhook-deliveries",
    ),
    path(
        "webhooks/deliveries/<int:delivery_id>/resend/",
        api.WebhookResendApi.as_view(),
        name="api-webhook-resend",
    ),
    path("webhooks/<int:webhook_id>/", api.WebhookDetailApi.as_view(), name="api-webhook-detail"),
]
