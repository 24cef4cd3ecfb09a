"""The appointments API under /api/v1/ (the first four paths fixed by issue #7)."""

from django.urls import path

from repairs import booking_api as api
from repairs import booking_api_changes as changes

urlpatterns = [
    path("appointments/", api.AppointmentListCreate.as_view(), name="api-appointments"),
    path("appointments/<int:pk>/", api.AppointmentDetail.as_view(), name="api-appointment"),
    path("appointments/<int:pk>/cancel/", changes.AppointmentCancel.as_view(), name="api-appointment-cancel"),
    path(
        "appointments/<int:pk>/reschedule/",
        changes.AppointmentReschedule.as_view(),
        name="api-appointment-reschedule",
    ),
    path(
        "appointments/<int:pk>/no-show/", changes.AppointmentNoShow.as_view(), name="api-appointment-no-show"
    ),
]
