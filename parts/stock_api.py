"""The stock API for dealer systems (paths and fields fixed by issue #8):

- ``GET /api/v1/parts/stock/``: the user's dealer's stock, one line per part;
- ``POST /api/v1/parts/receipts/``: kits received (against a shipment or unplanned), 201 with
  the updated line; kits go to the waiting vehicles at once;
- ``POST /api/v1/parts/adjustments/``: a signed correction with a reason, 201 with the line.

The same selectors and services as the pages. A user of several dealers names one with
``dealer`` (a five-digit code), as the appointments API asks. The same packing slip posted
twice (a retry) is answered 200 with the line and counted once.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign.api_errors import ApiErrorSerializer
from campaign.errors import DomainError
from dealers.models import Dealer
from parts import stock as services
from parts import stock_selectors as selectors
from parts.stock import MAX_QUANTITY, AdjustReason
from repairs.booking_api import HasPerm


class StockLineSerializer(serializers.Serializer):
    part_number = serializers.CharField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField(help_text="Held for vehicles (appointments and the wait-list).")
    available = serializers.IntegerField(help_text="On hand less reserved; never below 0.")
    inbound = serializers.IntegerField(help_text="On its way: open shipments and transfers shipped here.")
    waiting = serializers.IntegerField(help_text="Vehicles in line for this part at the dealer.")


class ReceiptSerializer(serializers.Serializer):
    part_number = serializers.CharField(max_length=20)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    reference = serializers.CharField(
        max_length=60, help_text="The packing slip: counted once, however often posted."
    )
    shipment = serializers.IntegerField(
        required=False, min_value=1, help_text="The inbound shipment received against; omit for unplanned."
    )
    dealer = serializers.CharField(
        required=False, max_length=5, help_text="Dealer code; needed only for a user of several dealers."
    )


class AdjustmentSerializer(serializers.Serializer):
    part_number = serializers.CharField(max_length=20)
    quantity = serializers.IntegerField(
        min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY, help_text="Signed: -2 for two damaged kits."
    )
    reason = serializers.CharField(max_length=500, help_text="Why the count changes.")
    reason_code = serializers.ChoiceField(choices=AdjustReason.CHOICES, default=AdjustReason.OTHER)
    reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=60, help_text="Count sheet; counted once."
    )
    dealer = serializers.CharField(required=False, max_length=5, help_text="As for receipts.")


def _parsed(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        name, problems = next(iter(serializer.errors.items()))
        raise DomainError(f"{name}: {problems[0]}", field=name)
    return serializer.validated_data


def _only_dealer(dealers, code: str | None) -> Dealer:
    dealers = list(dealers.filter(code=code) if code else dealers[:2])
    if not dealers:
        if code:
            raise DomainError(f"No dealer {code} in your scope.", field="dealer", code="not_found")
        raise DomainError("You keep no dealer's stock.", code="forbidden")
    if len(dealers) > 1:
        raise DomainError("You have several dealers: say which with its dealer code.", field="dealer")
    return dealers[0]


def _line(dealer: Dealer, kit_id: int) -> dict:
    return StockLineSerializer(selectors.stock_line(dealer=dealer, kit_id=kit_id)).data


_LINE = {
    "part_number": "04906-31021",
    "on_hand": 12,
    "reserved": 9,
    "available": 3,
    "inbound": 20,
    "waiting": 0,
}
_ERRORS = {
    401: OpenApiResponse(ApiErrorSerializer, description="No token, or not a valid one."),
    403: OpenApiResponse(ApiErrorSerializer, description="Your role may not do this at any dealer."),
    404: OpenApiResponse(ApiErrorSerializer, description="No such dealer or shipment in your scope."),
}
_DEALER = OpenApiParameter(
    "dealer",
    str,
    OpenApiParameter.QUERY,
    required=False,
    description="Dealer code; needed only when the user reads several dealers' stock.",
    examples=[OpenApiExample("Pasadena", value="10001")],
)


class StockList(APIView):
    permission_classes = (HasPerm,)
    perms = {"GET": selectors.VIEW}

    @extend_schema(
        operation_id="parts_stock_list",
        summary="The dealer's stock, one line per part",
        parameters=[_DEALER],
        responses={
            200: OpenApiResponse(
                StockLineSerializer(many=True),
                examples=[OpenApiExample("Springs short", value=[_LINE])],
            ),
            400: OpenApiResponse(ApiErrorSerializer, description="Several dealers and none named."),
            **_ERRORS,
        },
    )
    def get(self, request) -> Response:
        dealers = selectors.stock_dealers_for_user(user=request.user)
        dealer = _only_dealer(dealers, request.query_params.get("dealer"))
        lines = selectors.stock_lines(dealer=dealer)
        return Response(StockLineSerializer(lines, many=True).data)


class ReceiptCreate(APIView):
    permission_classes = (HasPerm,)
    perms = {"POST": selectors.RECEIVE}

    @extend_schema(
        operation_id="parts_receipts_create",
        summary="Receive kits: they go to the waiting vehicles at once",
        request=ReceiptSerializer,
        examples=[
            OpenApiExample(
                "Against a shipment",
                request_only=True,
                value={"part_number": "04906-31021", "quantity": 12, "reference": "PS-88231", "shipment": 41},
            ),
            OpenApiExample(
                "Unplanned",
                request_only=True,
                value={"part_number": "04906-31021", "quantity": 2, "reference": "PS-88240"},
            ),
        ],
        responses={
            201: OpenApiResponse(
                StockLineSerializer,
                description="Received: the line after it.",
                examples=[OpenApiExample("Received", value=_LINE, response_only=True)],
            ),
            200: OpenApiResponse(
                StockLineSerializer,
                description="This packing slip was already received: nothing counted twice.",
            ),
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="Invalid input, an unknown part number, or more than the shipment has still to come.",
                examples=[
                    OpenApiExample(
                        "Over-receipt",
                        value={
                            "code": "invalid",
                            "detail": "Only 8 of the shipment's 20 kits are still to come: receive 8 against it and the rest as unplanned.",
                            "field": "quantity",
                        },
                    )
                ],
            ),
            **_ERRORS,
            409: OpenApiResponse(
                ApiErrorSerializer,
                description="The slip was received with other figures, or the shipment is closed.",
            ),
        },
    )
    def post(self, request) -> Response:
        data = _parsed(ReceiptSerializer, request.data)
        dealer = _only_dealer(
            selectors.stock_keeping_dealers(user=request.user, perm=selectors.RECEIVE), data.get("dealer")
        )
        change = services.stock_receive(
            dealer_id=dealer.pk,
            part_number=data["part_number"],
            quantity=data["quantity"],
            reference=data["reference"],
            shipment_id=data.get("shipment"),
            user=request.user,
        )
        return Response(
            _line(dealer, change.balance.kit_id),
            status=status.HTTP_200_OK if change.replayed else status.HTTP_201_CREATED,
        )


class AdjustmentCreate(APIView):
    permission_classes = (HasPerm,)
    perms = {"POST": selectors.ADJUST}

    @extend_schema(
        operation_id="parts_adjustments_create",
        summary="Adjust the kits on hand (signed), with a reason",
        request=AdjustmentSerializer,
        examples=[
            OpenApiExample(
                "Two damaged",
                request_only=True,
                value={
                    "part_number": "04906-31021",
                    "quantity": -2,
                    "reason": "Crushed in transit",
                    "reason_code": "damaged",
                },
            )
        ],
        responses={
            201: OpenApiResponse(
                StockLineSerializer,
                description="Adjusted: the line after it.",
                examples=[
                    OpenApiExample(
                        "Adjusted", value={**_LINE, "on_hand": 10, "available": 1}, response_only=True
                    )
                ],
            ),
            200: OpenApiResponse(
                StockLineSerializer, description="This reference was already recorded: nothing counted twice."
            ),
            400: OpenApiResponse(
                ApiErrorSerializer,
                description="Invalid input, or available would go below 0.",
                examples=[
                    OpenApiExample(
                        "Below available",
                        value={
                            "code": "invalid",
                            "detail": "Only 1 04906-31021 kit available (10 on hand, 9 reserved): an adjustment of -2 would leave -1. Release reserved kits first.",
                            "field": "quantity",
                        },
                    )
                ],
            ),
            **_ERRORS,
            409: OpenApiResponse(
                ApiErrorSerializer, description="The reference was used with other figures."
            ),
        },
    )
    def post(self, request) -> Response:
        data = _parsed(AdjustmentSerializer, request.data)
        dealer = _only_dealer(
            selectors.stock_keeping_dealers(user=request.user, perm=selectors.ADJUST), data.get("dealer")
        )
        change = services.stock_adjust(
            dealer_id=dealer.pk,
            part_number=data["part_number"],
            quantity=data["quantity"],
            reason_code=data["reason_code"],
            reason=data["reason"],
            reference=data["reference"],
            user=request.user,
        )
        return Response(
            _line(dealer, change.balance.kit_id),
            status=status.HTTP_200_OK if change.replayed else status.HTTP_201_CREATED,
        )
