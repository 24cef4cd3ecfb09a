"""The parts dashboard under /parts/dashboard/: national (or the user's scope), a region, a dealer."""

from django.urls import path

from parts import dashboard_views

urlpatterns = [
    path("", dashboard_views.parts_dashboard_view, name="parts-dashboard"),
    path("region/<int:pk>/", dashboard_views.parts_dashboard_region_view, name="parts-dashboard-region"),
    path("dealer/<int:pk>/", dashboard_views.parts_dashboard_dealer_view, name="parts-dashboard-dealer"),
]
