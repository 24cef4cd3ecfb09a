"""Where a VIN stands for a campaign: the range screen, the model-year trap, the five states."""

from __future__ import annotations

import pytest

from campaign import vin as vinlib
from campaign.eligibility import ScreenRange, VinState, matching_range, vin_state
from campaign.models import VinRange
from campaign.selectors import campaign_screen

# Two rows of ALE's dealer-letter table whose serials overlap: 2007 GS 350 BE96S runs to
# 0028367 and 2008 GS 350 BE96S starts at 0023566 (DOMAIN.md, "the model-year trap").
GS350_2007 = ScreenRange("JTH", "BE96S", 2007, "0007930", "0028367", "GS 350")
GS350_2008 = ScreenRange("JTH", "BE96S", 2008, "0023566", "0041906", "GS 350")
IS350_2006_A = ScreenRange("JTH", "BE262", 2006, "2000000", "2007084", "IS 350")
IS350_2006_B = ScreenRange("JTH", "BE262", 2006, "5000018", "5011869", "IS 350")
SCREEN = [GS350_2007, GS350_2008, IS350_2006_A, IS350_2006_B]


def covered(vin) -> bool:
    return matching_range(vin, SCREEN) is not None


def decoded(*, serial: int, year: int, vds: str = "BE96S", wmi: str = "JTH"):
    return vinlib.decode(vinlib.build(wmi=wmi, vds=vds, year=year, serial=f"{serial:07d}"))


# --- The model-year trap --------------------------------------------------------------


def test_serial_in_both_years_ranges_follows_the_model_year():
    # Serial 0025000 is inside both GS 350 BE96S ranges; position 10 decides which applies.
    assert "0007930" <= "0025000" <= "0028367" and "0023566" <= "0025000" <= "0041906"
    assert matching_range(decoded(serial=25000, year=2008), SCREEN) is GS350_2008
    assert matching_range(decoded(serial=25000, year=2007), SCREEN) is GS350_2007


def test_a_2009_vin_with_a_covered_serial_is_not_covered():
    vin = decoded(serial=25000, year=2009)
    assert matching_range(vin, SCREEN) is None
    assert vin_state(in_range=covered(vin), list_posted=True, entry_status=None) == VinState.NOT_COVERED


def test_serial_only_in_the_other_years_range_is_not_covered():
    # 0010000 is in the 2007 range only: a 2008 VIN with it is outside ALE.
    assert matching_range(decoded(serial=10000, year=2008), SCREEN) is None
    # 0035000 is in the 2008 range only.
    assert matching_range(decoded(serial=35000, year=2007), SCREEN) is None


def test_same_serial_other_vds_or_wmi_is_not_covered():
    assert matching_range(decoded(serial=25000, year=2008, vds="CE96S"), SCREEN) is None
    assert matching_range(decoded(serial=25000, year=2008, wmi="JT2"), SCREEN) is None


# --- Range edges ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("screen", "year", "vds"),
    [(GS350_2007, 2007, "BE96S"), (GS350_2008, 2008, "BE96S"), (IS350_2006_B, 2006, "BE262")],
)
def test_range_edges(screen, year, vds):
    first, last = int(screen.serial_from), int(screen.serial_to)
    assert screen.covers(decoded(serial=first, year=year, vds=vds))
    assert screen.covers(decoded(serial=last, year=year, vds=vds))
    assert not screen.covers(decoded(serial=first - 1, year=year, vds=vds))
    assert not screen.covers(decoded(serial=last + 1, year=year, vds=vds))


def test_gap_between_two_ranges_of_one_model_is_not_covered():
    # 2006 IS 350 prints two ranges: 2000000-2007084 and 5000018-5011869.
    assert matching_range(decoded(serial=2007084, year=2006, vds="BE262"), SCREEN) is IS350_2006_A
    assert matching_range(decoded(serial=3000000, year=2006, vds="BE262"), SCREEN) is None
    assert matching_range(decoded(serial=5000017, year=2006, vds="BE262"), SCREEN) is None
    assert matching_range(decoded(serial=5000018, year=2006, vds="BE262"), SCREEN) is IS350_2006_B


@pytest.mark.django_db
def test_every_printed_ale_range_covers_its_edges_and_nothing_beyond(ale):
    """All 18 serial ranges of the seed's table, as migration 0002 loaded them."""
    screen = campaign_screen(ale)
    ranges = list(VinRange.objects.filter(covered_model__campaign=ale).select_related("covered_model"))
    assert len(ranges) == 18
    for r in ranges:
        year, label = r.covered_model.model_year, r.covered_model.model_label
        low, high = int(r.serial_from), int(r.serial_to)
        for serial in (low, high):
            match = matching_range(decoded(serial=serial, year=year, vds=r.vds), screen)
            assert match is not None and match.model_label == label, (r, serial)
        for serial in (low - 1, high + 1):
            match = matching_range(decoded(serial=serial, year=year, vds=r.vds), screen)
            # Just outside one range may be inside a neighbouring range of the same model
            # year (IS 350's two ranges per year, 2008 GS 460 BC96S next to the GS 450h).
            neighbour = [
                o
                for o in ranges
                if o.vds == r.vds
                and o.covered_model.model_year == year
                and int(o.serial_from) <= serial <= int(o.serial_to)
            ]
            assert (match is None) == (not neighbour), (r, serial)


@pytest.mark.django_db
def test_the_gs_460_row_sharing_the_gs_450h_vds_is_told_apart_by_year(ale):
    screen = campaign_screen(ale)
    assert matching_range(decoded(serial=5012274, year=2008, vds="BC96S"), screen).model_label == "GS 460"
    assert matching_range(decoded(serial=5012266, year=2007, vds="BC96S"), screen).model_label == "GS 450h"
    # 5012267-5012273 lies between the two printed rows.
    assert matching_range(decoded(serial=5012270, year=2008, vds="BC96S"), screen) is None


# --- The five states --------------------------------------------------------------------


IN_RANGE = decoded(serial=7930, year=2007)
OUT_OF_RANGE = decoded(serial=7929, year=2007)


def test_on_the_list_and_open_is_affected():
    assert vin_state(in_range=covered(IN_RANGE), list_posted=True, entry_status="open") == VinState.AFFECTED


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("remedied", VinState.REMEDIED),
        ("not_needed", VinState.CLOSED),
        # Unreachable is about the owner, not the car: the remedy is still to do.
        ("unreachable", VinState.AFFECTED),
    ],
)
def test_on_the_list_only_the_remedy_or_an_inspection_closes_the_recall(status, expected):
    state = vin_state(in_range=covered(IN_RANGE), list_posted=True, entry_status=status)
    assert state == expected


def test_in_range_but_off_the_posted_list_is_not_affected():
    # "Not all vehicles in the VIN range are affected": the list is the truth.
    state = vin_state(in_range=covered(IN_RANGE), list_posted=True, entry_status=None)
    assert state == VinState.IN_RANGE_NOT_AFFECTED


def test_in_range_before_the_list_is_posted_is_pending():
    state = vin_state(in_range=covered(IN_RANGE), list_posted=False, entry_status=None)
    assert state == VinState.IN_RANGE_LIST_NOT_POSTED


@pytest.mark.parametrize("posted", [True, False])
def test_outside_every_range_is_not_covered(posted):
    state = vin_state(in_range=covered(OUT_OF_RANGE), list_posted=posted, entry_status=None)
    assert state == VinState.NOT_COVERED


def test_the_posted_list_wins_over_the_range_screen():
    # A VIN on the list is affected even if no printed range holds it (the list is the truth).
    state = vin_state(in_range=covered(OUT_OF_RANGE), list_posted=True, entry_status="open")
    assert state == VinState.AFFECTED
