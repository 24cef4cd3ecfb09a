"""The campaign's remedy in its definition: ALE.yaml's ``repair`` section, its parser, its load.

Migration 0010 gives a fresh database ALE's remedy; ``load_campaign`` reads the same section
with errors naming the field and line, and a reload replaces the kit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from campaign.definition import parse
from campaign.models import RemedyOperation, RemedyPart
from campaign.remedy import remedy_operation_for_vin, remedy_operations
from tests.conftest import ALE_FILE
from tests.factories import ale_vin

ROOT = Path(__file__).resolve().parent.parent.parent
ALE_TEXT = ALE_FILE.read_text(encoding="utf-8")

READ_MIGRATED_REMEDY = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from campaign.models import Campaign, RemedyOperation
ale = Campaign.objects.get(code="ALE")
operations = [
    [op.covered_model.position, op.labor_operation, str(op.flat_rate_hours),
     [[p.part_number, p.description, p.quantity, str(p.dealer_net_price)] for p in op.parts.order_by("pk")]]
    for op in RemedyOperation.objects.filter(covered_model__campaign=ale).order_by("covered_model__position")
]
terms = [ale.claim_window_days, str(ale.reimbursement_from), str(ale.reimbursement_until),
         ale.claim_condition, ale.claim_cause, ale.claim_correction]
print(json.dumps({"operations": operations, "terms": terms}))
"""


def _expected_from_the_parser() -> dict:
    definition = parse(ALE_TEXT)
    f = definition.fields
    return {
        "operations": [
            [
                position,
                cm.remedy.labor_operation,
                str(cm.remedy.flat_rate_hours),
                [[p.part_number, p.description, p.quantity, str(p.dealer_net_price)] for p in cm.remedy.kit],
            ]
            for position, cm in enumerate(definition.covered_models, start=1)
        ],
        "terms": [
            f["claim_window_days"],
            str(f["reimbursement_from"]),
            str(f["reimbursement_until"]),
            f["claim_condition"],
            f["claim_cause"],
            f["claim_correction"],
        ],
    }


def test_a_fresh_migrate_ships_ale_with_the_remedy_the_parser_reads(tmp_path):
    """No fixture loads it: migrations alone, on a new SQLite file, in a process of their own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        DJANGO_DEBUG="1",
    )
    done = subprocess.run(
        [sys.executable, "-c", READ_MIGRATED_REMEDY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    migrated = json.loads(done.stdout.strip().splitlines()[-1])
    assert migrated == _expected_from_the_parser()
    assert len(migrated["operations"]) == 13
    assert migrated["terms"][:3] == [30, "2005-08-01", "2011-12-31"]


def test_ale_remedy_hours_and_kits_as_reported():
    """6 h or more on the V6 models, about 22 h on the LS 600h L (engine out); 24 springs a V6, 32 a V8."""
    by_model = {}
    for cm in parse(ALE_TEXT).covered_models:
        springs = next(p for p in cm.remedy.kit if p.part_number.startswith("90501-"))
        by_model[cm.model_label] = (cm.remedy.flat_rate_hours, springs.quantity)
    assert by_model == {
        "GS 350": (Decimal("6.5"), 24),
        "IS 350": (Decimal("6.5"), 24),
        "GS 450h": (Decimal("9.0"), 24),
        "GS 460": (Decimal("8.0"), 32),
        "LS 460": (Decimal("8.0"), 32),
        "LS 460 L": (Decimal("8.0"), 32),
        "LS 600h L": (Decimal("22.0"), 32),
    }


@pytest.mark.django_db
def test_the_loaded_ale_remedy_answers_for_a_vin(ale):
    operations = remedy_operations(campaign=ale)
    assert len(operations) == 13
    ls600 = remedy_operation_for_vin(campaign=ale, vin=ale_vin(5000202, vds="DU46F", year=2008))
    assert (ls600.covered_model.model_label, ls600.labor_operation, ls600.flat_rate_hours) == (
        "LS 600h L",
        "ALE40A",
        Decimal("22.0"),
    )
    assert ale.claim_window_days == 30
    assert (ale.reimbursement_from, ale.reimbursement_until) == (dt.date(2005, 8, 1), dt.date(2011, 12, 31))
    assert ale.claim_correction.startswith("Replaced the engine valve springs")


def _load(tmp_path, text: str) -> str:
    path = tmp_path / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("load_campaign", str(path), stdout=out)
    return out.getvalue()


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def _kits() -> list:
    return list(
        RemedyPart.objects.order_by("pk").values_list(
            "operation__covered_model__model_label", "part_number", "quantity", "dealer_net_price"
        )
    )


V6_SPRINGS = '{part_number: 90501-31021, description: "Spring, compression (valve)", quantity: 24, dealer_net_price: "4.86"}'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (V6_SPRINGS, V6_SPRINGS.replace("quantity: 24", "quantity: 0"), r"repair\.operations\.V6\.kit\[0\]\.quantity: should be at least 1"),
        (V6_SPRINGS, V6_SPRINGS.replace('"4.86"', '"4.865"'), r"repair\.operations\.V6\.kit\[0\]\.dealer_net_price: '4\.865' should have at most 2 decimal places"),
        (V6_SPRINGS, V6_SPRINGS.replace('"4.86"', '"cheap"'), r"repair\.operations\.V6\.kit\[0\]\.dealer_net_price: 'cheap' is not a number"),
        (V6_SPRINGS, V6_SPRINGS.replace("part_number: 90501-31021, ", ""), r"repair\.operations\.V6\.kit\[0\]\.part_number: is required"),
        ("flat_rate_hours: 22.0", "flat_rate_hours: 0", r"repair\.operations\.V8_HYBRID\.flat_rate_hours: should be more than 0"),
        ("uio: 2059, remedy: V8_HYBRID", "uio: 2059, remedy: V12", r"vin_table\[12\]\.remedy: 'V12' is not a labor operation of repair\.operations \(V6, V6_HYBRID, V8, V8_HYBRID\)"),
        ("until: 2011-12-31", "until: 2010-11-01", r"repair\.reimbursement_window\.until: 2010-11-01 is less than 10 days after the last owner letter \(2010-10-29\); 49 CFR 573\.13 asks for at least 2010-11-08"),
        ("until: 2011-12-31", "until: 2004-12-31", r"repair\.reimbursement_window\.until: 2004-12-31 is before the window's start 2005-08-01"),
        ("claim_window_days: 30", "claim_window_days: thirty", r"repair\.claim_window_days: should be a whole number"),
    ],
    ids=["zero-quantity", "price-decimals", "price-not-a-number", "no-part-number", "zero-hours", "unknown-operation", "573.13", "window-backwards", "window-days"],
)  # fmt: skip
def test_a_bad_remedy_line_names_the_field_and_its_line_and_loads_nothing(ale, tmp_path, old, new, field):
    assert old in ALE_TEXT
    text = ALE_TEXT.replace(old, new, 1)
    before = _kits()
    with pytest.raises(CommandError, match=rf"line {_line_of(text, new)}, {field}.*Nothing was loaded"):
        _load(tmp_path, text)
    assert _kits() == before and len(before) > 0


@pytest.mark.django_db
def test_a_reload_replaces_the_kit_and_the_hours(ale, tmp_path):
    text = ALE_TEXT.replace(V6_SPRINGS, V6_SPRINGS.replace("quantity: 24", "quantity: 12"), 1).replace(
        "flat_rate_hours: 6.5", "flat_rate_hours: 7.0", 1
    )
    text = text.replace(
        '        - {part_number: 11213-31080, description: "Gasket, cylinder head cover", quantity: 2, dealer_net_price: "27.55"}\n',
        "",
        1,
    )
    _load(tmp_path, text)
    is350 = remedy_operation_for_vin(campaign=ale, vin=ale_vin(5000018, vds="BE262", year=2006))
    assert is350.flat_rate_hours == Decimal("7.0")
    assert [(p.part_number, p.quantity) for p in is350.parts.all()] == [
        ("04112-31A10", 1),
        ("90501-31021", 12),
    ]
    # Replaced, not added to: one operation per covered model, as many as the file has.
    assert RemedyOperation.objects.filter(covered_model__campaign=ale).count() == 13
    # Five V6 lines with the 2-line kit, the GS 450h's 3, six V8 lines with 3, the LS 600h L's 5.
    assert RemedyPart.objects.filter(operation__covered_model__campaign=ale).count() == 5 * 2 + 3 + 6 * 3 + 5


@pytest.mark.django_db
def test_a_file_without_a_repair_section_loads_without_a_remedy(ale, tmp_path):
    start = ALE_TEXT.index("repair:\n")
    text = ALE_TEXT[:start] + ALE_TEXT[ALE_TEXT.index("\nqa:\n") + 1 :]
    for name in ("V6_HYBRID", "V8_HYBRID", "V6", "V8"):
        text = text.replace(f" remedy: {name},", "")
    text = text.replace("code: ALE", "code: ALF")
    _load(tmp_path, text)
    from campaign.models import Campaign

    alf = Campaign.objects.get(code="ALF")
    assert remedy_operations(campaign=alf) == []
    assert (alf.claim_window_days, alf.reimbursement_from, alf.reimbursement_until) == (None, None, None)
