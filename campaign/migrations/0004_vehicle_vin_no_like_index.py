"""Drop the LIKE-pattern index PostgreSQL gets for the VIN primary key.

Django adds a ``varchar_pattern_ops`` twin to every indexed varchar on PostgreSQL, to serve
``LIKE 'prefix%'``. VINs are only ever looked up whole (the primary key's own index serves
that), and the twin is one more index to write for each of the 138,869 vehicles a list import
inserts. Other databases have no such index; nothing to do there.
"""

from django.db import migrations


def _like_index_name(schema_editor, model) -> str:
    field = model._meta.get_field("vin")
    return schema_editor._create_index_name(model._meta.db_table, [field.column], suffix="_like")


def drop_like_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("campaign", "Vehicle")
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(_like_index_name(schema_editor, model))}")


def restore_like_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("campaign", "Vehicle")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(_like_index_name(schema_editor, model))} "
        f"ON {schema_editor.quote_name(model._meta.db_table)} (vin varchar_pattern_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("campaign", "0003_affected_vehicle_fk_indexes")]

    operations = [migrations.RunPython(drop_like_index, restore_like_index, elidable=False)]
