"""Give Safety Recall ALE its remedy from campaign/data/ALE.yaml's ``repair`` section.

Self-contained, like 0002: historical models only and a frozen reading of the file as it is
shaped today (the ``repair`` section; each VIN-table line's ``remedy`` names its labor
operation). ALE.yaml is checked by ``load_campaign``'s parser in the tests, so this copy keeps
the mapping, not the error messages. Change the live loader freely; never import it here.

A database where ALE is missing (deleted, or flushed by a test) gets nothing: 0002 loads ALE.
"""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import migrations

ALE_FILE = Path(__file__).resolve().parent.parent / "data" / "ALE.yaml"


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def load_remedy(apps, schema_editor):
    Campaign = apps.get_model("campaign", "Campaign")
    CoveredModel = apps.get_model("campaign", "CoveredModel")
    RemedyOperation = apps.get_model("campaign", "RemedyOperation")
    RemedyPart = apps.get_model("campaign", "RemedyPart")
    db = schema_editor.connection.alias

    data = yaml.safe_load(ALE_FILE.read_text(encoding="utf-8"))
    campaign = Campaign.objects.using(db).filter(code=_text(data["code"]).upper()).first()
    if campaign is None:
        return
    repair = data.get("repair") or {}
    window = repair.get("reimbursement_window") or {}
    claim = repair.get("claim") or {}
    campaign.claim_window_days = repair.get("claim_window_days")
    campaign.reimbursement_from = window.get("from")
    campaign.reimbursement_until = window.get("until")
    campaign.claim_condition = _text(claim.get("condition"))
    campaign.claim_cause = _text(claim.get("cause"))
    campaign.claim_correction = _text(claim.get("correction"))
    campaign.save(
        update_fields=[
            "claim_window_days",
            "reimbursement_from",
            "reimbursement_until",
            "claim_condition",
            "claim_cause",
            "claim_correction",
        ]
    )

    operations = repair.get("operations") or {}
    covered = {
        cm.position: cm for cm in CoveredModel.objects.using(db).filter(campaign=campaign).order_by("position")
    }
    parts = []
    for position, row in enumerate(data["vin_table"], start=1):
        name = _text(row.get("remedy"))
        if not name or position not in covered:
            continue
        op = operations[name]
        operation = RemedyOperation.objects.using(db).create(
            covered_model=covered[position],
            labor_operation=_text(op["labor_operation"]).upper(),
            flat_rate_hours=Decimal(str(op["flat_rate_hours"])),
        )
        parts.extend(
            RemedyPart(
                operation=operation,
                part_number=_text(line["part_number"]).upper(),
                description=_text(line["description"]),
                quantity=line["quantity"],
                dealer_net_price=Decimal(str(line["dealer_net_price"])),
            )
            for line in op["kit"]
        )
    RemedyPart.objects.using(db).bulk_create(parts)


def unload_remedy(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("campaign", "RemedyOperation").objects.using(db).filter(
        covered_model__campaign__code="ALE"
    ).delete()
    apps.get_model("campaign", "Campaign").objects.using(db).filter(code="ALE").update(
        claim_window_days=None,
        reimbursement_from=None,
        reimbursement_until=None,
        claim_condition="",
        claim_cause="",
        claim_correction="",
    )


class Migration(migrations.Migration):
    dependencies = [("campaign", "0009_remedy_definition")]

    operations = [migrations.RunPython(load_remedy, unload_remedy)]
