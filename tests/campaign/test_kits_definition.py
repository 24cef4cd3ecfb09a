"""The campaign's stocked kits (``repair.kits``): parsed with named errors, shipped by migration
0011, loaded by ``load_campaign`` in place (dealer stock points at them, so never deleted)."""

from __future__ import annotations

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
from campaign.models import Kit, RemedyOperation
from tests.conftest import ALE_FILE

ROOT = Path(__file__).resolve().parent.parent.parent
ALE_TEXT = ALE_FILE.read_text(encoding="utf-8")
V6_KIT = "04906-31021"

READ_MIGRATED_KITS = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from campaign.models import Kit, RemedyOperation
kits = [[k.part_number, k.description, k.quantity_per_vehicle, str(k.dealer_net_price)]
        for k in Kit.objects.filter(campaign__code="ALE").order_by("part_number")]
links = [[op.covered_model.position, op.kit.part_number if op.kit else None]
         for op in RemedyOperation.objects.filter(covered_model__campaign__code="ALE").order_by("covered_model__position")]
print(json.dumps({"kits": kits, "links": links}))
"""


def _from_the_parser() -> dict:
    definition = parse(ALE_TEXT)
    return {
        "kits": sorted(
            [k.part_number, k.description, k.quantity_per_vehicle, str(k.dealer_net_price)]
            for k in definition.kits
        ),
        "links": [[i, cm.remedy.stock_kit] for i, cm in enumerate(definition.covered_models, start=1)],
    }


def test_a_fresh_migrate_ships_ale_with_the_kits_the_parser_reads(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        DJANGO_DEBUG="1",
    )
    done = subprocess.run(
        [sys.executable, "-c", READ_MIGRATED_KITS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    migrated = json.loads(done.stdout.strip().splitlines()[-1])
    assert migrated == _from_the_parser()
    assert len(migrated["kits"]) == 3
    assert all(part_number for _, part_number in migrated["links"]), "every ALE operation has its kit"


def test_ale_kits_follow_the_engines():
    """One spring kit per engine: the V6 models share one, the V8s one, the LS 600h L its own."""
    by_model = {cm.model_label: cm.remedy.stock_kit for cm in parse(ALE_TEXT).covered_models}
    assert by_model == {
        "GS 350": V6_KIT,
        "IS 350": V6_KIT,
        "GS 450h": V6_KIT,
        "GS 460": "04906-38011",
        "LS 460": "04906-38011",
        "LS 460 L": "04906-38011",
        "LS 600h L": "04906-38021",
    }


def _load(tmp_path, text: str) -> str:
    path = tmp_path / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("load_campaign", str(path), stdout=out)
    return out.getvalue()


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


KIT_LINE = '{part_number: 04906-31021, description: "Valve spring kit, 2GR-FSE V6 (24 springs)", quantity_per_vehicle: 1, dealer_net_price: "116.64"}'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("stock_kit: 04906-38021", "stock_kit: 04906-99999", r"repair\.operations\.V8_HYBRID\.stock_kit: '04906-99999' is not a kit of repair\.kits \(04906-31021, 04906-38011, 04906-38021\)"),
        (KIT_LINE, KIT_LINE.replace("quantity_per_vehicle: 1", "quantity_per_vehicle: 0"), r"repair\.kits\[0\]\.quantity_per_vehicle: should be between 1 and 100, not 0"),
        (KIT_LINE, KIT_LINE.replace('"116.64"', '"free"'), r"repair\.kits\[0\]\.dealer_net_price: 'free' is not a number"),
        (KIT_LINE, KIT_LINE.replace("04906-31021", "04906-38011"), r"repair\.kits\[0\]\.part_number|repair\.kits\[1\]\.part_number: 04906-38011 is already a kit"),
    ],
    ids=["unknown-kit", "zero-quantity", "price", "duplicate"],
)  # fmt: skip
def test_a_bad_kit_names_the_field_and_loads_nothing(ale, tmp_path, old, new, field):
    assert old in ALE_TEXT
    text = ALE_TEXT.replace(old, new, 1)
    before = list(Kit.objects.order_by("pk").values_list("part_number", "dealer_net_price"))
    with pytest.raises(CommandError, match=rf"({field}).*Nothing was loaded"):
        _load(tmp_path, text)
    assert list(Kit.objects.order_by("pk").values_list("part_number", "dealer_net_price")) == before
    assert len(before) == 3


@pytest.mark.django_db
def test_a_reload_updates_a_kit_in_place_and_relinks_the_operations(ale, tmp_path):
    kit = Kit.objects.get(campaign=ale, part_number=V6_KIT)
    text = ALE_TEXT.replace(KIT_LINE, KIT_LINE.replace('"116.64"', '"120.00"'), 1)
    # The GS 450h moves to the V8 kit (for the test's sake): its operation follows.
    text = text.replace(
        "      flat_rate_hours: 9.0\n      stock_kit: 04906-31021",
        "      flat_rate_hours: 9.0\n      stock_kit: 04906-38011",
        1,
    )
    _load(tmp_path, text)
    again = Kit.objects.get(campaign=ale, part_number=V6_KIT)
    assert again.pk == kit.pk and again.dealer_net_price == Decimal("120.00")
    links = dict(
        RemedyOperation.objects.filter(covered_model__campaign=ale).values_list(
            "covered_model__model_label", "kit__part_number"
        )
    )
    assert links["GS 450h"] == "04906-38011" and links["IS 350"] == V6_KIT


@pytest.mark.django_db
def test_a_kit_dropped_from_the_file_stays_for_the_stock_that_points_at_it(ale, tmp_path):
    text = "".join(line for line in ALE_TEXT.splitlines(keepends=True) if "04906-38021" not in line)
    assert text.count("\n") == ALE_TEXT.count("\n") - 2  # the kit line and the LS 600h L's stock_kit
    _load(tmp_path, text)
    assert Kit.objects.filter(campaign=ale, part_number="04906-38021").exists()
    ls600 = RemedyOperation.objects.get(covered_model__campaign=ale, covered_model__model_label="LS 600h L")
    assert ls600.kit is None
