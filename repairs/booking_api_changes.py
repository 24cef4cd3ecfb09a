"""Changes to an appointment through the API, each taking a reason and answering 200 with the
appointment (paths under ``/api/v1/appointments/{id}/``):

- ``cancel/`` ``{"reason"}`` (path fixed by issue #7);
- ``reschedule/`` ``{"date": "YYYY-MM-DD", "time": "HH:MM", "reason"}``, the dealer's local time;
- ``no-show/`` ``{"reason"}``, once the start time has passed.

The services are the pages' (``repairs.appointments``); their shop hours are released (and
booked again from the new start for a reschedule), and each change is an ``AppointmentEvent``.
Another dealer's appointment is a 404; a role that sees it but may not change it (a principal)
a 403; an appointment no longer scheduled a 409; input that does not parse, a date that has
passed or is beyond the horizon, or a closed or full day a 400.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign.errors import DomainError
from repairs import appointments as services
from repairs import booking_selectors as selectors
from repairs.booking_api import (
    _APPOINTMENT_EXAMPLE,
    AppointmentSerializer,
    ErrorSerializer,
    HasPerm,
    _parsed,
)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Kept with the change in its history.")


class RescheduleSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="YYYY-MM-DD, the dealer's local date.")
    time = serializers.TimeField(help_text="HH:MM, the dealer's local time.", input_formats=["%H:%M"])
    reason = serializers.CharField(max_length=2000, help_text="Kept with the change in its history.")


def _error(description: str, *examples: tuple[str, dict]) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[OpenApiExample(name, value=value, response_only=True) for name, value in examples],
    )


_NOT_FOUND = ("Not yours", {"code": "not_found", "detail": "No such appointment."})
_FORBIDDEN = _error(
    "Your role sees the appointment but does not change it (e.g. a dealer principal).",
    (
        "Not the service department",
        {"code": "forbidden", "detail": "Only the dealer's service department changes its appointments."},
    ),
)
_CLOSED = _error(
    "The appointment is no longer scheduled (cancelled, a no-show, or checked in).",
    (
        "Already cancelled",
        {"code": "conflict", "detail": "This appointment is cancelled: it can no longer be changed."},
    ),
)
_NO_REASON = (
    "No reason",
    {"code": "invalid", "detail": "reason: This field is required.", "field": "reason"},
)


def _answered(status: str, **changes) -> OpenApiResponse:
    return OpenApiResponse(
        AppointmentSerializer,
        examples=[
            OpenApiExample(
                status.replace("_", "-").capitalize(),
                value={**_APPOINTMENT_EXAMPLE, "status": status, **changes},
                response_only=True,
            )
        ],
    )


class _AppointmentChange(APIView):
    """Parse the body, fetch the appointment in the user's scope (404), check the user changes
    that dealer's appointments (403), run ``service``, answer the appointment as it now is."""

    permission_classes = (HasPerm,)
    perms = {"POST": selectors.CHANGE}
    body: type[serializers.Serializer] = ReasonSerializer

    @staticmethod
    def service(**kwargs):
        raise NotImplementedError

    def change(self, request, pk: int) -> Response:
        appointment = selectors.appointment_get(user=request.user, pk=pk)
        data = _parsed(self.body, request.data)
        dealer_ids = selectors.dealer_ids_with_perm(user=request.user, perm=selectors.CHANGE)
        if appointment.dealer_id not in dealer_ids:
            raise DomainError(
                "Only the dealer's service department changes its appointments.", code="forbidden"
            )
        self.service(appointment_id=appointment.pk, dealer_ids=dealer_ids, user=request.user, **data)
        appointment.refresh_from_db()
        return Response(AppointmentSerializer(appointment).data)


class AppointmentCancel(_AppointmentChange):
    service = staticmethod(services.appointment_cancel)

    @extend_schema(
        operation_id="appointments_cancel",
        summary="Cancel an appointment (its shop hours are released)",
        request=ReasonSerializer,
        examples=[
            OpenApiExample(
                "Owner sold the car", value={"reason": "Owner sold the vehicle."}, request_only=True
            )
        ],
        responses={
            200: _answered("cancelled"),
            400: _error("No reason given.", _NO_REASON),
            403: _FORBIDDEN,
            404: _error("No such appointment in the user's scope.", _NOT_FOUND),
            409: _CLOSED,
        },
    )
    def post(self, request, pk: int) -> Response:
        return self.change(request, pk)


class AppointmentReschedule(_AppointmentChange):
    body = RescheduleSerializer
    service = staticmethod(services.appointment_reschedule)

    @extend_schema(
        operation_id="appointments_reschedule",
        summary="Move an appointment to another date and time",
        description="Its shop hours are released and booked again from the new start (carrying over "
        "into the following business days as a booking does); the old and new start are kept "
        "in the appointment's history with the reason.",
        request=RescheduleSerializer,
        examples=[
            OpenApiExample(
                "Owner asked for Wednesday",
                value={"date": "2026-12-09", "time": "10:00", "reason": "Owner asked for Wednesday."},
                request_only=True,
            )
        ],
        responses={
            200: _answered("scheduled", start="2026-12-09T10:00:00-08:00"),
            400: _error(
                "Refused: a date that is not YYYY-MM-DD or has passed, beyond the booking horizon, "
                "a closed or full day, outside opening hours, a waiter's job over several days, or no reason.",
                (
                    "Bad date",
                    {
                        "code": "invalid",
                        "detail": "date: Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
                        "field": "date",
                    },
                ),
                (
                    "Past date",
                    {
                        "code": "invalid",
                        "detail": "That date has passed: book from today on.",
                        "field": "date",
                    },
                ),
                (
                    "Full day",
                    {
                        "code": "invalid",
                        "detail": "Wednesday 2026-12-09 is fully booked (32.0 of 32.0 h). Choose another day.",
                        "field": "date",
                    },
                ),
            ),
            403: _FORBIDDEN,
            404: _error("No such appointment in the user's scope.", _NOT_FOUND),
            409: _CLOSED,
        },
    )
    def post(self, request, pk: int) -> Response:
        return self.change(request, pk)


class AppointmentNoShow(_AppointmentChange):
    service = staticmethod(services.appointment_no_show)

    @extend_schema(
        operation_id="appointments_no_show",
        summary="Record that the owner did not come (its shop hours are released)",
        description="Only once the appointment's start time has passed.",
        request=ReasonSerializer,
        examples=[
            OpenApiExample(
                "Did not come",
                value={"reason": "Owner did not come; two calls unanswered."},
                request_only=True,
            )
        ],
        responses={
            200: _answered("no_show"),
            400: _error(
                "No reason given, or the start time has not passed yet.",
                _NO_REASON,
                (
                    "Too early",
                    {
                        "code": "invalid",
                        "detail": "A no-show can be recorded only after the appointment's start time.",
                    },
                ),
            ),
            403: _FORBIDDEN,
            404: _error("No such appointment in the user's scope.", _NOT_FOUND),
            409: _CLOSED,
        },
    )
    def post(self, request, pk: int) -> Response:
        return self.change(request, pk)
