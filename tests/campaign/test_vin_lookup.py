"""campaign.selectors.vin_lookup: every campaign's verdict on one VIN, in one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaign.definition import parse
from campaign.eligibility import VinState
from campaign.models import Campaign
from campaign.selectors import campaigns_last_updated, vin_lookup
from campaign.services import campaign_load, campaign_phase_advance
from campaign.vin import InvalidVin
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

pytestmark = pytest.mark.django_db


def post_list(campaign: Campaign, *, at: dt.datetime | None = None) -> None:
    # As the affected-VIN import does when a list lands: an update() that bypasses save().
    at = at or timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(affected_list_posted_at=at, data_updated_at=at)


def on_list(campaign: Campaign, vin: str, status: str = "open"):
    return AffectedVehicleFactory(campaign=campaign, vehicle=VehicleFactory(vin=vin), status=status)


def only_status(lookup):
    assert len(lookup.statuses) == 1, lookup.statuses
    return lookup.statuses[0]


def test_affected(ale):
    vin = ale_vin(7930)
    on_list(ale, vin)
    post_list(ale)
    lookup = vin_lookup(vin=vin)
    assert only_status(lookup).state == VinState.AFFECTED
    assert [s.campaign.code for s in lookup.open_recalls] == ["ALE"]
    assert lookup.model_label == "GS 350"
    assert lookup.decoded.model_year == 2007


@pytest.mark.parametrize(
    ("status", "state"),
    [("remedied", VinState.REMEDIED), ("not_needed", VinState.CLOSED)],
)
def test_a_closed_entry_is_not_an_open_recall(ale, status, state):
    vin = ale_vin(7931)
    on_list(ale, vin, status=status)
    post_list(ale)
    lookup = vin_lookup(vin=vin)
    assert only_status(lookup).state == state
    assert lookup.open_recalls == []


def test_an_unreachable_entry_is_still_an_open_recall(ale):
    # Unreachable is about the owner; the car still needs the remedy when it turns up.
    vin = ale_vin(7931)
    on_list(ale, vin, status="unreachable")
    post_list(ale)
    lookup = vin_lookup(vin=vin)
    assert only_status(lookup).state == VinState.AFFECTED
    assert [s.campaign.code for s in lookup.open_recalls] == ["ALE"]


def test_in_range_not_affected(ale):
    on_list(ale, ale_vin(7930))
    post_list(ale)
    lookup = vin_lookup(vin=ale_vin(7932))
    assert only_status(lookup).state == VinState.IN_RANGE_NOT_AFFECTED
    assert lookup.open_recalls == [] and lookup.pending == []


def test_in_range_list_not_posted(ale):
    assert ale.affected_list_posted_at is None
    lookup = vin_lookup(vin=ale_vin(7932))
    assert only_status(lookup).state == VinState.IN_RANGE_LIST_NOT_POSTED
    assert [s.campaign.code for s in lookup.pending] == ["ALE"]


def test_not_covered(ale):
    post_list(ale)
    lookup = vin_lookup(vin="1HGCM82633A004352")
    assert lookup.statuses == []
    assert lookup.model_label is None
    assert lookup.decoded.model_year == 2003


def test_model_year_trap_through_the_database(ale):
    # 2008 GS 350 BE96S serial 0025000 sits in both years' serial ranges.
    vin_2008 = ale_vin(25000, year=2008)
    vin_2009 = ale_vin(25000, year=2009)
    on_list(ale, vin_2008)
    post_list(ale)
    assert only_status(vin_lookup(vin=vin_2008)).state == VinState.AFFECTED
    assert vin_lookup(vin=vin_2009).statuses == []


def test_lower_case_padded_input_is_normalised(ale):
    vin = ale_vin(7930)
    on_list(ale, vin)
    post_list(ale)
    assert vin_lookup(vin=f"  {vin.lower()[:8]}-{vin.lower()[8:]} ").vin == vin


def test_invalid_vin_raises_with_the_clerk_message(ale):
    with pytest.raises(InvalidVin, match="Position 9 should be 1"):
        vin_lookup(vin="JTHBE96S270007930")


def test_one_query_in_steady_state(ale, django_assert_num_queries):
    vin = ale_vin(7930)
    on_list(ale, vin)
    post_list(ale)
    vin_lookup(vin=vin)  # loads the campaign and its VIN table into the process cache
    # 1. every campaign's version with this VIN's status on its list (campaign.lookup_statement)
    with django_assert_num_queries(1):
        lookup = vin_lookup(vin=ale_vin(7931))
    with django_assert_num_queries(1):
        lookup = vin_lookup(vin=vin)
    assert lookup.open_recalls


def test_phase_change_is_seen_at_once(ale):
    vin = ale_vin(7930)
    on_list(ale, vin)
    post_list(ale)
    assert only_status(vin_lookup(vin=vin)).remedy_available is False
    campaign_phase_advance(campaign_id=ale.pk, to_phase=Campaign.Phase.PARTS_AVAILABLE)
    assert only_status(vin_lookup(vin=vin)).remedy_available is True


def test_a_closed_campaign_still_offers_the_remedy_to_an_open_vin(ale):
    vin = ale_vin(7930)
    on_list(ale, vin)
    post_list(ale)
    campaign_phase_advance(campaign_id=ale.pk, to_phase=Campaign.Phase.CLOSED)
    status = only_status(vin_lookup(vin=vin))
    assert status.state == VinState.AFFECTED and status.remedy_available is True


def test_posting_a_list_by_update_is_seen_at_once(ale):
    vin = ale_vin(7932)
    assert only_status(vin_lookup(vin=vin)).state == VinState.IN_RANGE_LIST_NOT_POSTED
    post_list(ale)  # no save(): updated_at does not move, the version still does
    assert only_status(vin_lookup(vin=vin)).state == VinState.IN_RANGE_NOT_AFFECTED


def test_a_vin_added_to_the_list_is_seen_at_once(ale):
    post_list(ale)
    vin = ale_vin(7940)
    assert only_status(vin_lookup(vin=vin)).state == VinState.IN_RANGE_NOT_AFFECTED
    on_list(ale, vin)
    assert only_status(vin_lookup(vin=vin)).state == VinState.AFFECTED


def test_last_updated_is_the_latest_edit_or_list(ale):
    posted = timezone.now() + dt.timedelta(days=3)
    post_list(ale, at=posted)
    Campaign.objects.filter(pk=ale.pk).update(data_updated_at=posted - dt.timedelta(days=1))
    assert vin_lookup(vin=ale_vin(7932)).last_updated == posted
    assert campaigns_last_updated() == posted


def test_several_campaigns_newest_first(ale):
    other = campaign_load(
        definition=parse(
            """
code: ZTEST
title: Test recall
manufacturer: Lexus
make: Lexus
component: Fuel pump
dates: {dir_filed: 2011-03-01}
defect: The pump may fail.
consequence: The engine may stall.
remedy: Replace the pump.
vin_table:
  - {model: GS 350, model_year: 2007, uio: 10, ranges: [{wmi: JTH, vds: BE96S, serial: "0007000-0008000"}]}
"""
        )
    )
    vin = ale_vin(7930)
    vehicle = on_list(ale, vin).vehicle
    AffectedVehicleFactory(campaign=other, vehicle=vehicle)
    post_list(ale)
    post_list(other)
    lookup = vin_lookup(vin=vin)
    assert [s.campaign.code for s in lookup.open_recalls] == ["ZTEST", "ALE"]
    # Outside ZTEST's range, inside ALE's: only ALE has a verdict.
    assert [s.campaign.code for s in vin_lookup(vin=ale_vin(9000)).statuses] == ["ALE"]
