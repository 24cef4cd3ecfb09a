"""Vehicle Identification Numbers per 49 CFR 565: normalise, validate, decode.

Pure functions, no Django: used by the import, the look-ups and the tests.
Messages are written for a clerk at a service counter, not for a programmer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VIN_LENGTH = 17
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_FORBIDDEN = {"I": "1 (one)", "O": "0 (zero)", "Q": "0 (zero)"}
# Model-year codes repeat every 30 years; position 7 tells the cycle (49 CFR 565.15):
# a digit there means 1980-2009, a letter means 2010-2039.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
_SEPARATORS = re.compile(r"[\s\-]+")
# The shape of a VIN, for any caller that screens many (the affected-VIN import's fast path):
# the VIN alphabet (no I, O, Q) everywhere, and a model-year code in position 10, which
# 565.15 never writes as U, Z or 0. It says nothing of the check digit.
VIN_SHAPE = re.compile(f"[A-HJ-NPR-Z0-9]{{9}}[{_YEAR_CODES}][A-HJ-NPR-Z0-9]{{7}}")


class InvalidVin(ValueError):
    """A VIN that cannot be right; ``str()`` is a message fit to show the user."""

    def __init__(self, vin: str, message: str):
        super().__init__(message)
        self.vin = vin
        self.message = message


@dataclass(frozen=True, slots=True)
class DecodedVin:
    vin: str
    wmi: str
    vds: str
    check_digit: str
    year_code: str
    model_year: int | None
    plant_code: str
    serial: str  # positions 11-17, the seed's 7-character "serial"


def normalise(raw: str) -> str:
    """Trim, drop spaces and dashes, upper-case."""
    return _SEPARATORS.sub("", raw or "").upper()


def check_digit(vin: str) -> str:
    """The check digit (position 9) that a 17-character VIN should carry."""
    total = sum(_TRANSLITERATION[ch] * weight for ch, weight in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def validate(raw: str) -> str:
    """Return the normalised VIN or raise :class:`InvalidVin` saying what is wrong."""
    vin = normalise(raw)
    if not vin:
        raise InvalidVin(vin, "Enter a VIN: 17 letters and digits, found on the dashboard or door pillar.")
    if len(vin) != VIN_LENGTH:
        raise InvalidVin(
            vin,
            f"A VIN has 17 characters; this one has {len(vin)}. "
            + (
                "Check for a missing character." if len(vin) < VIN_LENGTH else "Check for an extra character."
            ),
        )
    if not VIN_SHAPE.fullmatch(vin):
        # Only a VIN with a wrong character is walked, to name the position.
        for index, ch in enumerate(vin, start=1):
            if ch in _FORBIDDEN:
                raise InvalidVin(
                    vin,
                    f"Position {index} is the letter {ch}, which never appears in a VIN; "
                    f"it is probably {_FORBIDDEN[ch]}.",
                )
            if ch not in _TRANSLITERATION:
                raise InvalidVin(vin, f"Position {index} is {ch!r}; a VIN has only letters and digits.")
        # Every character is in the alphabet, so what VIN_SHAPE refused is position 10.
        raise InvalidVin(
            vin,
            f"Position 10 is {vin[9]}, but position 10 gives the model year and is never U, Z or 0. "
            "One of the characters was probably mistyped.",
        )
    expected = check_digit(vin)
    if vin[8] != expected:
        raise InvalidVin(
            vin,
            f"Position 9 should be {expected}, the check digit does not match "
            f"(it is {vin[8]}). One of the characters was probably mistyped.",
        )
    return vin


def model_year(vin: str) -> int | None:
    code = vin[9]
    if code not in _YEAR_CODES:
        return None
    offset = _YEAR_CODES.index(code)
    base = 1980 if vin[6].isdigit() else 2010
    return base + offset


def decode(raw: str) -> DecodedVin:
    """Validate and split a VIN into the parts recall ranges are written in."""
    vin = validate(raw)
    return DecodedVin(
        vin=vin,
        wmi=vin[0:3],
        vds=vin[3:8],
        check_digit=vin[8],
        year_code=vin[9],
        model_year=model_year(vin),
        plant_code=vin[10],
        serial=vin[10:17],
    )


def year_code(year: int) -> str:
    """Position-10 code for a model year (the inverse of :func:`model_year`)."""
    return _YEAR_CODES[(year - 1980) % 30]


def build(*, wmi: str, vds: str, year: int, serial: str) -> str:
    """Assemble a VIN with a correct check digit (for demo data and tests)."""
    draft = f"{wmi}{vds}0{year_code(year)}{serial}"
    return draft[:8] + check_digit(draft) + draft[9:]


def find_in_scan(text: str) -> str | None:
    """The first 17-character VIN inside a longer barcode string, if any has a valid check digit."""
    candidate_text = (text or "").upper()
    for start in range(0, max(len(candidate_text) - VIN_LENGTH + 1, 0)):
        candidate = candidate_text[start : start + VIN_LENGTH]
        if VIN_SHAPE.fullmatch(candidate) and check_digit(candidate) == candidate[8]:
            return candidate
    return None
