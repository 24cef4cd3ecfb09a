"""ALE's whole list, 138,869 VINs with owners, through the import on the real backend (CI: PostgreSQL)."""

from __future__ import annotations

import pytest

from campaign.models import AffectedVehicle, Vehicle
from campaign.vin_import_merge import affected_vins_import
from demo.fleet import demo_fleet_write_csv

ALE_UIO = 138_869


@pytest.mark.django_db
def test_the_full_ale_list_imports_whole_and_reimports_unchanged(ale, tmp_path):
    path = tmp_path / "ale-affected.csv"
    assert demo_fleet_write_csv(campaign=ale, vehicles=ALE_UIO, path=path, seed=2010) == ALE_UIO

    with path.open("rb") as source:
        first = affected_vins_import(campaign_id=ale.pk, source=source, rejects_path=tmp_path / "r.csv")
    assert (first.read, first.created, first.updated, first.unchanged, first.rejected) == (
        ALE_UIO,
        ALE_UIO,
        0,
        0,
        0,
    )
    assert AffectedVehicle.objects.filter(campaign=ale, status="open").count() == ALE_UIO
    assert Vehicle.objects.exclude(owner_name="").count() == ALE_UIO
    per_model = {
        (m.model_label, m.model_year): m.uio for m in ale.covered_models.all() if m.model_label != "GS 460"
    }
    for (label, year), uio in per_model.items():
        assert Vehicle.objects.filter(model_label=label, model_year=year).count() == uio

    with path.open("rb") as source:
        again = affected_vins_import(campaign_id=ale.pk, source=source, rejects_path=tmp_path / "r.csv")
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, ALE_UIO, 0)
