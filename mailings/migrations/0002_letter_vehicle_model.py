"""Letters carry their vehicle's model and model year as mailed (the completion dashboard counts
letters by model from one index, mailings.models.Letter); existing letters take their vehicle's."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_vehicle_model(apps, schema_editor):
    Letter = apps.get_model("mailings", "Letter")
    Vehicle = apps.get_model("campaign", "Vehicle")
    vehicle = Vehicle.objects.filter(vin=OuterRef("vehicle_id"))
    Letter.objects.update(
        model_label=Subquery(vehicle.values("model_label")[:1]),
        model_year=Subquery(vehicle.values("model_year")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0014_vehicle_address_undeliverable"),
        ("mailings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="model_label",
            field=models.CharField(blank=True, default="", max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="letter",
            name="model_year",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(copy_vehicle_model, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="letter",
            index=models.Index(
                fields=["campaign", "model_label", "model_year", "mailed_on"], name="letter_mailed_by_model"
            ),
        ),
    ]
