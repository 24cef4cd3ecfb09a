"""Small hand-built fleets for the reports tests: entries with dated outcome histories."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from campaign.models import AffectedVehicle, Campaign, CampaignPhaseChange
from dealers.models import ServicingDealer
from repairs.models import OutcomeChange
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

_serials = itertools.count(50_000)  # apart from factories_claims (20,000) and the others


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    """Noon (or ``hour``) of ``day`` in the server's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def entry(
    campaign: Campaign, *, dealer=None, added: dt.date, model_label: str = "GS 350", year: int = 2007
) -> AffectedVehicle:
    vehicle = VehicleFactory(vin=ale_vin(next(_serials)), model_label=model_label, model_year=year)
    e = AffectedVehicleFactory(campaign=campaign, vehicle=vehicle, added_at=at(added))
    if dealer is not None:
        ServicingDealer.objects.create(vehicle=vehicle, dealer=dealer)
    return e


def change(
    e: AffectedVehicle, to: str, when: dt.datetime, *, reason: str = "", kind: str | None = None
) -> OutcomeChange:
    """A history row as a service writes it, dated ``when``; the entry's status follows."""
    row = OutcomeChange.objects.create(
        entry=e,
        kind=kind
        or {
            "remedied": "remedied",
            "not_needed": "not_needed",
            "unreachable": "unreachable",
            "open": "undone",
            "removed": "removed",
        }[to],
        from_status=e.status,
        to_status=to,
        unreachable_reason=reason,
    )
    OutcomeChange.objects.filter(pk=row.pk).update(at=when)
    AffectedVehicle.objects.filter(pk=e.pk).update(status=to, status_changed_at=when)
    e.status = to
    return row


def started(campaign: Campaign, day: dt.date) -> None:
    """The campaign left its preliminary notice on ``day`` (the schedule's first quarter)."""
    row = CampaignPhaseChange.objects.create(
        campaign=campaign, from_phase="preliminary", to_phase="parts_available"
    )
    CampaignPhaseChange.objects.filter(pk=row.pk).update(changed_at=at(day))
