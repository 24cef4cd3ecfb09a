"""The claims API for dealer systems: submit, read, decide (warranty administrator), resubmit.

Thin: serializers validate the shapes, ``repairs.claims`` does the work, ``DomainError``
becomes ``{"code", "detail"}`` (plus ``rejection_code`` for a refused submission) in
``campaign.http_errors``. Reads are scoped like the pages: another dealer's claim is a 404.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign.api_errors import ApiErrorSerializer
from repairs import claims as services
from repairs.claim_selectors import claim_get
from repairs.models import WarrantyClaim

Code = WarrantyClaim.RejectionCode
MONEY = {"max_digits": 10, "decimal_places": 2}


class ClaimSerializer(serializers.ModelSerializer):
    vin = serializers.CharField(source="vehicle_id", read_only=True)
    campaign = serializers.CharField(source="campaign.code", read_only=True)

    class Meta:
        model = WarrantyClaim
        fields = (
            "id",
            "status",
            "repair_order",
            "vin",
            "campaign",
            "labor_operation",
            "labor_hours",
            "labor_rate",
            "labor_amount",
            "parts_amount",
            "sublet_amount",
            "total",
            "rejection_code",
            "note",
            "submitted_at",
            "decided_at",
        )
        read_only_fields = fields


class ClaimSubmitSerializer(serializers.Serializer):
    repair_order = serializers.IntegerField(help_text="The completed RO's id.")
    sublet_amount = serializers.DecimalField(required=False, min_value=0, **MONEY)
    condition = serializers.CharField(required=False, help_text="Defaults to the campaign's text.")
    cause = serializers.CharField(required=False)
    correction = serializers.CharField(required=False)


class PartLineSerializer(serializers.Serializer):
    part_number = serializers.CharField(max_length=20)
    quantity = serializers.IntegerField(min_value=1)
    unit_price = serializers.DecimalField(required=False, min_value=0, **MONEY)


class ClaimResubmitSerializer(serializers.Serializer):
    sublet_amount = serializers.DecimalField(required=False, min_value=0, **MONEY)
    condition = serializers.CharField(required=False)
    cause = serializers.CharField(required=False)
    correction = serializers.CharField(required=False)
    labor_hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, required=False)
    parts = PartLineSerializer(many=True, required=False)


class ClaimRejectSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Code.choices)
    note = serializers.CharField()


class ClaimApproveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ErrorSerializer(ApiErrorSerializer):
    """The API's error body, with the claim check that refused a submission."""

    rejection_code = serializers.ChoiceField(choices=Code.choices, required=False)

    class Meta:
        ref_name = "ClaimError"


class CanViewClaims(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("repairs.view_warrantyclaim")


CLAIM_EXAMPLE = OpenApiExample(
    "Approved claim",
    value={
        "id": 41,
        "status": "approved",
        "repair_order": 1207,
        "vin": "JTHBE96S170007930",
        "campaign": "ALE",
        "labor_operation": "ALE010",
        "labor_hours": "6.0",
        "labor_rate": "120.00",
        "labor_amount": "720.00",
        "parts_amount": "264.00",
        "sublet_amount": "0.00",
        "total": "984.00",
        "rejection_code": "",
        "note": "",
        "submitted_at": "2026-03-02T15:04:05Z",
        "decided_at": "2026-03-02T15:04:05Z",
    },
    response_only=True,
)
DUPLICATE_EXAMPLE = OpenApiExample(
    "Duplicate",
    value={
        "code": "conflict",
        "detail": "JTHBE96S170007930 already has a claim for ALE that is not rejected.",
        "rejection_code": "duplicate",
    },
    response_only=True,
    status_codes=["409"],
)
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad input: a field missing or of the wrong kind."),
    401: OpenApiResponse(ErrorSerializer, description="No token, or not a valid one."),
    403: OpenApiResponse(ErrorSerializer, description="Not a role that may do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such claim (or another dealer's)."),
    409: OpenApiResponse(ErrorSerializer, description="The claim's state does not allow it."),
}


def _claim_body(claim: WarrantyClaim, *, created: bool = False) -> Response:
    return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED if created else 200)


class ClaimSubmitView(APIView):
    @extend_schema(
        operation_id="claim_submit",
        request=ClaimSubmitSerializer,
        responses={
            201: ClaimSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Refused: rejection_code not_affected, ro_not_at_dealer or outside_window.",
            ),
            **ERRORS,
            409: OpenApiResponse(
                ErrorSerializer, description="The VIN already has a live claim (duplicate)."
            ),
        },
        examples=[CLAIM_EXAMPLE, DUPLICATE_EXAMPLE],
        summary="Submit the warranty claim of a completed RO",
    )
    def post(self, request: Request) -> Response:
        body = ClaimSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        claim = services.claim_submit(repair_order_id=data.pop("repair_order"), user=request.user, **data)
        return _claim_body(claim, created=True)


class ClaimDetailView(APIView):
    permission_classes = [CanViewClaims]

    @extend_schema(
        operation_id="claim_retrieve",
        responses={200: ClaimSerializer, **ERRORS},
        examples=[CLAIM_EXAMPLE],
        summary="A claim: its status, amounts and reason",
    )
    def get(self, request: Request, pk: int) -> Response:
        return _claim_body(claim_get(user=request.user, pk=pk))


class ClaimApproveView(APIView):
    @extend_schema(
        operation_id="claim_approve",
        request=ClaimApproveSerializer,
        responses={200: ClaimSerializer, **ERRORS},
        examples=[CLAIM_EXAMPLE],
        summary="Approve a claim not yet paid (warranty administrator)",
    )
    def post(self, request: Request, pk: int) -> Response:
        body = ClaimApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _claim_body(services.claim_approve(claim_id=pk, user=request.user, **body.validated_data))


class ClaimRejectView(APIView):
    @extend_schema(
        operation_id="claim_reject",
        request=ClaimRejectSerializer,
        responses={200: ClaimSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Reject", value={"code": "documentation", "note": "No correction text."}, request_only=True
            )
        ],
        summary="Reject a claim not yet paid, with a code and a note (warranty administrator)",
    )
    def post(self, request: Request, pk: int) -> Response:
        body = ClaimRejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _claim_body(services.claim_reject(claim_id=pk, user=request.user, **body.validated_data))


class ClaimResubmitView(APIView):
    @extend_schema(
        operation_id="claim_resubmit",
        request=ClaimResubmitSerializer,
        responses={200: ClaimSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Corrected text", value={"correction": "Replaced all 24 valve springs."}, request_only=True
            ),
            CLAIM_EXAMPLE,
        ],
        summary="Resubmit a returned or rejected claim with corrections (the dealer)",
    )
    def post(self, request: Request, pk: int) -> Response:
        body = ClaimResubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "parts" in data:
            data["parts"] = [services.PartLine(**line) for line in data["parts"]]
        return _claim_body(services.claim_resubmit(claim_id=pk, user=request.user, **data))
