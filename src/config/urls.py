from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from aftersales.core.views import healthz
from aftersales.feedback.urls import public_urlpatterns as feedback_public

admin.site.site_header = _("After-sales administration")
admin.site.site_title = _("After-sales administration")
admin.site.index_title = _("System settings")

# Under /api/ an unknown URL answers the API's JSON error body, like every other API error.
handler404 = "aftersales.core.api.not_found"
# The error pages people may meet are friendly pages inside the layout (templates/403.html,
# 404.html, 500.html); the 500 page reads nothing from the database.
handler500 = "aftersales.core.error_views.server_error"

api_v1 = [
    path("", include("aftersales.accounts.api_urls")),
    path("workdays/", include("aftersales.workdays.api_urls")),
    path("sla/", include("aftersales.sla.api_urls")),
    path("", include("aftersales.customers.api_urls")),
    path("", include("aftersales.catalog.api_urls")),
    path("", include("aftersales.sales.api_urls")),
    path("", include("aftersales.quality.api_urls")),
    path("", include("aftersales.service.api_urls")),
    path("", include("aftersales.warranty.api_urls")),
    path("", include("aftersales.repairs.api_urls")),
    path("", include("aftersales.feedback.api_urls")),
    path("", include("aftersales.staff.api_urls")),
    path("", include("aftersales.management.api_urls")),
    path("", include("aftersales.knowledge.api_urls")),
    path("", include("aftersales.partners.api_urls")),
    path("", include("aftersales.core.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("aftersales.accounts.urls")),
    path("calendar/", include("aftersales.workdays.urls")),
    path("customers/", include("aftersales.customers.urls")),
    path("products/", include("aftersales.catalog.urls")),
    path("orders/", include("aftersales.sales.urls")),
    path("sla/", include("aftersales.sla.urls")),
    path("quality/", include("aftersales.quality.urls")),
    path("service/", include("aftersales.service.urls")),
    path("warranty/", include("aftersales.warranty.urls")),
    path("repairs/", include("aftersales.repairs.urls")),
    path("feedback/", include("aftersales.feedback.urls")),
    path("s/", include((feedback_public, "feedback_public"))),
    path("staff/", include("aftersales.staff.urls")),
    path("management/", include("aftersales.management.urls")),
    path("knowledge/", include("aftersales.knowledge.urls")),
    path("help/", include("aftersales.knowledge.help_urls")),
    path("partners/", include("aftersales.partners.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("aftersales.core.urls")),
]

# Uploaded files (case attachments, acceptance photos, scans, reports) are never served from
# MEDIA_URL, not even in development: each has a view that checks who may see it.
