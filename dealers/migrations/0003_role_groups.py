"""One Group per role with the permissions of dealers/roles.py; existing members joined to them.

Permissions are normally created after ``migrate`` finishes (post_migrate), so this
migration creates them first for every app it can see. The post_migrate hook in
dealers/apps.py repeats the group sync after every migrate, which picks up models that
later migrations add and restores the groups after a test database flush.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forwards(apps, schema_editor):
    from dealers.roles import group_name
    from dealers.services import role_groups_sync

    for app_config in apps.get_app_configs():
        # Historical app configs carry no models module; create_permissions skips those.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    role_groups_sync(apps=apps)

    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("dealers", "Membership")
    groups = {g.name: g for g in Group.objects.all()}
    for membership in Membership.objects.select_related("user"):
        membership.user.groups.add(groups[group_name(membership.role)])


def backwards(apps, schema_editor):
    from dealers.models import Membership
    from dealers.roles import group_name

    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[group_name(r) for r in Membership.Role.values]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dealers", "0002_notices"),
        ("campaign", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
