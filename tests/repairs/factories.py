"""factory-boy factories for the repairs app: rows as the services leave them, for tests that
need one in a given state without walking the workflow to it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from repairs.models import Appointment, RepairOrder, WarrantyClaim
from tests.factories import VehicleFactory


def remedy_set(
    campaign,
    *,
    hours: str = "6.0",
    labor_operation: str = "ALE010",
    part_number: str = "13711-31110",
    stock_kit=None,
):
    """Give every covered model of ``campaign`` exactly this labor operation and a one-line kit,
    whatever its definition loaded (ALE's YAML has its own): tests then know the figures.
    ``stock_kit`` is the stocked kit (``campaign.Kit``) the repair reserves and consumes; None
    (the default) leaves parts untracked, so repairs tests need no stock. Returns the operations."""
    from campaign.models import RemedyOperation, RemedyPart

    operations = []
    for covered in campaign.covered_models.all():
        operation, _ = RemedyOperation.objects.update_or_create(
            covered_model=covered,
            defaults={
                "labor_operation": labor_operation,
                "flat_rate_hours": Decimal(hours),
                "kit": stock_kit,
            },
        )
        operation.parts.all().delete()
        RemedyPart.objects.create(
            operation=operation,
            part_number=part_number,
            description="Valve spring kit",
            quantity=1,
            dealer_net_price=Decimal("240.00"),
        )
        operations.append(operation)
    return operations


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    vehicle = factory.SubFactory(VehicleFactory)
    start_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    hours = Decimal("6.0")
    transport = Appointment.Transport.DROP_OFF
    status = Appointment.Status.SCHEDULED


class RepairOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RepairOrder

    ro_number = factory.Sequence(lambda n: f"RO{100000 + n}")
    vehicle = factory.SubFactory(VehicleFactory)
    labor_operation = "ALE010"
    flat_rate_hours = Decimal("6.0")
    mileage_in = 61_000
    status = RepairOrder.Status.OPEN

    class Params:
        completed = factory.Trait(
            status=RepairOrder.Status.COMPLETED,
            mileage_out=61_012,
            technician="T. Tech",
            labor_hours=Decimal("6.2"),
            completed_on=factory.LazyFunction(timezone.localdate),
        )


class WarrantyClaimFactory(factory.django.DjangoModelFactory):
    """A claim on a completed RO; pass ``repair_order`` (its dealer, vehicle and campaign follow)."""

    class Meta:
        model = WarrantyClaim

    dealer = factory.SelfAttribute("repair_order.dealer")
    vehicle = factory.SelfAttribute("repair_order.vehicle")
    model_label = factory.SelfAttribute("repair_order.vehicle.model_label")
    model_year = factory.SelfAttribute("repair_order.vehicle.model_year")
    campaign = factory.SelfAttribute("repair_order.campaign")
    labor_operation = factory.SelfAttribute("repair_order.labor_operation")
    labor_hours = factory.SelfAttribute("repair_order.flat_rate_hours")
    labor_rate = Decimal("120.00")
    labor_amount = Decimal("720.00")
    parts_amount = Decimal("264.00")
    sublet_amount = Decimal("0.00")
    total = Decimal("984.00")
    condition = "Valve springs may crack (Safety Recall ALE)."
    cause = "Valve springs contaminated in manufacturing."
    correction = "Replaced the engine valve springs."
    status = WarrantyClaim.Status.APPROVED
    submitted_at = factory.LazyFunction(timezone.now)
