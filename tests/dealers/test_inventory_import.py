"""CSV upload of pre-owned inventory: reject-and-report, valid rows in one transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from campaign import vin as vinlib
from campaign.errors import DomainError
from dealers.inventory import inventory_add
from dealers.inventory_import import inventory_import, inventory_rejects_open
from dealers.models import InventoryEvent, InventoryUnit
from tests.factories import AffectedVehicleFactory, VehicleFactory, ale_vin


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def clean(n: int) -> str:
    """A valid VIN of a model no campaign covers (RX 350, 2009)."""
    return vinlib.build(wmi="2T2", vds="HK31U", year=2009, serial=f"C{n:06d}")


def upload(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_line_and_reason_and_the_rest_lands(
    ale, dealer_a, preowned_manager_a
):
    affected = VehicleFactory(vin=ale_vin(21001))
    AffectedVehicleFactory(campaign=ale, vehicle=affected)
    inventory_add(
        dealer_id=dealer_a.pk, vin=clean(9), stock_number="OLD9", received_on=dt.date(2010, 5, 1), user=None
    )
    bad_check_digit = clean(5)[:8] + ("1" if clean(5)[8] != "1" else "2") + clean(5)[9:]
    text = "\n".join(
        [
            "VIN,Stock_Number,Received_On",  # header case and order do not matter
            f"{clean(1)},P1,2010-07-01",  # 2 ok
            f"{affected.vin},P2,7/2/2010",  # 3 ok, held (US date)
            f"{bad_check_digit},P3,2010-07-01",  # 4 invalid VIN
            f"{clean(1)},P4,2010-07-01",  # 5 duplicate VIN in file
            f"{clean(6)},P1,2010-07-01",  # 6 duplicate stock number in file
            f"{clean(9)},P7,2010-07-01",  # 7 already in stock
            f"{clean(8)},OLD9,2010-07-01",  # 8 stock number already used
            f"{clean(10)},P9,2010-13-01",  # 9 bad date
            f"{clean(11)},,2010-07-01",  # 10 missing stock number
            "",  # blank line: skipped
            f"{clean(12)},P12,",  # 12 empty date
            f"{clean(13)},P13,2999-01-01",  # 13 future date
        ]
    )

    result = inventory_import(dealer_id=dealer_a.pk, file=upload(text), user=preowned_manager_a)

    assert (result.read, result.added, result.held, result.rejected) == (11, 2, 1, 9)
    reasons = {r.line: r.reason for r in result.sample_rejects}
    assert reasons[4].startswith("invalid VIN: Position 9 should be")
    assert reasons[5] == "duplicate in file: VIN also on line 2"
    assert reasons[6] == "duplicate in file: stock number also on line 2"
    assert reasons[7] == "already in stock as stock number OLD9"
    assert reasons[8] == f"already in stock: stock number used by {clean(9)}"
    assert reasons[9].startswith("bad date: '2010-13-01'")
    assert reasons[10] == "missing stock number"
    assert reasons[12].startswith("bad date: received_on is empty")
    assert reasons[13] == "bad date: 2999-01-01 is in the future"
    assert [r.line for r in result.sample_rejects] == sorted(reasons)

    held = InventoryUnit.objects.get(vin=affected.vin)
    assert held.stop_sale and held.received_on == dt.date(2010, 7, 2)
    assert list(held.events.order_by("pk").values_list("kind", flat=True)) == ["added", "flagged"]
    assert InventoryEvent.objects.filter(kind="added", by=preowned_manager_a).count() == 2

    rows = list(
        csv.reader(
            io.TextIOWrapper(inventory_rejects_open(user=preowned_manager_a, token=result.rejects_token))
        )
    )
    assert rows[0] == ["line", "vin", "reason"]
    assert [r[0] for r in rows[1:]] == ["4", "5", "6", "7", "8", "9", "10", "12", "13"]
    assert rows[2] == ["5", clean(1), "duplicate in file: VIN also on line 2"]


@pytest.mark.django_db
def test_the_rejects_file_is_only_for_the_uploader(ale, dealer_a, preowned_manager_a, preowned_manager_b):
    result = inventory_import(
        dealer_id=dealer_a.pk,
        file=upload("vin,stock_number,received_on\nBAD,P1,2010-07-01\n"),
        user=preowned_manager_a,
    )
    assert default_storage.exists(f"inventory-rejects/{preowned_manager_a.pk}/{result.rejects_token}.csv")
    # A service never raises Http404: the page maps not_found to a 404 (DomainErrorMiddleware).
    with pytest.raises(DomainError) as other_user:
        inventory_rejects_open(user=preowned_manager_b, token=result.rejects_token)
    assert other_user.value.code == "not_found"
    with pytest.raises(DomainError) as traversal:
        inventory_rejects_open(user=preowned_manager_a, token="../../etc/passwd")
    assert traversal.value.code == "not_found"


@pytest.mark.django_db
def test_uploading_the_same_file_twice_adds_nothing_the_second_time(ale, dealer_a, preowned_manager_a):
    text = "vin,stock_number,received_on\n" + "".join(f"{clean(i)},P{i},2010-07-01\n" for i in range(1, 6))
    assert inventory_import(dealer_id=dealer_a.pk, file=upload(text), user=preowned_manager_a).added == 5
    again = inventory_import(dealer_id=dealer_a.pk, file=upload(text), user=preowned_manager_a)
    assert (again.added, again.rejected) == (0, 5)
    assert all(r.reason.startswith("already in stock") for r in again.sample_rejects)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"vin,stock_number\nX,Y\n", "has no 'received_on' column"),
        (
            b"v\x00in,stock_number,received_on\nX,P1,2010-07-01\n",
            "Line 1, the header: The row contains a NUL byte",
        ),
    ],
)
def test_an_unreadable_file_is_refused_whole(ale, dealer_a, preowned_manager_a, content, words):
    with pytest.raises(DomainError, match=words):
        inventory_import(dealer_id=dealer_a.pk, file=io.BytesIO(content), user=preowned_manager_a)
    assert not InventoryUnit.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("rows", "postgresql", "sqlite"), [(200, 7, 10), (2000, 18, 48)])
def test_a_large_file_is_added_in_bulk_with_a_flat_number_of_queries(
    ale, dealer_a, preowned_manager_a, django_assert_num_queries, rows, postgresql, sqlite
):
    text = "vin,stock_number,received_on\n" + "".join(
        f"{clean(i)},P{i},2010-07-01\n" for i in range(1, rows + 1)
    )
    # Savepoint and release (2); per 500 VINs the stock conflicts by VIN and by stock number (2);
    # per 1,000 units the open campaigns (1, split at 500 VINs) and two bulk inserts (units,
    # events): 2 + 2 + 1 + 2 = 7 for 200 rows, 2 + 8 + 4 + 4 = 18 for 2,000 on PostgreSQL.
    # SQLite splits each bulk insert at its bound-variable limit (~200 rows a statement).
    # Never one query per row.
    with django_assert_num_queries(postgresql if connection.vendor == "postgresql" else sqlite):
        result = inventory_import(dealer_id=dealer_a.pk, file=upload(text), user=preowned_manager_a)
    assert result.added == rows


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_row", "words"),
    [
        ("{vin},P\xe9,2010-07-01\n".encode("latin-1"), "not UTF-8"),
        # PostgreSQL refuses NUL in text: before, this row made the whole upload a 500.
        (b"{vin},P\x002,2010-07-01\n", "NUL byte"),
        (b"{vin},P2," + b"9" * 70_000 + b"\n", "longer than 65,536 characters"),
    ],
    ids=["latin-1", "nul", "over-long"],
)
def test_an_unreadable_row_is_a_reject_with_its_line_and_the_others_land(
    ale, dealer_a, preowned_manager_a, bad_row, words
):
    content = (
        f"vin,stock_number,received_on\n{clean(1)},P1,2010-07-01\n".encode()
        + bad_row.replace(b"{vin}", clean(2).encode())
        + f"{clean(3)},P3,2010-07-01\n".encode()
    )
    result = inventory_import(dealer_id=dealer_a.pk, file=io.BytesIO(content), user=preowned_manager_a)
    assert (result.read, result.added, result.rejected) == (3, 2, 1)
    (reject,) = result.sample_rejects
    assert (reject.line, words in reject.reason) == (3, True)
    assert set(InventoryUnit.objects.values_list("stock_number", flat=True)) == {"P1", "P3"}


@pytest.mark.django_db
def test_the_rejects_file_escapes_cells_a_spreadsheet_would_run(ale, dealer_a, preowned_manager_a):
    result = inventory_import(
        dealer_id=dealer_a.pk,
        file=upload('vin,stock_number,received_on\n"=HYPERLINK(""http://x.example"")",P1,2010-07-01\n'),
        user=preowned_manager_a,
    )
    rows = list(
        csv.reader(
            io.TextIOWrapper(inventory_rejects_open(user=preowned_manager_a, token=result.rejects_token))
        )
    )
    assert rows[1][:2] == ["2", '\'=HYPERLINK("http://x.example")']
