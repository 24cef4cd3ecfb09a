"""The appointments API under /api/v1/ (paths fixed by issue #7)."""

from django.urls import path

from repairs import booking_api as api

urlpatterns = [
    path("appointments/", api.AppointmentListCreate.as_view(), name="api-appointments"),
    path("appointments/<int:pk>/", api.AppointmentDetail.as_view(), name="api-appointment"),
    path("appointments/<int:pk>/cancel/", api.AppointmentCancel.as_view(), name="api-appointment-cancel"),
]
