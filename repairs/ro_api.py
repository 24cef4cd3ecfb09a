"""The dealer-system API for repair orders (paths and fields fixed by issue 7):

- ``POST /api/v1/appointments/{id}/check-in/`` ``{"ro_number", "mileage_in"}`` -> 201 ``{"repair_order": id, …}``
- ``POST /api/v1/repair-orders/{id}/complete/`` ``{"mileage_out", "technician", "labor_hours"}`` -> 200
- ``GET /api/v1/vehicles/{vin}/`` -> the dealer's view of the VIN

Errors are ``{"code", "detail"}`` (``campaign.http_errors``): a serializer's refusal is
turned into the same ``DomainError`` a service raises. Scope is the pages' (another
dealer's appointment or RO is a 404); owner data appears only where the vehicle record
page would show it, logged the same way (``dealers.owner_data``).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign import vin as vinlib
from campaign.api_errors import ApiErrorSerializer
from campaign.errors import DomainError
from dealers.vehicle_record import vehicle_record_get
from repairs.models import RepairOrder
from repairs.repair_orders import repair_order_check_in, repair_order_complete


class CheckInSerializer(serializers.Serializer):
    ro_number = serializers.CharField(
        max_length=20, help_text="The dealer system's RO number (unique per dealer)."
    )
    mileage_in = serializers.IntegerField(min_value=0)


class PartSerializer(serializers.Serializer):
    part_number = serializers.CharField(max_length=20)
    quantity = serializers.IntegerField(min_value=1)
    lot = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class CompleteSerializer(serializers.Serializer):
    mileage_out = serializers.IntegerField(min_value=0, help_text="At least the mileage in.")
    technician = serializers.CharField(max_length=80)
    labor_hours = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="Actual labor hours.")
    completed_on = serializers.DateField(required=False, help_text="Defaults to today.")
    parts = PartSerializer(many=True, required=False, help_text="Defaults to the campaign kit for the VIN.")


class RepairOrderSerializer(serializers.ModelSerializer):
    repair_order = serializers.IntegerField(source="pk", read_only=True)
    dealer = serializers.CharField(source="dealer.code", read_only=True)
    vin = serializers.CharField(source="vehicle_id", read_only=True)
    campaign = serializers.CharField(source="campaign.code", read_only=True)
    parts = serializers.SerializerMethodField()

    class Meta:
        model = RepairOrder
        fields = (
            "repair_order",
            "ro_number",
            "dealer",
            "vin",
            "campaign",
            "status",
            "labor_operation",
            "flat_rate_hours",
            "mileage_in",
            "mileage_out",
            "technician",
            "labor_hours",
            "opened_at",
            "completed_on",
            "parts",
        )
        read_only_fields = fields

    def get_parts(self, ro: RepairOrder) -> list[dict]:
        return [{"part_number": p.part_number, "quantity": p.quantity, "lot": p.lot} for p in ro.parts.all()]


def _valid(serializer: serializers.Serializer) -> dict:
    """The serializer's data, or its first refusal as the one domain error (400)."""
    if serializer.is_valid():
        return serializer.validated_data
    field, errors = next(iter(serializer.errors.items()))
    message = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], str) else str(errors)
    raise DomainError(f"{field}: {message}", field=field)


def _needs(request: Request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise DomainError("Your role may not do this.", code="forbidden")


_RO_EXAMPLE = {
    "repair_order": 41,
    "ro_number": "RO40017",
    "dealer": "10001",
    "vin": "JTHBE96S170007930",
    "campaign": "ALE",
    "status": "open",
    "labor_operation": "ALE010",
    "flat_rate_hours": "6.0",
    "mileage_in": 61000,
    "mileage_out": None,
    "technician": "",
    "labor_hours": None,
    "opened_at": "2026-12-01T15:02:11Z",
    "completed_on": None,
    "parts": [],
}
_ERRORS = {
    400: OpenApiResponse(
        ApiErrorSerializer, description="Invalid input (e.g. mileage out below mileage in)."
    ),
    403: OpenApiResponse(ApiErrorSerializer, description="Your role may not do this."),
    404: OpenApiResponse(ApiErrorSerializer, description="Not found, or another dealer's."),
    409: OpenApiResponse(ApiErrorSerializer, description="The state moved: already done."),
}


class CheckInView(APIView):
    @extend_schema(
        operation_id="appointment_check_in",
        summary="Check an appointment in: open its repair order",
        request=CheckInSerializer,
        responses={201: RepairOrderSerializer, **_ERRORS},
        examples=[
            OpenApiExample(
                "Check-in", value={"ro_number": "RO40017", "mileage_in": 61000}, request_only=True
            ),
            OpenApiExample("Opened", value=_RO_EXAMPLE, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Already checked in",
                value={"code": "conflict", "detail": "This appointment is already checked in."},
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        _needs(request, "repairs.add_repairorder")
        data = _valid(CheckInSerializer(data=request.data))
        ro = repair_order_check_in(appointment_id=pk, user=request.user, **data)
        return Response(RepairOrderSerializer(ro).data, status=status.HTTP_201_CREATED)


class CompleteView(APIView):
    @extend_schema(
        operation_id="repair_order_complete",
        summary="Complete a repair order: the remedy is recorded",
        description="The VIN's recall closes at once (the public look-up stops listing it) and a "
        "stop-sale unit with the VIN is released.",
        request=CompleteSerializer,
        responses={200: RepairOrderSerializer, **_ERRORS},
        examples=[
            OpenApiExample(
                "Completion",
                value={"mileage_out": 61012, "technician": "T. Tech", "labor_hours": "6.2"},
                request_only=True,
            ),
            OpenApiExample(
                "Mileage below",
                value={
                    "code": "invalid",
                    "detail": "Mileage out (60,000) is below mileage in (61,000).",
                    "field": "mileage_out",
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        _needs(request, "repairs.change_repairorder")
        data = _valid(CompleteSerializer(data=request.data))
        parts = data.pop("parts", None)
        ro = repair_order_complete(
            repair_order_id=pk,
            completed_on=data.pop("completed_on", None),
            parts=[(p["part_number"], p["quantity"], p["lot"]) for p in parts] if parts is not None else None,
            user=request.user,
            **data,
        )
        return Response(RepairOrderSerializer(ro).data)


class VehicleSerializer(serializers.Serializer):
    """The dealer's view of a VIN (documentation of the body; built as a dict)."""

    vin = serializers.CharField()
    model_year = serializers.IntegerField(allow_null=True)
    model = serializers.CharField()
    servicing_dealer = serializers.CharField(allow_null=True)
    campaigns = serializers.ListField(child=serializers.DictField())
    appointments = serializers.ListField(child=serializers.DictField())
    repair_orders = serializers.ListField(child=serializers.DictField())
    claims = serializers.ListField(child=serializers.DictField())
    outcomes = serializers.ListField(child=serializers.DictField())
    owner = serializers.DictField(
        allow_null=True, help_text="Only where the vehicle record shows it; logged."
    )


def _vehicle_body(record) -> dict:
    history = record.repairs  # vehicle_repair_history, set by RepairsConfig.ready
    vehicle = record.vehicle
    return {
        "vin": record.vin,
        "model_year": record.model_year,
        "model": record.model_label,
        "servicing_dealer": record.servicing_dealer.code if record.servicing_dealer else None,
        "campaigns": [{"campaign": s.campaign.code, "state": str(s.state)} for s in record.statuses],
        "appointments": [
            {
                "id": a.pk,
                "dealer": a.dealer.code,
                "campaign": a.campaign.code,
                "start_at": a.start_at.isoformat(),
                "status": a.status,
            }
            for a in history.appointments
        ],
        "repair_orders": [
            {
                "id": r.pk,
                "ro_number": r.ro_number,
                "dealer": r.dealer.code,
                "campaign": r.campaign.code,
                "status": r.status,
                "completed_on": r.completed_on.isoformat() if r.completed_on else None,
            }
            for r in history.repair_orders
        ],
        "claims": [
            {
                "id": c.pk,
                "dealer": c.dealer.code,
                "campaign": c.campaign.code,
                "repair_order": c.repair_order_id,
                "status": c.status,
                "total": str(c.total),
            }
            for c in history.claims
        ],
        "outcomes": [
            {
                "campaign": o.entry.campaign.code,
                "kind": o.kind,
                "from": o.from_status,
                "to": o.to_status,
                "at": o.at.isoformat(),
                "reason": o.reason,
            }
            for o in history.outcomes
        ],
        "owner": {
            "name": vehicle.owner_name,
            "address1": vehicle.address1,
            "address2": vehicle.address2,
            "city": vehicle.city,
            "state": vehicle.state,
            "postal_code": vehicle.postal_code,
            "phone": vehicle.phone,
            "email": vehicle.email,
        }
        if record.owner_visible
        else None,
    }


class VehicleView(APIView):
    @extend_schema(
        operation_id="vehicle_record",
        summary="The dealer's view of a VIN",
        description="Campaigns and their states for the VIN, and the appointments, repair orders and "
        "claims you may see. Owner details only where the vehicle record page shows them (your "
        "dealer services the vehicle, or your region, or national staff); each view is logged.",
        parameters=[
            OpenApiParameter(
                "vin",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                examples=[OpenApiExample("ALE vehicle", value="JTHBE96S170007930")],
            )
        ],
        responses={200: VehicleSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
        examples=[
            OpenApiExample(
                "Remedied here",
                value={
                    "vin": "JTHBE96S170007930",
                    "model_year": 2007,
                    "model": "GS 350",
                    "servicing_dealer": "10001",
                    "campaigns": [{"campaign": "ALE", "state": "remedied"}],
                    "appointments": [],
                    "claims": [],
                    "owner": None,
                    "repair_orders": [
                        {
                            "id": 41,
                            "ro_number": "RO40017",
                            "dealer": "10001",
                            "campaign": "ALE",
                            "status": "completed",
                            "completed_on": "2026-12-01",
                        }
                    ],
                    "outcomes": [
                        {
                            "campaign": "ALE",
                            "kind": "remedied",
                            "from": "open",
                            "to": "remedied",
                            "at": "2026-12-01T16:40:00Z",
                            "reason": "RO RO40017 completed.",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, vin: str) -> Response:
        _needs(request, "campaign.view_vehicle")
        try:
            record = vehicle_record_get(user=request.user, vin=vin, context="vehicle API")
        except vinlib.InvalidVin as exc:
            raise DomainError(exc.message, field="vin") from None
        return Response(_vehicle_body(record))
