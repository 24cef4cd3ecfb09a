"""Fixtures for the mailing tests: ALE with owners on its list, at the phase a kind needs."""

from __future__ import annotations

import pytest
from django.utils import timezone

from campaign.models import AffectedVehicle, Campaign, Vehicle
from tests.factories import ale_vin


def fleet(campaign: Campaign, count: int, *, start: int = 8000, **overrides) -> list[Vehicle]:
    """``count`` vehicles on the campaign's list with owners in five ZIP codes."""
    now = timezone.now()
    vehicles = [
        Vehicle(
            vin=ale_vin(start + i),
            model_label="GS 350",
            model_year=2007,
            owner_name=f"Owner {start + i}",
            address1=f"{start + i} Elm Street",
            city="Sacramento",
            state="CA",
            postal_code=f"958{i % 5:02d}",
            created_at=now,
            **overrides,
        )
        for i in range(count)
    ]
    Vehicle.objects.bulk_create(vehicles)
    AffectedVehicle.objects.bulk_create(
        [AffectedVehicle(campaign=campaign, vehicle=v, added_at=now) for v in vehicles]
    )
    return vehicles


@pytest.fixture
def ale_notifying(ale):
    """ALE with its remedy available (owner notification phase)."""
    Campaign.objects.filter(pk=ale.pk).update(phase=Campaign.Phase.OWNER_NOTIFICATION)
    ale.refresh_from_db()
    return ale


@pytest.fixture
def create(django_capture_on_commit_callbacks):
    """``create(campaign_id=…, kind=…)``: ``mailing_create`` with its on-commit run executed
    (the test's transaction never commits; in-process, as without Redis, the run is eager)."""
    from mailings.models import Mailing
    from mailings.services import mailing_create

    def run(**kwargs) -> Mailing:
        with django_capture_on_commit_callbacks(execute=True):
            mailing = mailing_create(**kwargs)
        mailing.refresh_from_db()
        return mailing

    return run
