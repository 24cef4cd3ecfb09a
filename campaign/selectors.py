"""Reads about campaigns and VINs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Subquery

from campaign.eligibility import ScreenRange, VinState, matching_range, vin_state
from campaign.models import AffectedVehicle, Campaign, VinRange
from campaign.vin import DecodedVin, decode

# Campaign VIN tables change only when a definition is (re)loaded, which bumps
# Campaign.updated_at; keying the per-process cache on it keeps look-ups to one query.
_screens: dict[tuple[int, dt.datetime], list[ScreenRange]] = {}


def campaign_screen(campaign: Campaign) -> list[ScreenRange]:
    key = (campaign.pk, campaign.updated_at)
    screen = _screens.get(key)
    if screen is None:
        screen = [
            ScreenRange(
                wmi=r.wmi,
                vds=r.vds,
                model_year=r.covered_model.model_year,
                serial_from=r.serial_from,
                serial_to=r.serial_to,
                model_label=r.covered_model.model_label,
            )
            for r in VinRange.objects.filter(covered_model__campaign=campaign).select_related("covered_model")
        ]
        for stale in [k for k in _screens if k[0] == campaign.pk]:
            del _screens[stale]
        _screens[key] = screen
    return screen


@dataclass(frozen=True)
class CampaignVinStatus:
    campaign: Campaign
    state: VinState
    model_label: str | None

    @property
    def is_open(self) -> bool:
        return self.state == VinState.AFFECTED


@dataclass(frozen=True)
class VinLookup:
    decoded: DecodedVin
    statuses: list[CampaignVinStatus]  # every campaign that covers the VIN in any way
    last_updated: dt.datetime | None

    @property
    def vin(self) -> str:
        return self.decoded.vin

    @property
    def open_recalls(self) -> list[CampaignVinStatus]:
        return [s for s in self.statuses if s.state == VinState.AFFECTED]

    @property
    def pending(self) -> list[CampaignVinStatus]:
        return [s for s in self.statuses if s.state == VinState.IN_RANGE_LIST_NOT_POSTED]

    @property
    def model_label(self) -> str | None:
        return next((s.model_label for s in self.statuses if s.model_label), None)


def vin_lookup(*, vin: str) -> VinLookup:
    """Every campaign's verdict on one VIN. Raises ``InvalidVin`` for a malformed VIN.

    One query: all campaigns, each annotated with this VIN's entry on its list.
    """
    decoded = decode(vin)
    entry = AffectedVehicle.objects.filter(campaign=OuterRef("pk"), vehicle_id=decoded.vin).values("status")[
        :1
    ]
    campaigns = list(
        Campaign.objects.annotate(entry_status=Subquery(entry)).order_by("-dir_filed_on", "code")
    )
    statuses = []
    for campaign in campaigns:
        screen = campaign_screen(campaign)
        state = vin_state(
            decoded=decoded,
            ranges=screen,
            list_posted=campaign.affected_list_posted_at is not None,
            entry_status=campaign.entry_status,
        )
        if state != VinState.NOT_COVERED:
            match = matching_range(decoded, screen)
            statuses.append(CampaignVinStatus(campaign, state, match.model_label if match else None))
    last_updated = max((c.data_updated_at for c in campaigns), default=None)
    return VinLookup(decoded=decoded, statuses=statuses, last_updated=last_updated)


def campaigns_last_updated() -> dt.datetime | None:
    return Campaign.objects.aggregate(m=Max("data_updated_at"))["m"]
