"""The owner's contact preference for dealer systems:

- ``GET /api/v1/vehicles/{vin}/contact-preference/`` how the owner wants to hear from us;
- ``PUT`` the same path, ``{"choice", "reason"}``, sets it (service staff of the servicing
  dealer), recorded like a change on the vehicle record.

Another dealer's vehicle is a 404; errors are ``{"code", "detail"[, "field"]}``.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign import vin as vinlib
from campaign.api_errors import ApiErrorSerializer
from campaign.errors import DomainError
from notifications import selectors
from notifications.models import ContactPreference, ContactPreferenceChange
from notifications.preferences import contact_preference_choice, contact_preference_set
from repairs.booking_api import HasPerm


class PreferenceSerializer(serializers.Serializer):
    vin = serializers.CharField(help_text="17-character VIN.")
    choice = serializers.ChoiceField(
        choices=ContactPreference.Choice.choices,
        help_text='"both" (e-mail and texts, the default), "email", "sms" or "none" (letters only).',
    )


class PreferenceChangeSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=ContactPreference.Choice.choices)
    reason = serializers.CharField(max_length=300, help_text="What the owner said, and when.")


def _vin(raw: str) -> str:
    try:
        return vinlib.validate(vinlib.normalise(raw))
    except vinlib.InvalidVin as exc:
        raise DomainError(exc.message, field="vin") from None


_EXAMPLE = {"vin": "JTHBE96S170007930", "choice": "email"}
_NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="No such vehicle at the user's dealers.")


class ContactPreferenceView(APIView):
    permission_classes = (HasPerm,)
    perms = {"GET": selectors.VIEW_PREFERENCE, "PUT": selectors.CHANGE_PREFERENCE}

    @extend_schema(
        operation_id="vehicle_contact_preference_get",
        summary="How the vehicle's owner wants to hear from us",
        responses={
            200: OpenApiResponse(
                PreferenceSerializer,
                examples=[OpenApiExample("E-mail only", value=_EXAMPLE, response_only=True)],
            ),
            400: OpenApiResponse(ApiErrorSerializer, description="Not a valid VIN."),
            403: OpenApiResponse(ApiErrorSerializer, description="The role sees no contact preferences."),
            404: _NOT_FOUND,
        },
    )
    def get(self, request, vin: str):
        vin = _vin(vin)
        selectors.preference_vehicle_check(user=request.user, vin=vin)
        return Response({"vin": vin, "choice": contact_preference_choice(vin=vin)})

    @extend_schema(
        operation_id="vehicle_contact_preference_set",
        summary="Set the owner's contact preference (service staff of the servicing dealer)",
        request=PreferenceChangeSerializer,
        examples=[
            OpenApiExample(
                "No texts",
                request_only=True,
                value={"choice": "email", "reason": "Owner called 12/02: no texts."},
            )
        ],
        responses={
            200: OpenApiResponse(
                PreferenceSerializer, examples=[OpenApiExample("Saved", value=_EXAMPLE, response_only=True)]
            ),
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="Not a valid VIN, choice or reason.",
                examples=[
                    OpenApiExample(
                        "Unknown choice",
                        value={
                            "code": "invalid",
                            "detail": 'choice: "fax" is not a valid choice.',
                            "field": "choice",
                        },
                    )
                ],
            ),
            403: OpenApiResponse(ApiErrorSerializer, description="The role may not set it."),
            404: _NOT_FOUND,
        },
    )
    def put(self, request, vin: str):
        vin = _vin(vin)
        selectors.preference_vehicle_check(user=request.user, vin=vin, perm=selectors.CHANGE_PREFERENCE)
        serializer = PreferenceChangeSerializer(data=request.data)
        if not serializer.is_valid():
            name, problems = next(iter(serializer.errors.items()))
            raise DomainError(f"{name}: {problems[0]}", field=name)
        contact_preference_set(
            vin=vin,
            choice=serializer.validated_data["choice"],
            source=ContactPreferenceChange.Source.API,
            user=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response({"vin": vin, "choice": contact_preference_choice(vin=vin)})
