"""affected_vins_import: what lands on the list, what is rejected and why, and when the list says it changed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from campaign import vin_import_merge as vin_import_module
from campaign.csv_rows import REJECTS_HEADER
from campaign.errors import DomainError
from campaign.models import AffectedVehicle, Campaign, Vehicle
from campaign.signals import affected_list_changed
from campaign.vin_import_merge import affected_vins_import
from campaign.vin_import_rows import COLUMNS
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin

HEADER = ",".join(COLUMNS)
GS350_2007 = [ale_vin(7930 + i) for i in range(10)]  # in the 2007 GS 350 BE96S range
# The model-year trap: serial 0030000 is in the 2008 BE96S range (0023566-0041906), not the 2007 one.
TRAP_2007 = ale_vin(30000, year=2007)
IN_2008 = ale_vin(30000, year=2008)


def owner_row(vin: str, name: str = "Jane Doe", **fields: str) -> str:
    values = {
        "owner_name": name,
        "address1": "12 Oak St",
        "address2": "",
        "city": "Pasadena",
        "state": "CA",
        "postal_code": "91101",
        "phone": "626-555-0101",
        "email": "jane@example.com",
        **fields,
    }
    return ",".join([vin, *(values[c] for c in COLUMNS[1:])])


def run(campaign: Campaign, tmp_path: Path, text: str | bytes, name: str = "list.csv"):
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    with path.open("rb") as source:
        return affected_vins_import(
            campaign_id=campaign.pk, source=source, rejects_path=path.with_name(f"{path.stem}.rejects.csv")
        )


def read_rejects(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def signals_sent():
    sent: list[dict] = []

    def receiver(sender, **kwargs):
        sent.append(kwargs)

    affected_list_changed.connect(receiver, dispatch_uid="test-import-service")
    yield sent
    affected_list_changed.disconnect(dispatch_uid="test-import-service")


@pytest.mark.django_db
class TestFirstImport:
    def test_vins_with_owners_land_on_the_list(self, ale, tmp_path):
        text = "\n".join(
            [HEADER, owner_row(GS350_2007[0]), owner_row(GS350_2007[1], "John Roe"), owner_row(IN_2008)]
        )
        result = run(ale, tmp_path, text + "\n")

        assert (result.read, result.created, result.updated, result.unchanged, result.rejected) == (
            3,
            3,
            0,
            0,
            0,
        )
        assert result.rejects_path is None
        assert AffectedVehicle.objects.filter(campaign=ale, status="open").count() == 3
        vehicle = Vehicle.objects.get(vin=GS350_2007[1])
        assert (vehicle.model_label, vehicle.model_year, vehicle.owner_name) == ("GS 350", 2007, "John Roe")
        assert (vehicle.city, vehicle.state, vehicle.postal_code) == ("Pasadena", "CA", "91101")
        assert vehicle.owner_updated_at is not None
        assert Vehicle.objects.get(vin=IN_2008).model_year == 2008

    def test_posting_the_list_stamps_the_campaign(self, ale, tmp_path):
        assert ale.affected_list_posted_at is None
        before = ale.data_updated_at
        run(ale, tmp_path, f"vin\n{GS350_2007[0]}\n")
        ale.refresh_from_db()
        assert ale.affected_list_posted_at is not None
        assert ale.data_updated_at > before

    def test_vins_are_normalised(self, ale, tmp_path):
        messy = " " + GS350_2007[0].lower() + " "
        dashed = GS350_2007[1][:8] + "-" + GS350_2007[1][8:]
        result = run(ale, tmp_path, f"vin\n{messy}\n{dashed}\n")
        assert result.created == 2
        assert set(Vehicle.objects.values_list("vin", flat=True)) == set(GS350_2007[:2])

    def test_file_without_owner_columns_creates_vehicles_without_owner(self, ale, tmp_path):
        run(ale, tmp_path, f"vin\n{GS350_2007[0]}\n")
        vehicle = Vehicle.objects.get(vin=GS350_2007[0])
        assert (vehicle.owner_name, vehicle.address1, vehicle.email, vehicle.owner_updated_at) == (
            "",
            "",
            "",
            None,
        )

    def test_header_is_case_and_space_insensitive_and_may_have_a_bom(self, ale, tmp_path):
        result = run(ale, tmp_path, "\ufeff VIN , Email\r\n" + f"{GS350_2007[0]},a@example.com\r\n")
        assert result.created == 1
        assert Vehicle.objects.get(vin=GS350_2007[0]).email == "a@example.com"

    def test_a_vehicle_known_from_another_campaign_is_added_and_its_owner_refreshed(self, ale, tmp_path):
        VehicleFactory(vin=GS350_2007[0], owner_name="Old Owner")
        result = run(ale, tmp_path, "\n".join([HEADER, owner_row(GS350_2007[0], "New Owner")]))
        assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
        assert Vehicle.objects.get(vin=GS350_2007[0]).owner_name == "New Owner"


@pytest.mark.django_db
class TestReimport:
    def test_importing_the_same_file_again_changes_nothing(self, ale, tmp_path, signals_sent):
        text = "\n".join([HEADER, *(owner_row(v, f"Owner {i}") for i, v in enumerate(GS350_2007))]) + "\n"
        first = run(ale, tmp_path, text)
        assert first.created == 10
        ale.refresh_from_db()
        stamps = (ale.affected_list_posted_at, ale.data_updated_at)
        owner_stamps = dict(Vehicle.objects.values_list("vin", "owner_updated_at"))
        signals_sent.clear()

        again = run(ale, tmp_path, text)

        assert (again.read, again.created, again.updated, again.unchanged, again.rejected) == (
            10,
            0,
            0,
            10,
            0,
        )
        ale.refresh_from_db()
        assert (ale.affected_list_posted_at, ale.data_updated_at) == stamps
        assert dict(Vehicle.objects.values_list("vin", "owner_updated_at")) == owner_stamps
        assert AffectedVehicle.objects.filter(campaign=ale).count() == 10
        assert signals_sent == []

    def test_a_changed_owner_is_updated(self, ale, tmp_path):
        run(ale, tmp_path, "\n".join([HEADER, owner_row(GS350_2007[0]), owner_row(GS350_2007[1])]))
        before = Vehicle.objects.get(vin=GS350_2007[0]).owner_updated_at

        result = run(
            ale,
            tmp_path,
            "\n".join(
                [HEADER, owner_row(GS350_2007[0], address1="99 Elm Ave", email=""), owner_row(GS350_2007[1])]
            ),
        )

        assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
        vehicle = Vehicle.objects.get(vin=GS350_2007[0])
        # The file is authoritative for the row: a blank e-mail replaces the stored one.
        assert (vehicle.address1, vehicle.email) == ("99 Elm Ave", "")
        assert vehicle.owner_updated_at > before

    def test_a_row_with_all_owner_fields_blank_leaves_the_stored_owner(self, ale, tmp_path):
        run(ale, tmp_path, "\n".join([HEADER, owner_row(GS350_2007[0])]))
        result = run(ale, tmp_path, "\n".join([HEADER, GS350_2007[0] + ",,,,,,,,"]))
        assert (result.updated, result.unchanged) == (0, 1)
        vehicle = Vehicle.objects.get(vin=GS350_2007[0])
        assert (vehicle.owner_name, vehicle.address1, vehicle.email) == (
            "Jane Doe",
            "12 Oak St",
            "jane@example.com",
        )

    def test_only_the_owner_columns_in_the_file_are_touched(self, ale, tmp_path):
        run(ale, tmp_path, "\n".join([HEADER, owner_row(GS350_2007[0])]))
        result = run(ale, tmp_path, f"vin,phone\n{GS350_2007[0]},(310) 555-0199\n")
        assert result.updated == 1
        vehicle = Vehicle.objects.get(vin=GS350_2007[0])
        assert (vehicle.phone, vehicle.owner_name, vehicle.email) == (
            "(310) 555-0199",
            "Jane Doe",
            "jane@example.com",
        )

    def test_remedied_vins_keep_their_status(self, ale, tmp_path):
        vehicle = VehicleFactory(vin=GS350_2007[0], owner_name="Jane Doe")
        AffectedVehicleFactory(campaign=ale, vehicle=vehicle, status="remedied")
        result = run(ale, tmp_path, f"vin\n{GS350_2007[0]}\n{GS350_2007[1]}\n")
        assert (result.created, result.unchanged) == (1, 1)
        assert AffectedVehicle.objects.get(vehicle=vehicle).status == "remedied"


REJECTED_ROWS = [
    # (row as written, expected words in the reason)
    (
        GS350_2007[0][:8] + ("0" if GS350_2007[0][8] != "0" else "1") + GS350_2007[0][9:],
        "Position 9 should be",
    ),
    ("JTHBE96SO70007930", "never appears in a VIN"),
    ("JTHBE96S17000793", "A VIN has 17 characters; this one has 16"),
    ("", "The VIN is missing"),
    (ale_vin(50000), "serial 0050000 (VIN positions 11-17) is not in the 2007 BE96S range (0007930-0028367)"),
    (TRAP_2007, "position 10"),
    (ale_vin(7930, vds="XX99Z"), "covers no vehicle with WMI JTH and VDS XX99Z"),
    (ale_vin(1000, year=2009), "covers BE96S for model year 2007, 2008 only"),
]


@pytest.mark.django_db
class TestRejects:
    @pytest.mark.parametrize(("vin", "reason"), REJECTED_ROWS)
    def test_a_bad_vin_is_rejected_with_its_line_and_reason(self, ale, tmp_path, vin, reason):
        result = run(ale, tmp_path, f"vin,owner_name\n{GS350_2007[5]},A\n{vin},B\n")
        assert (result.read, result.created, result.rejected) == (2, 1, 1)
        (reject,) = result.sample_rejects
        assert reject.line == 3
        assert reason in reject.reason
        assert not Vehicle.objects.filter(owner_name="B").exists()

    @pytest.mark.parametrize(
        ("fields", "reason"),
        [
            ({"state": "XX"}, "state is not a US state"),
            ({"postal_code": "9110"}, "postal_code is not a US ZIP code"),
            ({"email": "jane@"}, "email is not an e-mail address"),
            ({"phone": "555-0101"}, "phone is not a US phone number"),
            ({"owner_name": "x" * 121}, "owner_name is 121 characters long; at most 120"),
            ({"city": "y" * 81}, "city is 81 characters long; at most 80"),
        ],
    )
    def test_a_malformed_owner_field_is_rejected(self, ale, tmp_path, fields, reason):
        result = run(
            ale, tmp_path, "\n".join([HEADER, owner_row(GS350_2007[0], **fields), owner_row(GS350_2007[1])])
        )
        assert (result.created, result.rejected) == (1, 1)
        assert result.sample_rejects[0].line == 2
        assert reason in result.sample_rejects[0].reason
        # The reason names the field, never its value: rejects outlive the owners' data.
        for value in fields.values():
            assert value not in result.sample_rejects[0].reason
        assert not Vehicle.objects.filter(vin=GS350_2007[0]).exists()

    def test_unusual_but_valid_owner_fields_pass(self, ale, tmp_path):
        row = owner_row(
            GS350_2007[0],
            state="ca",
            postal_code="91101-1234",
            phone="+1 (626) 555-0101 x1",
            email="o'brien+recall@mail.example.co.uk",
        )
        result = run(ale, tmp_path, "\n".join([HEADER, row]))
        assert result.rejected == 0
        assert Vehicle.objects.get(vin=GS350_2007[0]).state == "CA"

    def test_wrong_column_count_is_rejected(self, ale, tmp_path):
        result = run(
            ale, tmp_path, f"vin,owner_name,email\n{GS350_2007[0]},A\n{GS350_2007[1]},B,b@example.com,extra\n"
        )
        assert [r.line for r in result.sample_rejects] == [2, 3]
        assert "has 2 values but the header has 3 columns" in result.sample_rejects[0].reason
        assert "has 4 values" in result.sample_rejects[1].reason
        rejects = read_rejects(result.rejects_path)
        assert [r["line"] for r in rejects] == ["2", "3"]
        assert rejects[1]["vin"] == GS350_2007[1]
        assert "Extra values" not in rejects[1]["reason"] and "b@example.com" not in str(rejects)

    def test_a_row_that_is_not_utf8_is_rejected(self, ale, tmp_path):
        text = f"vin,owner_name\n{GS350_2007[0]},Jos\xe9\n{GS350_2007[1]},Ok\n".encode("latin-1")
        result = run(ale, tmp_path, text)
        assert result.created == 1
        assert result.sample_rejects[0].line == 2
        assert "not UTF-8" in result.sample_rejects[0].reason

    def test_duplicates_are_rejected_with_the_first_line(self, ale, tmp_path):
        text = f"vin\n{GS350_2007[0]}\n{GS350_2007[1]}\n{GS350_2007[0].lower()}\n{GS350_2007[0]}\n"
        result = run(ale, tmp_path, text)
        assert (result.read, result.created, result.rejected) == (4, 2, 2)
        assert [(r.line, r.reason) for r in result.sample_rejects] == [
            (4, "Duplicate: this VIN is already on line 2 of the file."),
            (5, "Duplicate: this VIN is already on line 2 of the file."),
        ]

    def test_rejects_csv_has_line_vin_and_reason_in_line_order_and_no_owner_data(
        self, ale, tmp_path, monkeypatch
    ):
        # Small chunks: duplicates found at the end interleave with rejects written while reading.
        monkeypatch.setattr(vin_import_module, "CHUNK_ROWS", 2)
        rows = [
            owner_row(GS350_2007[0]),  # 2 ok
            owner_row("JTHBE96SO70007930"),  # 3 bad VIN
            owner_row(GS350_2007[1], state="ZZ"),  # 4 bad state
            owner_row(GS350_2007[0].lower(), "Twin"),  # 5 duplicate of line 2, written lower-case
            owner_row(GS350_2007[2]),  # 6 ok
            owner_row(TRAP_2007),  # 7 outside (model-year trap)
        ]
        result = run(ale, tmp_path, "\n".join([HEADER, *rows]) + "\n")

        assert (result.read, result.created, result.rejected) == (6, 2, 4)
        assert result.rejects_path == tmp_path / "list.rejects.csv"
        with result.rejects_path.open(newline="", encoding="utf-8") as f:
            lines = list(csv.reader(f))
        assert lines[0] == list(REJECTS_HEADER) == ["line", "vin", "reason"]
        assert {len(line) for line in lines} == {3}
        rejects = read_rejects(result.rejects_path)
        assert [r["line"] for r in rejects] == ["3", "4", "5", "7"]
        assert rejects[2]["vin"] == GS350_2007[0].lower()  # as written, not normalised
        assert rejects[2]["reason"] == "Duplicate: this VIN is already on line 2 of the file."
        assert rejects[1]["reason"].startswith("Malformed owner data: state is not")
        written = result.rejects_path.read_text(encoding="utf-8")
        for owner_value in ("Twin", "Jane Doe", "12 Oak St", "ZZ", "626-555-0101", "jane@example.com"):
            assert owner_value not in written
        assert [r.line for r in result.sample_rejects] == [3, 4, 5, 7]

    def test_line_numbers_count_physical_lines(self, ale, tmp_path):
        text = f'vin,address1\n{GS350_2007[0]},"12 Oak St\nBack House"\nBAD\n\n{GS350_2007[1]},x\nALSOBAD,\n'
        result = run(ale, tmp_path, text)
        assert [(r.line, r.vin) for r in result.sample_rejects] == [
            (2, GS350_2007[0]),
            (4, "BAD"),
            (7, "ALSOBAD"),
        ]
        assert "line break" in result.sample_rejects[0].reason

    def test_a_stale_rejects_file_is_removed_when_nothing_is_rejected(self, ale, tmp_path):
        (tmp_path / "list.rejects.csv").write_text("old")
        result = run(ale, tmp_path, f"vin\n{GS350_2007[0]}\n")
        assert result.rejects_path is None
        assert not (tmp_path / "list.rejects.csv").exists()


@pytest.mark.django_db
class TestFileErrors:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "The file is empty"),
            ("owner_name,email\nA,a@example.com\n", "no 'vin' column"),
            ("vin,colour\nX,red\n", "Unknown column in the header: 'colour'"),
            ("vin,email,Email\n", "names 'email' more than once"),
            ("vin,,email\n", "no name for column 2"),
        ],
    )
    def test_a_file_that_cannot_be_imported_writes_nothing(self, ale, tmp_path, text, message):
        with pytest.raises(DomainError, match=message):
            run(ale, tmp_path, text)
        assert not Vehicle.objects.exists()
        assert not (tmp_path / "list.rejects.csv").exists()

    def test_an_unreadable_header_imports_nothing(self, ale, tmp_path):
        with pytest.raises(DomainError, match=r"Line 1, the header: The row contains a NUL byte"):
            run(ale, tmp_path, b"v\x00i\x00n\x00\n" + GS350_2007[0].encode() + b"\n")
        assert not Vehicle.objects.exists()
        assert not (tmp_path / "list.rejects.csv").exists()

    def test_a_database_failure_in_the_merge_leaves_nothing_half_written(self, ale, tmp_path, monkeypatch):
        from campaign import bulk_write

        entries = f"INSERT INTO {bulk_write.Table(AffectedVehicle).name}"
        real_execute = vin_import_module.execute

        def failing(sql, params=(), **kwargs):
            if sql.startswith(entries):
                raise RuntimeError("disk full")
            return real_execute(sql, params, **kwargs)

        monkeypatch.setattr(vin_import_module, "execute", failing)
        with pytest.raises(RuntimeError):
            run(ale, tmp_path, "\n".join([HEADER, owner_row(GS350_2007[0]), owner_row("BAD")]))
        assert not Vehicle.objects.exists()
        assert not (tmp_path / "list.rejects.csv").exists()

    def test_an_unknown_campaign_is_refused(self, db, tmp_path):
        path = tmp_path / "x.csv"
        path.write_text("vin\n")
        with path.open("rb") as source, pytest.raises(DomainError, match="does not exist"):
            affected_vins_import(campaign_id=987654, source=source, rejects_path=tmp_path / "x.rejects.csv")


@pytest.mark.django_db
class TestListChangedSignal:
    def test_sent_once_after_commit_with_the_campaign(
        self, ale, tmp_path, signals_sent, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            run(ale, tmp_path, "vin\n" + "\n".join(GS350_2007) + "\n")
        # Nothing is sent while the import's transaction could still roll back…
        assert signals_sent == []
        for callback in callbacks:
            callback()
        # …then exactly once, whatever the number of chunks.
        assert signals_sent == [{"signal": affected_list_changed, "campaign_id": ale.pk}]

    def test_not_sent_when_the_list_did_not_grow(
        self, ale, tmp_path, signals_sent, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            run(ale, tmp_path, "\n".join([HEADER, owner_row(GS350_2007[0])]))
        signals_sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            run(ale, tmp_path, "\n".join([HEADER, owner_row(GS350_2007[0], "Changed Owner")]))
        assert signals_sent == []

    def test_not_sent_when_the_import_fails(
        self, ale, tmp_path, signals_sent, django_capture_on_commit_callbacks, monkeypatch
    ):
        from django.db import IntegrityError

        from campaign import bulk_write

        entries = f"INSERT INTO {bulk_write.Table(AffectedVehicle).name}"
        real_execute = vin_import_module.execute

        def racing(sql, params=(), **kwargs):
            if sql.startswith(entries):
                raise IntegrityError("another import added the same vehicle")
            return real_execute(sql, params, **kwargs)

        monkeypatch.setattr(vin_import_module, "execute", racing)
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(DomainError, match="Another import"),
        ):
            run(ale, tmp_path, f"vin\n{GS350_2007[0]}\n")
        assert signals_sent == []


@pytest.mark.django_db
class TestUnreadableRows:
    """A row the file cannot give is one reject with its line; the rows around it are imported."""

    @pytest.mark.parametrize(
        ("bad_line", "reason"),
        [
            (b"JTHBE96S\x00770007931,Nul\n", "NUL byte"),
            ("JTHBE96S770007931,Jos\xe9\n".encode("latin-1"), "not UTF-8"),
            (b"JTHBE96S770007931," + b"x" * 70_000 + b"\n", "longer than 65,536 characters"),
            # An opening quote never closed: the csv module swallows lines until its field limit.
            (
                b'JTHBE96S770007931,"' + b"y" * 1_000 + b"\n" + (b"z" * 60_000 + b"\n") * 3,
                "cannot be read as CSV",
            ),
        ],
        ids=["nul", "latin-1", "over-long", "unclosed-quote"],
    )
    def test_is_a_reject_and_the_other_rows_land(self, ale, tmp_path, monkeypatch, bad_line, reason):
        monkeypatch.setattr(vin_import_module, "CHUNK_ROWS", 2)
        text = (
            f"vin,owner_name\n{GS350_2007[0]},A\n{GS350_2007[2]},B\n".encode()
            + bad_line
            + f"{GS350_2007[3]},C\n{GS350_2007[4]},D\n".encode()
        )
        result = run(ale, tmp_path, text)
        assert result.created >= 3 and result.rejected >= 1
        first = result.sample_rejects[0]
        assert first.line == 4
        assert reason in first.reason
        assert {GS350_2007[0], GS350_2007[2], GS350_2007[4]} <= set(
            Vehicle.objects.values_list("vin", flat=True)
        )
        assert read_rejects(result.rejects_path)[0]["line"] == "4"


@pytest.mark.django_db
def test_a_row_whose_position_10_is_no_model_year_is_a_reject(ale, tmp_path):
    """U, Z and 0 never stand in position 10 (49 CFR 565.15), whatever the check digit says."""
    from campaign import vin as vinlib

    body = "JTHBE96S" + "0" + "0" + "0007930"  # a GS 350 serial with 0 for its model year
    vin = body[:8] + vinlib.check_digit(body) + body[9:]
    assert vin[9] == "0" and vin[8] == vinlib.check_digit(vin)
    result = affected_vins_import(
        campaign_id=ale.pk, source=io.BytesIO(f"vin\n{vin}\n".encode()), rejects_path=tmp_path / "r.csv"
    )
    assert (result.read, result.created, result.rejected) == (1, 0, 1)
    assert "Position 10" in result.sample_rejects[0].reason
