"""Load Safety Recall ALE from campaign/data/ALE.yaml so a fresh database already knows it."""

from pathlib import Path

from django.db import migrations

ALE_FILE = Path(__file__).resolve().parent.parent / "data" / "ALE.yaml"


def load_ale(apps, schema_editor):
    from campaign.definition import parse
    from campaign.services import campaign_load

    campaign_load(definition=parse(ALE_FILE.read_text(encoding="utf-8")), apps=apps)


def unload_ale(apps, schema_editor):
    apps.get_model("campaign", "Campaign").objects.filter(code="ALE").delete()


class Migration(migrations.Migration):
    dependencies = [("campaign", "0001_initial")]

    operations = [migrations.RunPython(load_ale, unload_ale)]
