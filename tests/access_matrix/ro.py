"""Repair orders and outcomes: every dealer role but pre-owned reads its dealer's ROs (and
regional, national and warranty staff); only service managers check in, start, cancel and
complete, at their own dealer. Outcomes: service managers record remedied elsewhere / not
needed for vehicles their dealer services; regional and national staff mark unreachable;
undo for both. The API answers an anonymous client 401 (token authentication)."""

from __future__ import annotations

import itertools

from django.urls import reverse

from tests.access_matrix import (
    Case,
    World,
    assert_redirect,
    dealer_a_object,
    dealer_b_object,
    only,
    signed_in,
)

READERS = (
    "principal_a",
    "service_manager_a",
    "parts_manager_a",
    "principal_b",
    "service_manager_b",
    "parts_manager_b",
    "regional_west",
    "campaign_admin",
    "warranty_admin",
)
RO_READERS = (
    "principal_a",
    "service_manager_a",
    "parts_manager_a",
    "regional_west",
    "campaign_admin",
    "warranty_admin",
)
SERVICE = ("service_manager_a",)
_numbers = itertools.count(1)


def _ready(world: World):
    from tests.repairs.factories_ro import ale_ready

    return ale_ready(world.ale)


def _appointment(world: World, dealer):
    from tests.repairs.factories import AppointmentFactory

    _ready(world)
    return AppointmentFactory(
        dealer=dealer, campaign=world.ale, vehicle=world.affected_vehicle(dealer=dealer)
    )


def _ro(world: World, dealer=None):
    from repairs.models import RepairOrderEvent
    from tests.repairs.factories import RepairOrderFactory

    dealer = dealer or world.dealer_a
    _ready(world)
    ro = RepairOrderFactory(dealer=dealer, campaign=world.ale, vehicle=world.affected_vehicle(dealer=dealer))
    RepairOrderEvent.objects.create(repair_order=ro, to_status="open")
    return ro


def _entry(world: World, status: str = "open", dealer=None):
    from campaign.models import AffectedVehicle

    vehicle = world.affected_vehicle(dealer=dealer or world.dealer_a, status=status)
    return AffectedVehicle.objects.get(vehicle=vehicle)


def _ro_number(world: World) -> dict:
    return {"ro_number": f"M{next(_numbers)}", "mileage_in": 61000}


def _checked_in(world, persona, response, kwargs) -> None:
    from repairs.models import RepairOrder

    ro = RepairOrder.objects.get(appointment_id=kwargs["appointment_pk"])
    assert ro.opened_by == world.users[persona] and ro.appointment.status == "checked_in"
    assert_redirect(response, reverse("repair-order-detail", args=[ro.pk]), message="Checked in")


def _walked_in(world, persona, response, kwargs) -> None:
    from repairs.models import RepairOrder

    ro = RepairOrder.objects.filter(opened_by=world.users[persona]).latest("pk")
    assert ro.appointment is None and ro.dealer == world.dealer_a
    assert_redirect(response, reverse("repair-order-detail", args=[ro.pk]), message="Walk-in")


def _moved_to(status: str, message: str):
    def effect(world, persona, response, kwargs) -> None:
        from repairs.models import RepairOrder

        ro = RepairOrder.objects.get(pk=kwargs["pk"])
        assert ro.status == status and ro.events.filter(to_status=status, by=world.users[persona]).exists()
        assert_redirect(response, reverse("repair-order-detail", args=[ro.pk]), message=message)

    return effect


def _outcome(kind: str, status: str):
    def effect(world, persona, response, kwargs) -> None:
        from campaign.models import AffectedVehicle

        entry = AffectedVehicle.objects.get(pk=kwargs["entry_pk"])
        assert entry.status == status
        assert entry.outcome_changes.filter(kind=kind, by=world.users[persona]).exists()
        assert_redirect(response, f"{reverse('vehicle-record')}?vin={entry.vehicle_id}", message="recorded")

    return effect


def _api_checked_in(world, persona, response, kwargs) -> None:
    from repairs.models import RepairOrder

    assert RepairOrder.objects.get(pk=response.json()["repair_order"]).appointment_id == kwargs["pk"]


def _api_completed(world, persona, response, kwargs) -> None:
    assert response.json()["status"] == "completed"


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


_COMPLETE = {
    "completed_on": "",
    "mileage_out": 61012,
    "technician": "T. Tech",
    "labor_hours": "6.2",
    "parts": "",
}
API_ANONYMOUS = 401

CASES = [
    Case("repair-order-list", expect=only(READERS)),
    Case(
        "repair-order-detail", kwargs=lambda w: {"pk": _ro(w).pk}, expect=dealer_a_object(allowed=RO_READERS)
    ),
    Case(
        "repair-order-detail",
        kwargs=lambda w: {"pk": _ro(w, w.dealer_b).pk},
        expect=dealer_b_object(allowed=RO_READERS),
        id="dealer-b",
    ),
    Case("repair-order-walk-in", expect=only(("service_manager_a", "service_manager_b")), id="form"),
    # B's service manager posting for dealer A gets the form back (A is not a choice), writing nothing.
    Case(
        "repair-order-walk-in",
        method="post",
        data=lambda w: {
            "dealer": w.dealer_a.pk,
            "vin": (_ready(w), w.affected_vehicle(dealer=w.dealer_a).vin)[1],
            "campaign": w.ale.pk,
            **_ro_number(w),
        },
        expect=only(("service_manager_a", "service_manager_b"), ok=200, service_manager_a=302),
        writes=SERVICE,
        effect=_walked_in,
    ),
    Case(
        "repair-order-check-in",
        kwargs=lambda w: {"appointment_pk": _appointment(w, w.dealer_a).pk},
        expect=dealer_a_object(allowed=SERVICE),
        id="form",
    ),
    Case(
        "repair-order-check-in",
        method="post",
        kwargs=lambda w: {"appointment_pk": _appointment(w, w.dealer_a).pk},
        data=_ro_number,
        expect=dealer_a_object(ok=302, allowed=SERVICE),
        writes=SERVICE,
        effect=_checked_in,
    ),
    Case(
        "repair-order-start",
        method="post",
        kwargs=lambda w: {"pk": _ro(w).pk},
        expect=dealer_a_object(ok=302, allowed=SERVICE),
        writes=SERVICE,
        effect=_moved_to("in_progress", "in progress"),
    ),
    Case(
        "repair-order-cancel",
        method="post",
        kwargs=lambda w: {"pk": _ro(w).pk},
        data={"reason": "Owner left"},
        expect=dealer_a_object(ok=302, allowed=SERVICE),
        writes=SERVICE,
        effect=_moved_to("cancelled", "cancelled"),
    ),
    Case(
        "repair-order-complete",
        kwargs=lambda w: {"pk": _ro(w).pk},
        expect=dealer_a_object(allowed=SERVICE),
        id="form",
    ),
    Case(
        "repair-order-complete",
        method="post",
        kwargs=lambda w: {"pk": _ro(w).pk},
        data=lambda w: {**_COMPLETE, "completed_on": _today()},
        expect=dealer_a_object(ok=302, allowed=SERVICE),
        writes=SERVICE,
        effect=_moved_to("completed", "completed"),
    ),
    # Outcomes: the superuser holds the permission but is no dealer's service manager (404).
    Case(
        "outcome-not-needed",
        method="post",
        kwargs=lambda w: {"entry_pk": _entry(w).pk},
        data={"reason": "Inspected: springs of the new design"},
        expect=dealer_a_object(ok=302, allowed=SERVICE, superuser=404),
        writes=SERVICE,
        effect=_outcome("not_needed", "not_needed"),
    ),
    Case(
        "outcome-remedied-elsewhere",
        method="post",
        kwargs=lambda w: {"entry_pk": _entry(w).pk},
        data=lambda w: {"other_dealer_code": w.dealer_b.code, "other_ro_number": "NY1", "reason": "Invoice"},
        expect=dealer_a_object(ok=302, allowed=SERVICE, superuser=404),
        writes=SERVICE,
        effect=_outcome("remedied_elsewhere", "remedied"),
    ),
    Case(
        "outcome-unreachable",
        method="post",
        kwargs=lambda w: {"entry_pk": _entry(w).pk},
        data={"unreachable_reason": "exported", "reason": ""},
        expect=dealer_a_object(ok=302, allowed=("regional_west", "campaign_admin")),
        writes=("regional_west", "campaign_admin", "superuser"),
        effect=_outcome("unreachable", "unreachable"),
    ),
    Case(
        "outcome-unreachable",
        method="post",
        kwargs=lambda w: {"entry_pk": _entry(w, dealer=w.dealer_b).pk},
        data={"unreachable_reason": "stolen", "reason": ""},
        expect=dealer_b_object(ok=302, allowed=("regional_west", "campaign_admin")),
        writes=("campaign_admin", "superuser"),
        effect=_outcome("unreachable", "unreachable"),
        id="dealer-b",
    ),
    Case(
        "outcome-undo",
        method="post",
        kwargs=lambda w: {"entry_pk": _entry(w, status="not_needed").pk},
        data={"reason": "Wrong VIN inspected"},
        expect=dealer_a_object(ok=302, allowed=("service_manager_a", "regional_west", "campaign_admin")),
        writes=("service_manager_a", "regional_west", "campaign_admin", "superuser"),
        effect=_outcome("undone", "open"),
    ),
    # The API: JSON in and out; anonymous is 401; a stranger's appointment or RO is 404.
    Case(
        "api-appointment-check-in",
        method="post",
        kwargs=lambda w: {"pk": _appointment(w, w.dealer_a).pk},
        data=lambda w: {"ro_number": f"API{next(_numbers)}", "mileage_in": 61000},
        content_type="application/json",
        expect=dealer_a_object(ok=201, allowed=SERVICE, anonymous=API_ANONYMOUS),
        writes=SERVICE,
        effect=_api_checked_in,
    ),
    Case(
        "api-repair-order-complete",
        method="post",
        kwargs=lambda w: {"pk": _ro(w).pk},
        data={"mileage_out": 61012, "technician": "T. Tech", "labor_hours": "6.2"},
        content_type="application/json",
        expect=dealer_a_object(ok=200, allowed=SERVICE, anonymous=API_ANONYMOUS),
        writes=SERVICE,
        effect=_api_completed,
    ),
    Case(
        "api-vehicle",
        kwargs=lambda w: {"vin": w.affected_vehicle(dealer=w.dealer_b).vin},
        expect=signed_in(200, anonymous=API_ANONYMOUS),
    ),
]
