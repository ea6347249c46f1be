"""Route of the compliance register page (WAR-14), under /warranty/compliance/."""

from django.urls import path

from . import compliance

urlpatterns = [
    path("", compliance.compliance_register, name="compliance"),
]
