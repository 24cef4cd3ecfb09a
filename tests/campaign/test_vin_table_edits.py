"""An edit to a campaign's VIN table reaches every process's next look-up and next import.

Issue #6: the VIN table used to be cached per process, keyed on ``Campaign.updated_at``,
which an edit of a range or a covered model does not move; every process went on
screening with the old ranges until it restarted. Each test warms the look-up first
(as a running gunicorn worker would be), edits the table, then asks again twice: in the
same "process" (module caches kept) and in a fresh one (module caches cleared).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from campaign import selectors
from campaign.eligibility import VinState, matching_range
from campaign.models import Campaign, CoveredModel, VinRange
from campaign.selectors import campaign_screen, vin_lookup
from campaign.vin import decode
from campaign.vin_import_merge import affected_vins_import
from campaign.vin_import_rows import COLUMNS
from tests.factories import ale_vin

pytestmark = pytest.mark.django_db

# ALE's 2007 GS 350 BE96S range is 0007930-0028367.
EDGE = ale_vin(7935)
BEFORE_EDGE = ale_vin(7905)


def gs350_2007(campaign: Campaign) -> VinRange:
    return VinRange.objects.get(
        covered_model__campaign=campaign, covered_model__model_year=2007, vds="BE96S", serial_from="0007930"
    )


def states(vin: str) -> dict[str, list[VinState]]:
    """The verdict in a process that has been serving look-ups, then in one just started."""
    warm = [s.state for s in vin_lookup(vin=vin).statuses]
    selectors._campaigns.clear()
    fresh = [s.state for s in vin_lookup(vin=vin).statuses]
    return {"warm": warm, "fresh": fresh}


def everywhere(*state: VinState) -> dict[str, list[VinState]]:
    return {"warm": list(state), "fresh": list(state)}


def import_rows(campaign: Campaign, tmp_path: Path, *vins: str):
    path = tmp_path / "list.csv"
    path.write_text("\n".join([",".join(COLUMNS), *(v + "," * (len(COLUMNS) - 1) for v in vins)]) + "\n")
    with path.open("rb") as source:
        return affected_vins_import(
            campaign_id=campaign.pk, source=source, rejects_path=tmp_path / "list.rejects.csv"
        )


def admin_edit_range(client, vin_range: VinRange, **changes: str) -> None:
    data = {
        "covered_model": vin_range.covered_model_id,
        "position": vin_range.position,
        "wmi": vin_range.wmi,
        "vds": vin_range.vds,
        "serial_from": vin_range.serial_from,
        "serial_to": vin_range.serial_to,
        **changes,
    }
    response = client.post(reverse("admin:campaign_vinrange_change", args=[vin_range.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_range_narrowed_in_the_admin_reaches_the_next_look_up_and_import(ale, admin_client, tmp_path):
    assert states(EDGE) == everywhere(VinState.IN_RANGE_LIST_NOT_POSTED)
    campaign_screen(ale)  # as an earlier import would have read it

    admin_edit_range(admin_client, gs350_2007(ale), serial_from="0007940")

    assert states(EDGE) == everywhere()  # no campaign covers it any more
    result = import_rows(ale, tmp_path, EDGE, ale_vin(7945))
    assert (result.created, result.rejected) == (1, 1)
    assert "Outside every ALE range" in (tmp_path / "list.rejects.csv").read_text()


def test_a_range_widened_in_the_admin_reaches_the_next_look_up_and_import(ale, admin_client, tmp_path):
    assert states(BEFORE_EDGE) == everywhere()
    admin_edit_range(admin_client, gs350_2007(ale), serial_from="0007900")
    assert states(BEFORE_EDGE) == everywhere(VinState.IN_RANGE_LIST_NOT_POSTED)
    result = import_rows(ale, tmp_path, BEFORE_EDGE)
    assert (result.created, result.rejected) == (1, 0)
    assert states(BEFORE_EDGE) == everywhere(VinState.AFFECTED)


def test_a_range_deleted_in_the_admin_reaches_the_next_look_up(ale, admin_client):
    assert states(EDGE) == everywhere(VinState.IN_RANGE_LIST_NOT_POSTED)
    doomed = gs350_2007(ale)
    response = admin_client.post(reverse("admin:campaign_vinrange_delete", args=[doomed.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not VinRange.objects.filter(pk=doomed.pk).exists()
    assert states(EDGE) == everywhere()


def test_a_range_added_in_the_admin_reaches_the_next_look_up(ale, admin_client):
    vin = ale_vin(1000, year=2009)  # ALE covers no 2009 GS 350
    assert states(vin) == everywhere()
    covered = CoveredModel.objects.create(
        campaign=ale, position=99, model_label="GS 350", model_year=2009, uio=1
    )
    response = admin_client.post(
        reverse("admin:campaign_vinrange_add"),
        {
            "covered_model": covered.pk,
            "position": 1,
            "wmi": "JTH",
            "vds": "BE96S",
            "serial_from": "0000001",
            "serial_to": "0002000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert states(vin) == everywhere(VinState.IN_RANGE_LIST_NOT_POSTED)
    assert vin_lookup(vin=vin).model_label == "GS 350"


def test_a_covered_models_year_changed_by_a_queryset_update_reaches_the_next_look_up(ale, tmp_path):
    # update() sends no signal and saves no campaign: nothing but the database knows.
    assert states(EDGE) == everywhere(VinState.IN_RANGE_LIST_NOT_POSTED)
    CoveredModel.objects.filter(pk=gs350_2007(ale).covered_model_id).update(model_year=2009)
    assert states(EDGE) == everywhere()
    assert states(ale_vin(7935, year=2009)) == everywhere(VinState.IN_RANGE_LIST_NOT_POSTED)
    result = import_rows(ale, tmp_path, EDGE, ale_vin(7935, year=2009))
    assert (result.created, result.rejected) == (1, 1)


def test_the_look_ups_range_match_agrees_with_matching_range_on_every_edge(ale):
    """The look-up's statement asks the database what ScreenRange.covers asks in Python."""
    screen = campaign_screen(ale)
    checked = 0
    for r in VinRange.objects.filter(covered_model__campaign=ale).select_related("covered_model"):
        low, high = int(r.serial_from), int(r.serial_to)
        for year in (
            r.covered_model.model_year - 1,
            r.covered_model.model_year,
            r.covered_model.model_year + 1,
        ):
            for serial in (low - 1, low, high, high + 1):
                vin = ale_vin(serial, vds=r.vds, year=year)
                match = matching_range(decode(vin), screen)
                lookup = vin_lookup(vin=vin)
                assert lookup.model_label == (match.model_label if match else None), (vin, r)
                assert bool(lookup.statuses) == (match is not None), (vin, r)
                checked += 1
    assert checked == 18 * 3 * 4
