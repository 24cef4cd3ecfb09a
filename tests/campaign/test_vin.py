"""VIN rules per 49 CFR 565: normalise, validate (with messages a clerk understands), decode, scan."""

from __future__ import annotations

import pytest

from campaign import vin as vinlib
from campaign.vin import InvalidVin

# Published VINs with known check digits: the textbook example (Wikipedia, "Vehicle
# identification number", check digit X), the all-ones VIN that NHTSA's decoder accepts,
# and a 2003 Honda Accord VIN used in many VIN-decoder docs.
REAL_VINS = ["1M8GDM9AXKP042788", "11111111111111111", "1HGCM82633A004352"]


def test_check_digit_worked_by_hand():
    # 1M8GDM9AXKP042788: transliterated 1 4 8 7 4 4 9 1 X 2 7 0 4 2 7 8 8, weights
    # 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2; products 8 28 48 35 16 12 18 10 0 18 56 0 24 10 28
    # 24 16 sum to 351 = 31 x 11 + 10, and a remainder of 10 is written X.
    assert vinlib.check_digit("1M8GDM9AXKP042788") == "X"


@pytest.mark.parametrize("vin", REAL_VINS)
def test_real_published_vins_are_valid(vin):
    assert vinlib.validate(vin) == vin
    assert vinlib.check_digit(vin) == vin[8]


def test_ale_vins_built_by_the_test_helpers_are_valid():
    vin = vinlib.build(wmi="JTH", vds="BE96S", year=2007, serial="0007930")
    assert vin == "JTHBE96S170007930"
    assert vinlib.validate(vin) == vin


@pytest.mark.parametrize("position", range(1, 18))
@pytest.mark.parametrize(("letter", "probably"), [("I", "1 (one)"), ("O", "0 (zero)"), ("Q", "0 (zero)")])
def test_every_forbidden_letter_at_every_position_is_named(position, letter, probably):
    vin = "1HGCM82633A004352"
    bad = vin[: position - 1] + letter + vin[position:]
    with pytest.raises(InvalidVin) as exc:
        vinlib.validate(bad)
    assert exc.value.message == (
        f"Position {position} is the letter {letter}, which never appears in a VIN; it is probably {probably}."
    )
    assert exc.value.vin == bad


def test_empty_input_asks_for_a_vin():
    for empty in ("", "   ", " - "):
        with pytest.raises(InvalidVin) as exc:
            vinlib.validate(empty)
        assert exc.value.message.startswith("Enter a VIN: 17 letters and digits")


def test_sixteen_characters_is_one_missing():
    with pytest.raises(InvalidVin) as exc:
        vinlib.validate("1HGCM82633A00435")
    assert exc.value.message == "A VIN has 17 characters; this one has 16. Check for a missing character."


def test_eighteen_characters_is_one_extra():
    with pytest.raises(InvalidVin) as exc:
        vinlib.validate("1HGCM82633A0043521")
    assert exc.value.message == "A VIN has 17 characters; this one has 18. Check for an extra character."


def test_punctuation_is_refused_by_position():
    with pytest.raises(InvalidVin) as exc:
        vinlib.validate("1HGCM82633A00435*")
    assert exc.value.message == "Position 17 is '*'; a VIN has only letters and digits."


def test_wrong_check_digit_says_what_it_should_be():
    with pytest.raises(InvalidVin) as exc:
        vinlib.validate("JTHBE96S270007930")
    assert exc.value.message == (
        "Position 9 should be 1, the check digit does not match (it is 2). "
        "One of the characters was probably mistyped."
    )


def test_a_single_mistyped_character_is_caught():
    # Swapping one character changes the weighted sum: the check digit catches it.
    assert vinlib.validate("JTHBE96S170007930")
    with pytest.raises(InvalidVin):
        vinlib.validate("JTHBE96S170007931")


@pytest.mark.parametrize(
    "typed",
    [
        "jthbe96s170007930",
        "  JTHBE96S170007930  ",
        "JTH-BE96S-170007930",
        "jth be96s 1700 07930",
        "JTHBE96S170007930\n",
        "\tjthbe96s-170007930 ",
    ],
)
def test_lower_case_spaces_and_dashes_are_normalised(typed):
    assert vinlib.normalise(typed) == "JTHBE96S170007930"
    assert vinlib.validate(typed) == "JTHBE96S170007930"


def test_the_error_carries_the_normalised_vin():
    with pytest.raises(InvalidVin) as exc:
        vinlib.validate(" jthbe96s2-70007930 ")
    assert exc.value.vin == "JTHBE96S270007930"


def test_decode_splits_the_vin_as_recall_tables_do():
    decoded = vinlib.decode("jthbe96s170007930")
    assert decoded.vin == "JTHBE96S170007930"
    assert decoded.wmi == "JTH"
    assert decoded.vds == "BE96S"
    assert decoded.check_digit == "1"
    assert decoded.year_code == "7"
    assert decoded.model_year == 2007
    assert decoded.plant_code == "0"
    assert decoded.serial == "0007930"


@pytest.mark.parametrize(
    ("vin", "year"),
    [
        ("1HGCM82633A004352", 2003),
        ("1M8GDM9AXKP042788", 1989),  # position 7 is a digit: the 1980-2009 cycle
        ("JTHBE96S170007930", 2007),
        (vinlib.build(wmi="JTH", vds="BE262", year=2006, serial="2000000"), 2006),
        (vinlib.build(wmi="JTH", vds="DU46F", year=2008, serial="5000202"), 2008),
        ("5YJSA1E27HF000001", 2017),  # position 7 is a letter: the 2010-2039 cycle
    ],
)
def test_model_year_from_position_ten(vin, year):
    assert vinlib.model_year(vin) == year


@pytest.mark.parametrize(
    ("vds", "year"), [("BE96S", 2006), ("BE96S", 2009), ("BE9AS", 2010), ("BE9AS", 2027)]
)
def test_year_code_round_trip(vds, year):
    # The same code means 1980 or 2010: a digit in position 7 means the first cycle.
    vin = vinlib.build(wmi="JTH", vds=vds, year=year, serial="0012345")
    assert vinlib.decode(vin).model_year == year


def test_find_in_scan_takes_the_vin_out_of_a_longer_barcode():
    # Scanners send prefixes (an "I" for imported vehicles) and trailing codes.
    assert vinlib.find_in_scan("I1M8GDM9AXKP042788") == "1M8GDM9AXKP042788"
    assert vinlib.find_in_scan("JTHBE96S170007930A1B2") == "JTHBE96S170007930"
    assert vinlib.find_in_scan("]C1jthbe96s170007930") == "JTHBE96S170007930"
    assert vinlib.find_in_scan("2D*1HGCM82633A004352*0001") == "1HGCM82633A004352"


def test_find_in_scan_skips_runs_whose_check_digit_fails():
    # The first 17-character run starts at "X"; only the run after it checks out.
    assert vinlib.find_in_scan("X1HGCM82633A004352") == "1HGCM82633A004352"


def test_find_in_scan_returns_none_when_there_is_no_vin():
    assert vinlib.find_in_scan("") is None
    assert vinlib.find_in_scan("1HGCM82633A00435") is None  # 16 characters
    assert vinlib.find_in_scan("JTHBE96S270007930XX") is None  # bad check digit everywhere


@pytest.mark.parametrize("code", ["U", "Z", "0"])
def test_position_ten_must_be_a_model_year_code(code):
    # The issue's example passes the check digit with a 0 in position 10; 565.15 never writes
    # U, Z or 0 there. The check digit is recomputed so that only position 10 is wrong.
    draft = "EU35SDCM30JF0J5YJ"[:9] + code + "JF0J5YJ"
    vin = draft[:8] + vinlib.check_digit(draft) + draft[9:]
    with pytest.raises(InvalidVin) as exc:
        vinlib.validate(vin)
    assert exc.value.message == (
        f"Position 10 is {code}, but position 10 gives the model year and is never U, Z or 0. "
        "One of the characters was probably mistyped."
    )
    with pytest.raises(InvalidVin):
        vinlib.decode(vin)
    assert vinlib.VIN_SHAPE.fullmatch(vin) is None
    assert vinlib.find_in_scan(f"I{vin}") is None


def test_the_issue_example_is_refused():
    with pytest.raises(InvalidVin, match="Position 10 is 0"):
        vinlib.validate("EU35SDCM30JF0J5YJ")


def test_every_model_year_code_is_accepted_in_position_ten():
    for code in "ABCDEFGHJKLMNPRSTVWXY123456789":
        draft = f"1HGCM826{0}{code}A004352"
        vin = draft[:8] + vinlib.check_digit(draft) + draft[9:]
        assert vinlib.validate(vin) == vin
        assert vinlib.VIN_SHAPE.fullmatch(vin)
