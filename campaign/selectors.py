"""Reads about campaigns and VINs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Max

from campaign import lookup_statement
from campaign.eligibility import ScreenRange, VinState, vin_state
from campaign.models import Campaign, VinRange
from campaign.vin import DecodedVin, decode


def campaign_screen(campaign: Campaign) -> list[ScreenRange]:
    """The campaign's VIN table as the import screens rows against it: read afresh each call.

    Not cached: the import reads it once per file, and the look-up asks the database the
    same question in its one statement (``campaign.lookup_statement``), so no process can
    hold an old VIN table after a range or covered model is edited, however it was edited.
    """
    return [
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


@dataclass(frozen=True)
class CampaignVinStatus:
    campaign: Campaign
    state: VinState
    model_label: str | None

    @property
    def is_open(self) -> bool:
        return self.state == VinState.AFFECTED

    @property
    def remedy_available(self) -> bool:
        return self.campaign.remedy_available


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


# Full Campaign rows, per process, by the version columns the look-up's statement reads
# (campaign.lookup_statement): a phase change, an edit or a posted list moves them.
_campaigns: dict[int, tuple[tuple, Campaign]] = {}


def _current_campaigns(versions: list[tuple]) -> list[Campaign]:
    """The Campaign rows matching ``versions`` ((id, *version columns)), from the cache when current."""
    stale = [v[0] for v in versions if _campaigns.get(v[0], ((),))[0] != v]
    if stale:
        fresh = Campaign.objects.in_bulk(stale)
        for version in versions:
            if version[0] in fresh:
                _campaigns[version[0]] = (version, fresh[version[0]])
    return [_campaigns[v[0]][1] for v in versions if v[0] in _campaigns]


def vin_lookup(*, vin: str) -> VinLookup:
    """Every campaign's verdict on one VIN. Raises ``InvalidVin`` for a malformed VIN.

    One query in steady state (``campaign.lookup_statement``); after a campaign changes, the
    first look-up in each process also reloads its row.
    """
    decoded = decode(vin)
    db = connections[DEFAULT_DB_ALIAS]  # once: every attribute of the `connection` proxy is a lookup
    rows = lookup_statement.rows(db, decoded)
    found = {row[0]: (row[5], row[6]) for row in rows}  # id -> (list status, model label of the range)
    campaigns = _current_campaigns([row[:5] for row in rows])
    statuses = []
    for campaign in campaigns:
        entry_status, model_label = found[campaign.pk]
        state = vin_state(
            in_range=model_label is not None,
            list_posted=campaign.affected_list_posted_at is not None,
            entry_status=entry_status,
        )
        if state != VinState.NOT_COVERED:
            statuses.append(CampaignVinStatus(campaign, state, model_label))
    last_updated = max(
        (d for c in campaigns for d in (c.data_updated_at, c.affected_list_posted_at) if d is not None),
        default=None,
    )
    return VinLookup(decoded=decoded, statuses=statuses, last_updated=last_updated)


def campaigns_last_updated() -> dt.datetime | None:
    """When the public recall data last changed: a campaign edited or an affected list posted."""
    latest = Campaign.objects.aggregate(edited=Max("data_updated_at"), posted=Max("affected_list_posted_at"))
    return max((d for d in latest.values() if d is not None), default=None)
