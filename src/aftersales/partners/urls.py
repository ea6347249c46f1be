from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("keys/new/", views.key_create, name="key-create"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key-revoke"),
    path("webhooks/new/", views.webhook_create, name="webhook-create"),
    path("webhooks/<int:pk>/off/", views.webhook_off, name="webhook-off"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="delivery-resend"),
]
