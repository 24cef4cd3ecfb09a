from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz

urlpatterns = [
    # First: the public VIN API is the hot path, and URL resolution walks this list in order.
    path("api/v1/", include("campaign.api_urls")),
    path("api/v1/", include("repairs.api_urls")),
    path("api/v1/", include("parts.stock_api_urls")),
    path("api/v1/", include("parts.supply_api_urls")),
    path("api/v1/", include("parts.waitlist_api_urls")),
    path("api/v1/", include("reports.api_urls")),
    path("api/v1/", include("notifications.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), not inline,
    # and our template drops drf-spectacular's inline <style>: no CSP exception needed.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
    path("recalls/", include("campaign.urls")),
    path("accounts/", include("dealers.auth_urls")),
    path("campaigns/", include("campaign.import_urls")),
    path("campaigns/", include("campaign.staff_urls")),
    path("vehicles/", include("dealers.vehicle_urls")),
    path("inventory/", include("dealers.inventory_urls")),
    path("appointments/", include("repairs.booking_urls")),
    path("repair-orders/", include("repairs.ro_urls")),
    path("claims/", include("repairs.claim_urls")),
    path("reimbursement/", include("repairs.reimbursement_urls")),
    path("parts/", include("parts.home_urls")),
    path("parts/stock/", include("parts.stock_urls")),
    path("parts/allocations/", include("parts.allocation_urls")),
    path("parts/inbound/", include("parts.inbound_urls")),
    path("parts/transfers/", include("parts.transfer_urls")),
    path("parts/wait-list/", include("parts.waitlist_urls")),
    path("parts/dashboard/", include("parts.dashboard_urls")),
    path("reports/", include("reports.urls")),
    path("messages/", include("notifications.urls")),
    path("mailings/", include("mailings.urls")),
    path("", include("dealers.urls")),
]

# No media URL, in any mode: uploaded owner lists and documents are served only by views
# that check who is asking (e.g. campaign-document-download).

handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
