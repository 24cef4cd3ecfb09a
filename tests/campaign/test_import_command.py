"""``manage.py import_affected_vins``: summary, rejects file next to the list, exit status."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from campaign.models import AffectedVehicle
from tests.factories import ale_vin

GOOD = [ale_vin(7930 + i) for i in range(3)]


def call(*args: str) -> str:
    out = StringIO()
    call_command("import_affected_vins", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_clean_list_prints_the_summary_and_exits_0(ale, tmp_path):
    path = tmp_path / "ale.csv"
    path.write_text("vin,owner_name\n" + "\n".join(f"{v},Owner {i}" for i, v in enumerate(GOOD)) + "\n")

    output = call("ALE", str(path))

    assert "read 3" in output and "created 3" in output and "rejected 0" in output
    assert "Every row was imported." in output
    assert not (tmp_path / "ale.rejects.csv").exists()
    assert AffectedVehicle.objects.filter(campaign=ale).count() == 3
    # Again: all unchanged, still a clean exit.
    assert "unchanged 3" in call("ale", str(path))


@pytest.mark.django_db
def test_rejected_rows_are_listed_written_next_to_the_file_and_exit_2(ale, tmp_path):
    path = tmp_path / "ale.csv"
    path.write_text(f"vin,owner_name\n{GOOD[0]},A\nJTHBE96S17000793,B\n{GOOD[1]},C\n{GOOD[0]},D\n")
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_affected_vins", "ALE", str(path), stdout=out)

    assert raised.value.returncode == 2
    assert "2 row(s) rejected; the other 2 were imported" in str(raised.value)
    output = out.getvalue()
    rejects_path = tmp_path / "ale.rejects.csv"
    assert str(rejects_path) in output
    assert "line 3: JTHBE96S17000793: Invalid VIN: A VIN has 17 characters; this one has 16." in output
    assert "line 5:" in output and "already on line 2" in output
    with rejects_path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["line"], r["vin"]) for r in rows] == [("3", "JTHBE96S17000793"), ("5", GOOD[0])]
    assert set(rows[0]) == {"line", "vin", "reason"}  # no owner columns
    # The valid rows were imported all the same.
    assert AffectedVehicle.objects.filter(campaign=ale).count() == 2


@pytest.mark.django_db
def test_only_the_first_rejects_are_printed(ale, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("vin\n" + "\n".join(f"BAD{i}" for i in range(15)) + "\n")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_affected_vins", "ALE", str(path), stdout=out)
    assert out.getvalue().count("  line ") == 10
    assert "… and 5 more in the rejects file." in out.getvalue()


@pytest.mark.django_db
def test_an_unknown_campaign_is_a_clear_error(ale, tmp_path):
    path = tmp_path / "ale.csv"
    path.write_text(f"vin\n{GOOD[0]}\n")
    with pytest.raises(CommandError, match=r"No campaign with code 'XYZ' \(known campaigns: ALE\)") as raised:
        call("XYZ", str(path))
    assert raised.value.returncode == 1


@pytest.mark.django_db
def test_an_unreadable_file_is_a_clear_error(ale, tmp_path):
    with pytest.raises(
        CommandError, match=r"Cannot read .*missing\.csv: No such file or directory"
    ) as raised:
        call("ALE", str(tmp_path / "missing.csv"))
    assert raised.value.returncode == 1


@pytest.mark.django_db
def test_a_file_without_a_vin_column_imports_nothing(ale, tmp_path):
    path = tmp_path / "owners.csv"
    path.write_text("owner_name,email\nA,a@example.com\n")
    with pytest.raises(CommandError, match=r"no 'vin' column.*Nothing was imported") as raised:
        call("ALE", str(path))
    assert raised.value.returncode == 1
    assert not AffectedVehicle.objects.exists()
