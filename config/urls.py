from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    # First: the public VIN API is the hot path, and URL resolution walks this list in order.
    path("api/v1/", include("campaign.api_urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("recalls/", include("campaign.urls")),
    path("accounts/", include("dealers.auth_urls")),
    path("campaigns/", include("campaign.import_urls")),
    path("campaigns/", include("campaign.staff_urls")),
    path("vehicles/", include("dealers.vehicle_urls")),
    path("inventory/", include("dealers.inventory_urls")),
    path("", include("dealers.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
