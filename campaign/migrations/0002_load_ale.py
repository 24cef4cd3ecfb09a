"""Load Safety Recall ALE from campaign/data/ALE.yaml so a fresh database already knows it.

Self-contained on purpose: a migration runs against the models as they were at this point
in history, long after the live code has moved on. So this file reads the YAML itself and
writes through ``apps.get_model`` only, with a frozen copy of what ``campaign.definition.parse``
and ``campaign.services.campaign_load`` did when it was written (ALE.yaml is ours and already
checked by ``load_campaign``'s parser in the tests, so the copy keeps the mapping, not the
error messages). Change the live loader freely; never import it here.
"""

import re
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import migrations

ALE_FILE = Path(__file__).resolve().parent.parent / "data" / "ALE.yaml"
SERIAL_RANGE = re.compile(r"^\s*([A-HJ-NPR-Z0-9]{7})\s*[-–]\s*([A-HJ-NPR-Z0-9]{7})\s*$")

# Campaign column -> where it sits in the file, as of this migration.
TEXT_FIELDS = {
    "title": ("title",),
    "manufacturer": ("manufacturer",),
    "make": ("make",),
    "component": ("component",),
    "nhtsa_number": ("nhtsa_number",),
    "owner_notification_planned": ("dates", "owner_notification_planned"),
    "production_period": ("production_period",),
    "production_change": ("production_change",),
    "customer_help_line": ("customer_help_line",),
    "defect_description": ("defect",),
    "consequence": ("consequence",),
    "warning_signs": ("warning_signs",),
    "remedy_description": ("remedy",),
    "owner_instructions": ("owner_instructions",),
    "reimbursement": ("reimbursement",),
    "dealer_notice": ("dealer_notice",),
    "media_rule": ("media_rule",),
}
DATE_FIELDS = {
    "dir_filed_on": ("dates", "dir_filed"),
    "vins_posted_on": ("dates", "vins_posted"),
    "owner_notification_started_on": ("dates", "owner_notification_started"),
}
INTEGER_FIELDS = {"reported_cases": ("reported_cases",), "reported_accidents": ("reported_accidents",)}


def _at(data, path):
    for key in path:
        data = (data or {}).get(key)
    return None if data == "" else data


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def ale_fields(data: dict) -> dict:
    fields = {name: _text(_at(data, path)) for name, path in TEXT_FIELDS.items()}
    fields |= {name: _at(data, path) for name, path in {**DATE_FIELDS, **INTEGER_FIELDS}.items()}
    rate = _at(data, ("expected_failure_rate",))
    fields["expected_failure_rate"] = None if rate is None else Decimal(str(rate))
    fields["phase"] = _text(_at(data, ("phase",))) or "preliminary"
    fields["qa"] = [{"q": _text(item["q"]), "a": _text(item["a"])} for item in data.get("qa") or []]
    return fields


def load_ale(apps, schema_editor):
    Campaign = apps.get_model("campaign", "Campaign")
    CampaignPhaseChange = apps.get_model("campaign", "CampaignPhaseChange")
    CoveredModel = apps.get_model("campaign", "CoveredModel")
    VinRange = apps.get_model("campaign", "VinRange")
    # The database being migrated, which need not be the default one.
    db = schema_editor.connection.alias

    data = yaml.safe_load(ALE_FILE.read_text(encoding="utf-8"))
    campaign = Campaign.objects.using(db).create(code=_text(data["code"]).upper(), **ale_fields(data))
    CampaignPhaseChange.objects.using(db).create(
        campaign=campaign, from_phase="", to_phase=campaign.phase, note="Campaign loaded"
    )
    for position, row in enumerate(data["vin_table"], start=1):
        covered = CoveredModel.objects.using(db).create(
            campaign=campaign,
            position=position,
            model_label=_text(row["model"]),
            model_year=row["model_year"],
            uio=row["uio"],
        )
        ranges = []
        for i, printed in enumerate(row["ranges"], start=1):
            low, high = SERIAL_RANGE.match(_text(printed["serial"]).upper()).groups()
            ranges.append(
                VinRange(
                    covered_model=covered,
                    position=i,
                    wmi=_text(printed["wmi"]).upper(),
                    vds=_text(printed["vds"]).upper(),
                    serial_from=low,
                    serial_to=high,
                )
            )
        VinRange.objects.using(db).bulk_create(ranges)


def unload_ale(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("campaign", "Campaign").objects.using(db).filter(code="ALE").delete()


class Migration(migrations.Migration):
    dependencies = [("campaign", "0001_initial")]

    operations = [migrations.RunPython(load_ale, unload_ale)]
