"""The dealer-system API under /api/v1/ (token or session authentication)."""

from django.urls import include, path

urlpatterns = [
    path("", include("repairs.booking_api_urls")),
    path("", include("repairs.ro_api_urls")),
    path("", include("repairs.claim_api_urls")),
]
