"""Reading a campaign definition file (YAML) into a checked, plain structure.

Errors name the field and the line so whoever edits the file can fix it; nothing
is written to the database here (see ``services.campaign_load``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from campaign.definition_repair import (  # noqa: F401  (KitDef, RemedyPartDef: part of this module's API)
    KitDef,
    RemedyOperationDef,
    RemedyPartDef,
    kits_read,
    repair_read,
)
from campaign.models import Campaign

_WMI = re.compile(r"^[A-HJ-NPR-Z0-9]{3}$")
_VDS = re.compile(r"^[A-HJ-NPR-Z0-9]{5}$")
_SERIAL_RANGE = re.compile(r"^\s*([A-HJ-NPR-Z0-9]{7})\s*[-–]\s*([A-HJ-NPR-Z0-9]{7})\s*$")
PHASES = tuple(Campaign.Phase.values)


class DefinitionError(ValueError):
    def __init__(self, field_path: str, line: int | None, message: str):
        where = f"line {line}, " if line else ""
        super().__init__(f"{where}{field_path}: {message}")
        self.field_path = field_path
        self.line = line


@dataclass(frozen=True)
class RangeDef:
    wmi: str
    vds: str
    serial_from: str
    serial_to: str


@dataclass(frozen=True)
class CoveredModelDef:
    model_label: str
    model_year: int
    uio: int
    ranges: list[RangeDef]
    # The labor operation and kit a repair of this model uses; None if the file gives none.
    remedy: RemedyOperationDef | None = None


@dataclass(frozen=True)
class CampaignDef:
    code: str
    fields: dict[str, Any]
    covered_models: list[CoveredModelDef] = field(default_factory=list)
    kits: list[KitDef] = field(default_factory=list)


def _compose(text: str) -> tuple[Any, dict[str, int]]:
    """Load YAML keeping the line of every value, keyed by its dotted path."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DefinitionError("file", mark.line + 1 if mark else None, f"not valid YAML ({exc})") from None
    lines: dict[str, int] = {}

    def build(node: yaml.Node, path: str) -> Any:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return {k.value: build(v, f"{path}.{k.value}" if path else k.value) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [build(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
        return yaml.SafeLoader(text).construct_object(node, deep=True)

    if root is None:
        raise DefinitionError("file", 1, "the file is empty")
    return build(root, ""), lines


class _Reader:
    def __init__(self, data: dict[str, Any], lines: dict[str, int]):
        self.data, self.lines = data, lines

    def fail(self, path: str, message: str) -> DefinitionError:
        parent = path
        while parent and parent not in self.lines:
            parent = parent.rsplit(".", 1)[0] if "." in parent else ""
        return DefinitionError(path, self.lines.get(parent), message)

    def get(self, container: dict, key: str, path: str, *, required: bool = True) -> Any:
        if not isinstance(container, dict):
            raise self.fail(path, "should be a mapping of fields")
        if key not in container or container[key] in (None, ""):
            if required:
                raise self.fail(path, "is required")
            return None
        return container[key]

    def text(self, container: dict, key: str, path: str, *, required=True, max_length=None) -> str:
        value = self.get(container, key, path, required=required)
        if value is None:
            return ""
        if not isinstance(value, str | int):
            raise self.fail(path, "should be text")
        value = str(value).strip()
        if max_length and len(value) > max_length:
            raise self.fail(path, f"is {len(value)} characters long; at most {max_length}")
        return value

    def integer(self, container: dict, key: str, path: str, *, required=True) -> int | None:
        value = self.get(container, key, path, required=required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(path, f"should be a whole number, not {value!r}")
        return value

    def date(self, container: dict, key: str, path: str, *, required=True) -> dt.date | None:
        value = self.get(container, key, path, required=required)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value
        raise self.fail(path, f"should be a date written YYYY-MM-DD, not {value!r}")

    def decimal(
        self, container: dict, key: str, path: str, *, places: int, max_digits: int, positive: bool
    ) -> Decimal:
        """A number as written (``6.5`` or ``"4.86"``), with at most ``places`` decimals."""
        value = self.get(container, key, path)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(path, f"should be a number, not {value!r}")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise self.fail(path, f"{value!r} is not a number") from None
        if not number.is_finite() or number.as_tuple().exponent < -places:
            raise self.fail(path, f"{value!r} should have at most {places} decimal places")
        if number < 0 or (positive and number == 0):
            raise self.fail(path, f"should be {'more than' if positive else 'at least'} 0, not {value!r}")
        if number >= Decimal(10) ** (max_digits - places):
            raise self.fail(path, f"{value!r} is too large")
        return number


def parse(text: str) -> CampaignDef:
    data, lines = _compose(text)
    r = _Reader(data, lines)
    if not isinstance(data, dict):
        raise DefinitionError("file", 1, "should be a mapping of campaign fields")

    code = r.text(data, "code", "code", max_length=12).upper()
    if not re.fullmatch(r"[A-Z0-9\-]+", code):
        raise r.fail("code", f"{code!r} should be letters, digits and dashes")
    phase = r.text(data, "phase", "phase", required=False) or "preliminary"
    if phase not in PHASES:
        raise r.fail("phase", f"{phase!r} is not one of: {', '.join(PHASES)}")
    dates = r.get(data, "dates", "dates")
    rate_raw = r.get(data, "expected_failure_rate", "expected_failure_rate", required=False)
    rate = None
    if rate_raw is not None:
        try:
            rate = Decimal(str(rate_raw))
        except InvalidOperation:
            raise r.fail("expected_failure_rate", f"{rate_raw!r} is not a number") from None
        if not 0 <= rate <= 1:
            raise r.fail(
                "expected_failure_rate",
                "should be a fraction between 0 and 1 (0.002 for 2 in 1,000)",
            )

    qa = r.get(data, "qa", "qa", required=False) or []
    if not isinstance(qa, list):
        raise r.fail("qa", "should be a list of {q, a}")
    qa_items = [
        {"q": r.text(item, "q", f"qa[{i}].q"), "a": r.text(item, "a", f"qa[{i}].a")}
        for i, item in enumerate(qa)
    ]

    fields = {
        "title": r.text(data, "title", "title", max_length=200),
        "manufacturer": r.text(data, "manufacturer", "manufacturer", max_length=200),
        "make": r.text(data, "make", "make", max_length=60),
        "component": r.text(data, "component", "component", max_length=200),
        "nhtsa_number": r.text(data, "nhtsa_number", "nhtsa_number", required=False, max_length=20),
        "phase": phase,
        "dir_filed_on": r.date(dates, "dir_filed", "dates.dir_filed"),
        "vins_posted_on": r.date(dates, "vins_posted", "dates.vins_posted", required=False),
        "owner_notification_planned": r.text(
            dates,
            "owner_notification_planned",
            "dates.owner_notification_planned",
            required=False,
            max_length=60,
        ),
        "owner_notification_started_on": r.date(
            dates, "owner_notification_started", "dates.owner_notification_started", required=False
        ),
        "production_period": r.text(
            data, "production_period", "production_period", required=False, max_length=120
        ),
        "production_change": r.text(data, "production_change", "production_change", required=False),
        "expected_failure_rate": rate,
        "reported_cases": r.integer(data, "reported_cases", "reported_cases", required=False),
        "reported_accidents": r.integer(data, "reported_accidents", "reported_accidents", required=False),
        "customer_help_line": r.text(
            data, "customer_help_line", "customer_help_line", required=False, max_length=40
        ),
        "defect_description": r.text(data, "defect", "defect"),
        "consequence": r.text(data, "consequence", "consequence"),
        "warning_signs": r.text(data, "warning_signs", "warning_signs", required=False),
        "remedy_description": r.text(data, "remedy", "remedy"),
        "owner_instructions": r.text(data, "owner_instructions", "owner_instructions", required=False),
        "reimbursement": r.text(data, "reimbursement", "reimbursement", required=False),
        "dealer_notice": r.text(data, "dealer_notice", "dealer_notice", required=False),
        "media_rule": r.text(data, "media_rule", "media_rule", required=False),
        "qa": qa_items,
    }

    kits = kits_read(r, data)
    operations = repair_read(r, data, fields, kits={k.part_number for k in kits})

    table = r.get(data, "vin_table", "vin_table")
    if not isinstance(table, list) or not table:
        raise r.fail("vin_table", "should be a non-empty list of covered models")
    covered: list[CoveredModelDef] = []
    for i, row in enumerate(table):
        base = f"vin_table[{i}]"
        year = r.integer(row, "model_year", f"{base}.model_year")
        if not 1980 <= year <= 2039:
            raise r.fail(f"{base}.model_year", f"{year} is not a model year a VIN can encode (1980-2039)")
        ranges_raw = r.get(row, "ranges", f"{base}.ranges")
        if not isinstance(ranges_raw, list) or not ranges_raw:
            raise r.fail(f"{base}.ranges", "should be a non-empty list of {wmi, vds, serial}")
        ranges = []
        for j, rng in enumerate(ranges_raw):
            rpath = f"{base}.ranges[{j}]"
            wmi = r.text(rng, "wmi", f"{rpath}.wmi").upper()
            if not _WMI.match(wmi):
                raise r.fail(f"{rpath}.wmi", f"{wmi!r} is not a 3-character WMI (no I, O or Q)")
            vds = r.text(rng, "vds", f"{rpath}.vds").upper()
            if not _VDS.match(vds):
                raise r.fail(f"{rpath}.vds", f"{vds!r} is not a 5-character VDS (VIN positions 4-8)")
            serial = r.text(rng, "serial", f"{rpath}.serial")
            match = _SERIAL_RANGE.match(serial.upper())
            if not match:
                raise r.fail(
                    f"{rpath}.serial",
                    f"{serial!r} should look like 0007930-0028367 (VIN positions 11-17)",
                )
            low, high = match.groups()
            if low > high:
                raise r.fail(f"{rpath}.serial", f"starts at {low}, after its end {high}")
            ranges.append(RangeDef(wmi=wmi, vds=vds, serial_from=low, serial_to=high))
        remedy_name = r.text(row, "remedy", f"{base}.remedy", required=False)
        if remedy_name and remedy_name not in operations:
            known = ", ".join(operations) or "none: the file has no repair.operations"
            raise r.fail(
                f"{base}.remedy", f"{remedy_name!r} is not a labor operation of repair.operations ({known})"
            )
        covered.append(
            CoveredModelDef(
                model_label=r.text(row, "model", f"{base}.model", max_length=40),
                model_year=year,
                uio=r.integer(row, "uio", f"{base}.uio"),
                ranges=ranges,
                remedy=operations[remedy_name] if remedy_name else None,
            )
        )
    return CampaignDef(code=code, fields=fields, covered_models=covered, kits=kits)
