"""The appointments API for dealer systems (paths and fields fixed by issue #7):

- ``POST /api/v1/appointments/`` books; ``GET /api/v1/appointments/?date=YYYY-MM-DD`` lists the
  user's dealer's appointments starting that (local) day, paginated;
- ``GET /api/v1/appointments/{id}/`` one appointment; its changes (cancel, reschedule,
  no-show) are ``repairs.booking_api_changes``.

The same selectors and services as the pages: another dealer's appointment is a 404, a
refusal is the service's ``DomainError`` as ``{"code", "detail"}`` (400, 404 or 409). Input
that does not parse is answered the same way (code ``invalid``, the field named).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from campaign.api_errors import ApiErrorSerializer
from campaign.errors import DomainError
from campaign.models import Campaign
from repairs import appointments as services
from repairs import booking_selectors as selectors
from repairs.models import Appointment

# The kit behind ``part_number``, joined in the same query as the appointments (lists stay flat).
KIT = "kit_reservation__kit"


class AppointmentSerializer(serializers.ModelSerializer):
    vin = serializers.CharField(source="vehicle_id", help_text="17-character VIN.")
    campaign = serializers.CharField(source="campaign.code", help_text="Campaign code, e.g. ALE.")
    dealer = serializers.CharField(source="dealer.code", help_text="Five-digit dealer code.")
    start = serializers.SerializerMethodField(help_text="ISO 8601 with the dealer's UTC offset.")
    parts = serializers.CharField(
        source="parts_status",
        help_text='"not_tracked" when the campaign tracks no kit for the VIN; else "reserved" (a kit is '
        'held for it), "waiting" (for parts: it turns to "reserved" when its kit arrives) or "released" '
        "(cancelled, no-show, or the VIN needs no kit any more: its kit went to the next in line).",
    )
    # The parts app's reservation, reached by its related name (a string: repairs never imports
    # parts); no reservation (parts not tracked) answers null.
    part_number = serializers.CharField(
        source="kit_reservation.kit.part_number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The stocked kit's part number; null when parts are not tracked.",
    )

    class Meta:
        model = Appointment
        fields = (
            "id",
            "vin",
            "campaign",
            "dealer",
            "status",
            "start",
            "hours",
            "transport",
            "symptomatic",
            "parts",
            "part_number",
        )

    def get_start(self, obj: Appointment) -> str:
        return obj.start_at.astimezone(ZoneInfo(obj.dealer.time_zone)).isoformat()


class BookingSerializer(serializers.Serializer):
    vin = serializers.CharField(max_length=32)
    campaign = serializers.CharField(max_length=12, help_text="Campaign code, e.g. ALE.")
    date = serializers.DateField(help_text="YYYY-MM-DD, the dealer's local date.")
    time = serializers.TimeField(help_text="HH:MM, the dealer's local time.", input_formats=["%H:%M"])
    transport = serializers.ChoiceField(choices=Appointment.Transport.values)
    symptomatic = serializers.BooleanField(default=False)
    dealer = serializers.CharField(
        required=False,
        max_length=5,
        help_text="Dealer code; needed only when the user books for several dealers.",
    )
    contact_preference = serializers.ChoiceField(
        choices=Appointment.ContactPreference.values, default=Appointment.ContactPreference.PHONE
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


ErrorSerializer = ApiErrorSerializer  # the API's one error body


def _parsed(serializer_class, data) -> dict:
    """The body, validated; else the first problem as a ``DomainError`` (``{"code", "detail", "field"}``)."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        name, problems = next(iter(serializer.errors.items()))
        raise DomainError(f"{name}: {problems[0]}", field=name)
    return serializer.validated_data


class HasPerm(BasePermission):
    """The role's permission for the method (``perms`` maps method -> permission)."""

    def has_permission(self, request, view) -> bool:
        perm = view.perms.get(request.method, view.perms.get("*"))
        return bool(perm and request.user.has_perm(perm))


_APPOINTMENT_EXAMPLE = {
    "id": 481,
    "vin": "JTHBE96S170007930",
    "campaign": "ALE",
    "dealer": "71018",
    "status": "scheduled",
    "start": "2026-12-07T08:30:00-08:00",
    "hours": "6.0",
    "transport": "loaner",
    "symptomatic": True,
    "parts": "reserved",
    "part_number": "04906-31021",
}
_ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description="Refused: invalid VIN, not affected or remedied, closed or full day, outside opening hours.",
        examples=[
            OpenApiExample(
                "Full day",
                value={
                    "code": "invalid",
                    "detail": "Monday 2026-12-07 is fully booked (32.0 of 32.0 h). Choose another day.",
                    "field": "date",
                },
            )
        ],
    ),
    404: OpenApiResponse(ErrorSerializer, description="No such appointment in the user's scope."),
}


def _dealer_for_booking(user, code: str | None):
    dealers = list(selectors.booking_dealers_for_user(user=user))
    if code:
        dealers = [d for d in dealers if d.code == code]
        if not dealers:
            raise DomainError(f"You book appointments for no dealer {code}.", field="dealer")
    if not dealers:
        raise DomainError("You book appointments for no dealer.", code="forbidden")
    if len(dealers) > 1:
        raise DomainError("You book for several dealers: say which with its dealer code.", field="dealer")
    return dealers[0]


def _starting_on(queryset, date: dt.date):
    """Appointments whose start falls on ``date`` in their own dealer's time zone."""
    condition = Q(pk__in=[])
    for zone_name in set(queryset.values_list("dealer__time_zone", flat=True).distinct()):
        zone = ZoneInfo(zone_name)
        start = dt.datetime.combine(date, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        condition |= Q(dealer__time_zone=zone_name, start_at__gte=start, start_at__lt=end)
    return queryset.filter(condition)


class AppointmentListCreate(generics.ListAPIView):
    permission_classes = (HasPerm,)
    perms = {"GET": selectors.VIEW, "POST": selectors.BOOK}
    serializer_class = AppointmentSerializer
    filter_backends = ()

    def get_queryset(self):
        appointments = (
            selectors.appointments_for_user(user=self.request.user)
            .select_related(KIT)
            .order_by("start_at", "pk")
        )
        if raw := self.request.query_params.get("date"):
            try:
                date = dt.date.fromisoformat(raw)
            except ValueError:
                raise DomainError("date: give it as YYYY-MM-DD.", field="date") from None
            appointments = _starting_on(appointments, date)
        return appointments

    @extend_schema(
        operation_id="appointments_list",
        summary="The user's dealer's appointments",
        parameters=[
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                OpenApiParameter.QUERY,
                required=False,
                description="Only appointments starting on this date, in the dealer's local time.",
                examples=[OpenApiExample("A Monday", value="2026-12-07")],
            )
        ],
        responses={
            200: AppointmentSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="A date that is not YYYY-MM-DD."),
            404: OpenApiResponse(ErrorSerializer, description="A page past the last one."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="appointments_book",
        summary="Book the remedy for a VIN",
        request=BookingSerializer,
        examples=[
            OpenApiExample(
                "Book a loaner",
                request_only=True,
                value={
                    "vin": "JTHBE96S170007930",
                    "campaign": "ALE",
                    "date": "2026-12-07",
                    "time": "08:30",
                    "transport": "loaner",
                    "symptomatic": True,
                },
            )
        ],
        responses={
            201: OpenApiResponse(
                AppointmentSerializer,
                description="Booked.",
                examples=[OpenApiExample("Booked", value=_APPOINTMENT_EXAMPLE, response_only=True)],
            ),
            **_ERRORS,
            409: OpenApiResponse(
                ErrorSerializer,
                description="The VIN already has an open appointment for the campaign.",
                examples=[
                    OpenApiExample(
                        "Already booked",
                        value={
                            "code": "conflict",
                            "detail": "JTHBE96S170007930 already has an open ALE appointment: reschedule that one instead.",
                            "field": "vin",
                        },
                    )
                ],
            ),
        },
    )
    def post(self, request, *args, **kwargs) -> Response:
        data = _parsed(BookingSerializer, request.data)
        dealer = _dealer_for_booking(request.user, data.get("dealer"))
        campaign = Campaign.objects.filter(code=data["campaign"].strip().upper()).first()
        if campaign is None:
            raise DomainError(f"No campaign {data['campaign']}.", field="campaign")
        appointment = services.appointment_book(
            dealer_id=dealer.pk,
            vin=data["vin"],
            campaign_id=campaign.pk,
            date=data["date"],
            time=data["time"],
            transport=data["transport"],
            symptomatic=data["symptomatic"],
            contact_preference=data["contact_preference"],
            notes=data["notes"],
            user=request.user,
        )
        appointment = selectors.appointment_get(user=request.user, pk=appointment.pk)
        return Response(AppointmentSerializer(appointment).data, status=201)


class AppointmentDetail(generics.RetrieveAPIView):
    permission_classes = (HasPerm,)
    perms = {"GET": selectors.VIEW}
    serializer_class = AppointmentSerializer

    def get_object(self) -> Appointment:
        return selectors.appointment_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        operation_id="appointments_get",
        summary="One appointment",
        responses={
            200: OpenApiResponse(
                AppointmentSerializer, examples=[OpenApiExample("Scheduled", value=_APPOINTMENT_EXAMPLE)]
            ),
            404: _ERRORS[404],
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
