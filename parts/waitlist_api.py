"""The wait-list API for dealer systems, with the appointments API's conventions:

- ``GET /api/v1/parts/wait-list/?dealer=CODE`` the dealer's live claims on kits (waiting or
  reserved, wait-list entries and booked appointments alike) in priority order, paginated;
- ``POST /api/v1/parts/wait-list/`` puts an owner on the line (201; any campaign phase);
- ``POST /api/v1/parts/wait-list/{id}/withdraw/`` takes a wait-list entry off it (200).

The same selectors and services as the pages: another dealer's entry is a 404, a refusal is
the service's ``DomainError`` as ``{"code", "detail"}`` (400, 404 or 409).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign.api_errors import ApiErrorSerializer
from campaign.errors import DomainError
from campaign.models import Campaign
from dealers.models import Dealer
from parts import waitlist_selectors as selectors
from parts.models import KitReservation
from parts.reservations import waitlist_join, waitlist_withdraw
from repairs.booking_api import HasPerm
from repairs.models import Appointment


class WaitlistEntrySerializer(serializers.ModelSerializer):
    vin = serializers.CharField(source="vehicle_id", help_text="17-character VIN.")
    campaign = serializers.CharField(source="campaign.code", help_text="Campaign code, e.g. ALE.")
    dealer = serializers.CharField(source="dealer.code", help_text="Five-digit dealer code.")
    part_number = serializers.CharField(source="kit.part_number", help_text="The kit the repair uses.")
    # Plain text, not an enum: "status" names several choice sets in this API.
    status = serializers.CharField(help_text='"waiting" (for parts), "reserved", "consumed" or "released".')
    appointment = serializers.IntegerField(
        source="appointment_id",
        allow_null=True,
        help_text="The appointment's id; null while only on the list.",
    )

    class Meta:
        model = KitReservation
        fields = (
            "id",
            "vin",
            "campaign",
            "dealer",
            "part_number",
            "status",
            "symptomatic",
            "stop_sale",
            "queued_at",
            "appointment",
        )


class JoinSerializer(serializers.Serializer):
    vin = serializers.CharField(max_length=32)
    campaign = serializers.CharField(max_length=12, help_text="Campaign code, e.g. ALE.")
    symptomatic = serializers.BooleanField(default=False)
    dealer = serializers.CharField(
        required=False,
        max_length=5,
        help_text="Dealer code; needed only when the user keeps several dealers' lists.",
    )
    contact_preference = serializers.ChoiceField(
        choices=Appointment.ContactPreference.values, default=Appointment.ContactPreference.PHONE
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _parsed(serializer_class, data) -> dict:
    """The body, validated; else the first problem as a ``DomainError`` naming the field."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        name, problems = next(iter(serializer.errors.items()))
        raise DomainError(f"{name}: {problems[0]}", field=name)
    return serializer.validated_data


def _dealer_for_join(user, code: str | None) -> Dealer:
    dealers = list(
        Dealer.objects.filter(
            pk__in=sorted(selectors.dealer_ids_with_perm(user=user, perm=selectors.JOIN))
        ).order_by("code")
    )
    if code:
        dealers = [d for d in dealers if d.code == code]
        if not dealers:
            raise DomainError(f"You keep no wait-list for dealer {code}.", field="dealer")
    if not dealers:
        raise DomainError("You keep no dealer's wait-list.", code="forbidden")
    if len(dealers) > 1:
        raise DomainError("You keep several dealers' lists: say which with its dealer code.", field="dealer")
    return dealers[0]


_ENTRY_EXAMPLE = {
    "id": 212,
    "vin": "JTHBE96S170007930",
    "campaign": "ALE",
    "dealer": "71018",
    "part_number": "04906-31021",
    "status": "waiting",
    "symptomatic": True,
    "stop_sale": False,
    "queued_at": "2026-12-01T16:05:00Z",
    "appointment": None,
}
_NOT_FOUND = OpenApiResponse(
    ApiErrorSerializer, description="No such wait-list entry (or dealer) in the user's scope."
)


class WaitlistListJoin(generics.ListAPIView):
    permission_classes = (HasPerm,)
    perms = {"GET": selectors.VIEW, "POST": selectors.JOIN}
    serializer_class = WaitlistEntrySerializer
    filter_backends = ()

    def get_queryset(self):
        dealer = selectors.waitlist_dealer_get(
            user=self.request.user, code=self.request.query_params.get("dealer")
        )
        return selectors.waitlist_for_dealer(dealer_id=dealer.pk)

    @extend_schema(
        operation_id="parts_waitlist_list",
        summary="The dealer's wait-list for kits, in priority order",
        parameters=[
            OpenApiParameter(
                "dealer",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                description="Dealer code; by default the user's first dealer.",
                examples=[OpenApiExample("Pasadena", value="71018")],
            )
        ],
        responses={
            200: WaitlistEntrySerializer(many=True),
            403: OpenApiResponse(
                ApiErrorSerializer, description="The role sees no wait-list, or the user no dealer."
            ),
            404: _NOT_FOUND,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="parts_waitlist_join",
        summary="Put an owner on the dealer's wait-list (in any campaign phase)",
        request=JoinSerializer,
        examples=[
            OpenApiExample(
                "Symptomatic owner",
                request_only=True,
                value={
                    "vin": "JTHBE96S170007930",
                    "campaign": "ALE",
                    "symptomatic": True,
                    "contact_preference": "sms",
                },
            )
        ],
        responses={
            201: OpenApiResponse(
                WaitlistEntrySerializer,
                description='On the line: "reserved" when a kit was free, else "waiting".',
                examples=[OpenApiExample("Waiting", value=_ENTRY_EXAMPLE, response_only=True)],
            ),
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="Refused: invalid VIN, not affected or remedied, no kit tracked for the model.",
                examples=[
                    OpenApiExample(
                        "Remedied",
                        value={
                            "code": "invalid",
                            "detail": "JTHBE96S170007930 needs no kit for ALE: remedied.",
                            "field": "vin",
                        },
                    )
                ],
            ),
            403: OpenApiResponse(ApiErrorSerializer, description="The role keeps no wait-list."),
            409: OpenApiResponse(
                ApiErrorSerializer,
                description="The VIN already waits for, or holds, a kit.",
                examples=[
                    OpenApiExample(
                        "Twice",
                        value={
                            "code": "conflict",
                            "detail": "JTHBE96S170007930 is already waiting for, or holding, a kit.",
                            "field": "vin",
                        },
                    )
                ],
            ),
        },
    )
    def post(self, request, *args, **kwargs) -> Response:
        data = _parsed(JoinSerializer, request.data)
        dealer = _dealer_for_join(request.user, data.get("dealer"))
        campaign = Campaign.objects.filter(code=data["campaign"].strip().upper()).first()
        if campaign is None:
            raise DomainError(f"No campaign {data['campaign']}.", field="campaign")
        entry = waitlist_join(
            dealer_id=dealer.pk,
            vin=data["vin"],
            campaign_id=campaign.pk,
            symptomatic=data["symptomatic"],
            contact_preference=data["contact_preference"],
            notes=data["notes"],
            user=request.user,
        )
        return Response(WaitlistEntrySerializer(entry).data, status=201)


class WaitlistWithdraw(APIView):
    permission_classes = (HasPerm,)
    perms = {"POST": selectors.WITHDRAW}

    @extend_schema(
        operation_id="parts_waitlist_withdraw",
        summary="Take an owner off the wait-list (a kit they held goes to the next in line)",
        request=WithdrawSerializer,
        examples=[OpenApiExample("Sold", value={"reason": "Owner sold the vehicle."}, request_only=True)],
        responses={
            200: OpenApiResponse(
                WaitlistEntrySerializer,
                examples=[
                    OpenApiExample(
                        "Withdrawn", value={**_ENTRY_EXAMPLE, "status": "released"}, response_only=True
                    )
                ],
            ),
            400: OpenApiResponse(ApiErrorSerializer, description="No reason given."),
            403: OpenApiResponse(ApiErrorSerializer, description="The role keeps no wait-list."),
            404: _NOT_FOUND,
            409: OpenApiResponse(ApiErrorSerializer, description="The entry has already left the list."),
        },
    )
    def post(self, request, pk: int) -> Response:
        entry = selectors.waitlist_entry_get(user=request.user, pk=pk)
        data = _parsed(WithdrawSerializer, request.data)
        entry = waitlist_withdraw(
            reservation_id=entry.pk,
            dealer_ids=selectors.dealer_ids_with_perm(user=request.user, perm=selectors.WITHDRAW),
            reason=data["reason"],
            user=request.user,
        )
        return Response(WaitlistEntrySerializer(entry).data)
