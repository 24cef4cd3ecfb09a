"""Repair-order API under /api/v1/ (paths fixed by issue 7)."""

from django.urls import path

from repairs import ro_api

urlpatterns = [
    path("appointments/<int:pk>/check-in/", ro_api.CheckInView.as_view(), name="api-appointment-check-in"),
    path("repair-orders/<int:pk>/complete/", ro_api.CompleteView.as_view(), name="api-repair-order-complete"),
    path("vehicles/<str:vin>/", ro_api.VehicleView.as_view(), name="api-vehicle"),
]
