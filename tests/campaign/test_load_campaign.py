"""``manage.py load_campaign FILE``: load or update a campaign from its YAML; all or nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from campaign.models import Campaign, CoveredModel, VinRange
from tests.conftest import ALE_FILE

ALE_TEXT = ALE_FILE.read_text(encoding="utf-8")


def call(path) -> str:
    out = StringIO()
    call_command("load_campaign", str(path), stdout=out)
    return out.getvalue()


def write(tmp_path, text: str, name: str = "campaign.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> tuple:
    return (
        list(Campaign.objects.order_by("code").values_list("code", "title", "phase", "reported_cases")),
        list(
            CoveredModel.objects.order_by("campaign__code", "position").values_list(
                "model_label", "model_year", "uio"
            )
        ),
        list(VinRange.objects.order_by("pk").values_list("vds", "serial_from", "serial_to")),
    )


@pytest.mark.django_db
def test_loads_a_new_campaign(ale, tmp_path):
    text = ALE_TEXT.replace("code: ALE", "code: ALF").replace(
        'title: "Safety Recall ALE', 'title: "Safety Recall ALF'
    )
    output = call(write(tmp_path, text))
    assert (
        "Loaded ALF: Safety Recall ALF – Valve Spring (13 covered models, 18 VIN ranges, UIO 138,869)."
        in output
    )
    alf = Campaign.objects.get(code="ALF")
    assert alf.covered_models.count() == 13
    assert VinRange.objects.filter(covered_model__campaign=alf).count() == 18
    assert alf.phase_changes.count() == 1


@pytest.mark.django_db
def test_updates_an_existing_campaign_but_not_its_phase(ale, tmp_path):
    text = ALE_TEXT.replace("reported_cases: 160", "reported_cases: 175").replace(
        "phase: preliminary", "phase: owner_notification"
    )
    output = call(write(tmp_path, text))
    assert output.startswith("Updated ALE")
    ale.refresh_from_db()
    assert ale.reported_cases == 175
    # The phase only moves through campaign_phase_advance, where the move is recorded.
    assert ale.phase == "preliminary"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('vds: BE96S, serial: "0007930-0028367"', 'vds: BE96, serial: "0007930-0028367"'),
            r"line 49, vin_table\[0\]\.ranges\[0\]\.vds: 'BE96' is not a 5-character VDS",
        ),
        (
            ("dir_filed: 2010-07-06", "dir_filed: July 6"),
            r"line 11, dates\.dir_filed: should be a date written YYYY-MM-DD",
        ),
        (("uio: 3398", "uio: lots"), r"vin_table\[2\]\.uio: should be a whole number"),
        (('title: "Safety Recall ALE – Valve Spring"\n', ""), r"title: is required"),
        (("code: ALE", "code: [ALE"), r"line \d+, file: not valid YAML"),
    ],
    ids=["bad-vds", "bad-date", "bad-uio", "missing-title", "not-yaml"],
)
def test_a_bad_file_names_the_field_and_line_and_loads_nothing(ale, tmp_path, change, message):
    before = snapshot()
    old, new = change
    assert old in ALE_TEXT
    with pytest.raises(CommandError, match=message) as raised:
        call(write(tmp_path, ALE_TEXT.replace(old, new, 1)))
    assert "Nothing was loaded" in str(raised.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*nope\.yaml: No such file or directory"):
        call(tmp_path / "nope.yaml")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("code", ["ALE", "ALF"], ids=["update", "new"])
def test_a_failure_midway_leaves_the_database_unchanged(ale, tmp_path, monkeypatch, code):
    """The database refuses the 4th covered model's ranges: the first three must not stay behind."""
    text = ALE_TEXT.replace("code: ALE", f"code: {code}").replace(
        "reported_cases: 160", "reported_cases: 999"
    )
    before = snapshot()
    real_bulk_create = VinRange.objects.bulk_create.__func__
    calls = {"n": 0}

    def bulk_create(self, objs, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise DatabaseError("simulated failure")
        return real_bulk_create(self, objs, *args, **kwargs)

    monkeypatch.setattr(type(VinRange.objects), "bulk_create", bulk_create)
    with pytest.raises(
        CommandError, match=r"the database refused the campaign .*simulated failure.*Nothing was loaded"
    ):
        call(write(tmp_path, text))
    assert calls["n"] == 4
    assert snapshot() == before
