"""The parts supply API for dealer systems: transfers between dealers and inbound shipments.

- ``GET /api/v1/parts/transfers/`` the transfers the user sees (either side), newest first,
  paginated; ``?status=`` narrows (``open`` = requested, approved or shipped).
- ``POST /api/v1/parts/transfers/`` requests kits from another dealer (the receiving
  dealer's parts manager): ``{"from_dealer", "part_number", "quantity", "reason"}`` and
  ``"to_dealer"`` when the user is parts manager at several dealers.
- ``GET /api/v1/parts/transfers/{id}/`` one transfer.
- ``POST /api/v1/parts/transfers/{id}/approve|decline|ship|receive|cancel/`` one step;
  ``{"reason"}`` (needed to decline), ``{"reference"}`` when shipping.
- ``GET /api/v1/parts/inbound/`` the user's dealers' open inbound shipments.

The same selectors and services as the pages (``parts.transfers``): a stranger's transfer is
a 404, a role that may not take the step a 403, a step the status does not allow (or a
sender short of kits) a 409, all as ``{"code", "detail"}``.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign.api_errors import ApiErrorSerializer
from campaign.errors import DomainError
from campaign.models import Kit
from parts import transfers as services
from parts.allocation_selectors import inbound_shipments_for_user
from parts.models import InboundShipment, Transfer
from parts.transfer_selectors import VIEW_PERM, transfer_get, transfers_for_user

ErrorSerializer = ApiErrorSerializer
STATUS_FILTERS = ["open", *Transfer.Status.values]


class TransferSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="kit.part_number")
    from_dealer = serializers.CharField(source="from_dealer.code", help_text="The sender's dealer code.")
    to_dealer = serializers.CharField(source="to_dealer.code", help_text="The receiver's dealer code.")

    class Meta:
        model = Transfer
        fields = (
            "id",
            "status",
            "part_number",
            "quantity",
            "from_dealer",
            "to_dealer",
            "reason",
            "reference",
            "created_at",
            "shipped_at",
            "received_at",
        )
        read_only_fields = fields


class TransferRequestSerializer(serializers.Serializer):
    from_dealer = serializers.CharField(max_length=5, help_text="The sending dealer's five-digit code.")
    part_number = serializers.CharField(max_length=20)
    quantity = serializers.IntegerField(min_value=1, max_value=services.MAX_QUANTITY)
    reason = serializers.CharField(max_length=2000)
    to_dealer = serializers.CharField(
        required=False,
        max_length=5,
        help_text="Your dealer's code; needed only when you are parts manager at several.",
    )


class StepSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    reference = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=60,
        help_text="Shipping only: carrier or slip number.",
    )


class InboundShipmentSerializer(serializers.ModelSerializer):
    dealer = serializers.CharField(source="dealer.code")
    part_number = serializers.CharField(source="kit.part_number")
    outstanding = serializers.IntegerField(
        source="outstanding_quantity", help_text="Kits still to come: quantity less received."
    )
    allocation = serializers.IntegerField(source="allocation_id", allow_null=True)

    class Meta:
        model = InboundShipment
        fields = (
            "id",
            "dealer",
            "part_number",
            "quantity",
            "received_quantity",
            "outstanding",
            "reference",
            "expected_on",
            "allocation",
            "created_at",
        )
        read_only_fields = fields


def _parsed(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        name, problems = next(iter(serializer.errors.items()))
        raise DomainError(f"{name}: {problems[0]}", field=name)
    return serializer.validated_data


class HasPerm(BasePermission):
    def has_permission(self, request, view) -> bool:
        perm = view.perms.get(request.method)
        return bool(perm and request.user.has_perm(perm))


_TRANSFER_EXAMPLE = {
    "id": 17,
    "status": "shipped",
    "part_number": "04906-31021",
    "quantity": 3,
    "from_dealer": "20002",
    "to_dealer": "10001",
    "reason": "Six owners waiting, none in stock.",
    "reference": "UPS 1Z999AA10123456784",
    "created_at": "2026-03-02T15:04:05Z",
    "shipped_at": "2026-03-03T09:12:00Z",
    "received_at": None,
}
_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="A field missing or wrong."),
    401: OpenApiResponse(ErrorSerializer, description="No token, or not a valid one."),
    403: OpenApiResponse(ErrorSerializer, description="Not a role that may do this (or not at this dealer)."),
    404: OpenApiResponse(ErrorSerializer, description="No such transfer in the user's scope."),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The status does not allow the step, or the sender has too few kits available.",
        examples=[
            OpenApiExample(
                "Short",
                value={
                    "code": "conflict",
                    "detail": "Only 2 kits of 04906-31021 available (2 on hand, 0 reserved): this would leave -1.",
                    "field": "quantity",
                },
            )
        ],
    ),
}


def _kit(part_number: str) -> Kit:
    kits = list(Kit.objects.filter(part_number=part_number.strip())[:2])
    if not kits:
        raise DomainError(f"No kit {part_number}.", field="part_number")
    if len(kits) > 1:
        raise DomainError(f"{part_number} is stocked for several campaigns.", field="part_number")
    return kits[0]


def _to_dealer(user, code: str | None) -> int:
    dealers = list(services.transfer_request_dealers(user=user).values_list("pk", "code"))
    if code:
        dealers = [(pk, c) for pk, c in dealers if c == code]
    if not dealers:
        raise DomainError("You request transfers for no such dealer.", code="forbidden")
    if len(dealers) > 1:
        raise DomainError(
            "You are parts manager at several dealers: say which with to_dealer.", field="to_dealer"
        )
    return dealers[0][0]


class TransferListCreate(generics.ListAPIView):
    permission_classes = (HasPerm,)
    perms = {"GET": VIEW_PERM, "POST": services.REQUEST_PERM}
    serializer_class = TransferSerializer
    filter_backends = ()

    def get_queryset(self):
        transfers = transfers_for_user(user=self.request.user).order_by("-created_at", "-pk")
        status = self.request.query_params.get("status")
        if status == "open":
            return transfers.filter(status__in=Transfer.OPEN_STATUSES)
        if status:
            if status not in Transfer.Status.values:
                raise DomainError(f"status: one of {', '.join(STATUS_FILTERS)}.", field="status")
            return transfers.filter(status=status)
        return transfers

    @extend_schema(
        operation_id="parts_transfers_list",
        summary="Transfers to or from the user's dealers",
        parameters=[
            OpenApiParameter("status", str, OpenApiParameter.QUERY, required=False, enum=STATUS_FILTERS),
        ],
        responses={
            200: TransferSerializer(many=True),
            400: _ERRORS[400],
            403: _ERRORS[403],
            404: OpenApiResponse(ErrorSerializer, description="A page past the last one."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="parts_transfers_request",
        summary="Request kits from another dealer (the receiving dealer's parts manager)",
        request=TransferRequestSerializer,
        examples=[
            OpenApiExample(
                "Ask Manhattan",
                request_only=True,
                value={
                    "from_dealer": "20002",
                    "part_number": "04906-31021",
                    "quantity": 3,
                    "reason": "Six waiting.",
                },
            ),
            OpenApiExample(
                "Requested",
                response_only=True,
                value={**_TRANSFER_EXAMPLE, "status": "requested", "reference": ""},
            ),
        ],
        responses={201: TransferSerializer, **{k: v for k, v in _ERRORS.items() if k != 409}},
    )
    def post(self, request, *args, **kwargs) -> Response:
        data = _parsed(TransferRequestSerializer, request.data)
        transfer = services.transfer_request(
            to_dealer_id=_to_dealer(request.user, data.get("to_dealer")),
            from_dealer_code=data["from_dealer"],
            kit_id=_kit(data["part_number"]).pk,
            quantity=data["quantity"],
            reason=data["reason"],
            user=request.user,
        )
        return Response(TransferSerializer(transfer_get(user=request.user, pk=transfer.pk)).data, status=201)


class TransferDetail(APIView):
    permission_classes = (HasPerm,)
    perms = {"GET": VIEW_PERM}

    @extend_schema(
        operation_id="parts_transfers_get",
        summary="One transfer",
        responses={
            200: OpenApiResponse(
                TransferSerializer, examples=[OpenApiExample("In transit", value=_TRANSFER_EXAMPLE)]
            ),
            403: _ERRORS[403],
            404: _ERRORS[404],
        },
    )
    def get(self, request, pk: int) -> Response:
        return Response(TransferSerializer(transfer_get(user=request.user, pk=pk)).data)


def _step_view(step: str, perm: str, summary: str):
    service = getattr(services, f"transfer_{step}")

    class StepView(APIView):
        permission_classes = (HasPerm,)
        perms = {"POST": perm}

        @extend_schema(
            operation_id=f"parts_transfers_{step}",
            summary=summary,
            request=StepSerializer,
            responses={200: TransferSerializer, **_ERRORS},
            examples=[OpenApiExample("Done", response_only=True, value=_TRANSFER_EXAMPLE)],
        )
        def post(self, request, pk: int) -> Response:
            data = _parsed(StepSerializer, request.data)
            kwargs = {}
            if step == "ship":
                kwargs["reference"] = data["reference"]
            elif step != "receive":
                kwargs["reason"] = data["reason"]
            service(transfer_id=pk, user=request.user, **kwargs)
            return Response(TransferSerializer(transfer_get(user=request.user, pk=pk)).data)

    StepView.__name__ = StepView.__qualname__ = f"Transfer{step.title()}View"
    return StepView


TransferApprove = _step_view(
    "approve", services.APPROVE_PERM, "Approve a requested transfer (the sender or regional staff)"
)
TransferDecline = _step_view("decline", services.APPROVE_PERM, "Decline a requested transfer, with a reason")
TransferShip = _step_view(
    "ship", services.CHANGE_PERM, "Ship an approved transfer (the sender): its kits leave stock"
)
TransferReceive = _step_view("receive", services.CHANGE_PERM, "Receive a shipped transfer (the receiver)")
TransferCancel = _step_view(
    "cancel", services.REQUEST_PERM, "Cancel a transfer not yet shipped (the requester)"
)


class InboundList(generics.ListAPIView):
    permission_classes = (HasPerm,)
    perms = {"GET": "parts.view_inboundshipment"}
    serializer_class = InboundShipmentSerializer
    filter_backends = ()

    def get_queryset(self):
        return inbound_shipments_for_user(user=self.request.user).order_by("expected_on", "created_at", "pk")

    @extend_schema(
        operation_id="parts_inbound_list",
        summary="Open inbound shipments to the user's dealers (from allocations or announced)",
        responses={
            200: OpenApiResponse(
                InboundShipmentSerializer(many=True),
                examples=[
                    OpenApiExample(
                        "Allocated",
                        value=[
                            {
                                "id": 5,
                                "dealer": "10001",
                                "part_number": "04906-31021",
                                "quantity": 12,
                                "received_quantity": 0,
                                "outstanding": 12,
                                "reference": "Allocation 3",
                                "expected_on": None,
                                "allocation": 3,
                                "created_at": "2026-03-02T15:04:05Z",
                            }
                        ],
                    )
                ],
            ),
            403: _ERRORS[403],
            404: OpenApiResponse(ErrorSerializer, description="A page past the last one."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
