"""Claims carry their vehicle's model and model year (the completion dashboard's model filter
reads them from one index, repairs.models.claims); existing claims take their vehicle's."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_vehicle_model(apps, schema_editor):
    WarrantyClaim = apps.get_model("repairs", "WarrantyClaim")
    Vehicle = apps.get_model("campaign", "Vehicle")
    vehicle = Vehicle.objects.filter(vin=OuterRef("vehicle_id"))
    WarrantyClaim.objects.update(
        model_label=Subquery(vehicle.values("model_label")[:1]),
        model_year=Subquery(vehicle.values("model_year")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0014_vehicle_address_undeliverable"),
        ("repairs", "0007_appointment_parts_released"),
    ]

    operations = [
        migrations.AddField(
            model_name="warrantyclaim",
            name="model_label",
            field=models.CharField(blank=True, default="", editable=False, max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="warrantyclaim",
            name="model_year",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(copy_vehicle_model, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="warrantyclaim",
            index=models.Index(
                fields=["campaign", "model_label", "status", "model_year", "dealer", "total"],
                name="claim_totals_by_model",
            ),
        ),
        migrations.AddIndex(
            model_name="warrantyclaim",
            index=models.Index(
                fields=["campaign", "model_year", "status", "dealer", "total"], name="claim_totals_by_year"
            ),
        ),
    ]
