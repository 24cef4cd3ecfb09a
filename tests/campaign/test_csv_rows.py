"""The shared CSV mechanism: reading rows of an upload, rejecting what cannot be read, the rejects file."""

from __future__ import annotations

import csv
import io

import pytest

from campaign.csv_rows import CsvRows, Reject, RejectsWriter, csv_header_index, rejects_read
from campaign.csv_safe import csv_cell_escape
from campaign.errors import DomainError


def read(data: bytes, **kwargs) -> tuple[list[str] | None, list[tuple[int, list[str], str | None]]]:
    with CsvRows(io.BytesIO(data), **kwargs) as rows:
        return rows.header(), list(rows)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_is_made_text(start):
    assert csv_cell_escape(f"{start}1+2") == f"'{start}1+2"


@pytest.mark.parametrize("value", ["JTHBE96S770007930", "a=b", "", 42, None, " =x"])
def test_other_cells_are_left_alone(value):
    assert csv_cell_escape(value) == value


def test_rows_come_with_their_physical_line_and_blank_lines_are_skipped():
    header, rows = read(b'\xef\xbb\xbfvin,note\r\nA,1\r\n\r\n , \r\nB,"two\r\nlines"\r\nC,3')
    assert header == ["vin", "note"]
    assert rows == [(2, ["A", "1"], None), (5, ["B", "two\r\nlines"], None), (7, ["C", "3"], None)]


def test_each_unreadable_line_is_one_problem_and_reading_goes_on():
    data = b"".join(
        [
            b"vin,note\n",
            b"A,ok\n",  # 2
            b"B,n\x00ul\n",  # 3
            b"C,caf\xe9\n",  # 4: Latin-1
            b"D," + b"x" * 100 + b"\n",  # 5: longer than the limit below
            b"E,ok\n",  # 6
            b'F,"never closed\n' + b"y" * 40 + b"\n",  # 7-8: the csv module's field limit is hit
            b"G,ok\n",  # 9
        ]
    )
    previous = csv.field_size_limit(50)
    try:
        _, rows = read(data, max_line_chars=64)
    finally:
        csv.field_size_limit(previous)
    problems = {line: problem for line, _, problem in rows if problem}
    assert "NUL byte" in problems[3]
    assert "not UTF-8" in problems[4]
    assert problems[5] == "The line is longer than 64 characters."
    assert "cannot be read as CSV" in problems[7]
    good = [(line, values[0]) for line, values, problem in rows if not problem]
    assert (2, "A") in good and (6, "E") in good and (9, "G") in good
    # What could be read of a bad row is given, for its VIN.
    assert [values for line, values, _ in rows if line == 3] == [["B", "nul"]]


def test_an_unreadable_header_is_a_domain_error():
    with pytest.raises(DomainError, match="Line 1, the header: The row is not UTF-8"):
        read(b"vin,caf\xe9\nA,1\n")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["", ""], "The first line should be a header"),
        (["vin", ""], "no name for column 2"),
        (["vin", "colour"], "Unknown column in the header: 'colour'"),
        (["vin", "VIN "], "names 'vin' more than once"),
        (["note"], "The header has no 'vin' column"),
    ],
)
def test_a_bad_header_says_what_is_wrong(header, message):
    with pytest.raises(DomainError, match=message):
        csv_header_index(header, required=("vin",), optional=("note",))


def test_a_header_may_carry_other_columns_when_allowed():
    assert csv_header_index(["Note", "x", "", " VIN"], required=("vin",), others_allowed=True) == {"vin": 3}


def test_the_rejects_file_is_line_vin_reason_in_line_order_with_cells_escaped(tmp_path):
    writer = RejectsWriter(tmp_path / "r.csv")
    writer.write(Reject(2, "=HYPERLINK(1)", "Invalid VIN"))
    writer.write(Reject(7, "B", "-bad"))
    assert writer.merge(iter([Reject(3, "C", "Duplicate"), Reject(9, "D", "Duplicate")])) == 2
    writer.close()
    with (tmp_path / "r.csv").open(newline="") as f:
        assert list(csv.reader(f)) == [
            ["line", "vin", "reason"],
            ["2", "'=HYPERLINK(1)", "Invalid VIN"],
            ["3", "C", "Duplicate"],
            ["7", "B", "'-bad"],
            ["9", "D", "Duplicate"],
        ]


def test_a_clean_import_writes_no_rejects_file(tmp_path):
    writer = RejectsWriter(tmp_path / "r.csv")
    assert writer.merge(iter([])) == 0
    writer.close()
    assert not writer.written and not (tmp_path / "r.csv").exists()


def test_the_preview_reads_line_vin_reason_also_from_an_older_whole_row_file():
    older = b"vin,owner_name,line,reason\nBAD,Jane Doe,3,Invalid VIN\n"
    assert rejects_read(io.BytesIO(older), limit=5) == [Reject(3, "BAD", "Invalid VIN")]
    assert rejects_read(io.BytesIO(b"line,vin,reason\n4,X,Why\n5,Y,Why\n"), limit=1) == [
        Reject(4, "X", "Why")
    ]
