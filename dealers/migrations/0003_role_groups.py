"""One Group per role, and the members of the time joined to them.

Self-contained (historical models and the role names as they stood at this migration), so a
later change to ``dealers/roles.py`` or its services never breaks a fresh ``migrate``. The
groups' permissions are set from ``dealers/roles.py`` by the post_migrate hook in
dealers/apps.py, after every migrate, once every app's permissions exist.
"""

from django.db import migrations

# The roles of dealers 0001 and the names of their groups, frozen here.
GROUPS = {
    "dealer_principal": "Dealer principal",
    "service_manager": "Service manager",
    "parts_manager": "Parts manager",
    "preowned_manager": "Pre-owned manager",
    "regional_staff": "Regional staff",
    "campaign_admin": "Campaign administrator",
}


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("dealers", "Membership")
    groups = {role: Group.objects.using(db).get_or_create(name=name)[0] for role, name in GROUPS.items()}
    for membership in Membership.objects.using(db).select_related("user"):
        membership.user.groups.add(groups[membership.role])


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=GROUPS.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dealers", "0002_notices"),
        ("campaign", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
