from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _sync_role_groups(sender, apps=None, **kwargs) -> None:
    # Re-applied after every migrate: new models' permissions reach the roles' groups, and a
    # flushed test database gets its role groups back. Only after the last app's signal: each
    # app's permissions are created by its own post_migrate, and roles span apps (repairs).
    if sender.label != _last_app_with_models():
        return
    from dealers.services import role_groups_sync

    # flush sends no ``apps``: the live registry is the current state then.
    role_groups_sync(apps=apps or global_apps, strict=False)


def _last_app_with_models() -> str:
    return [config.label for config in global_apps.get_app_configs() if config.models_module][-1]


class DealersConfig(AppConfig):
    name = "dealers"
    verbose_name = "Dealers, people and inventory"

    def ready(self) -> None:
        post_migrate.connect(_sync_role_groups, dispatch_uid="dealers.role_groups_sync")
        # A new affected-VIN list re-checks every dealer's pre-owned inventory (stop-sale).
        from campaign.signals import affected_list_changed
        from dealers.signals import inventory_recheck_on_list_change

        affected_list_changed.connect(
            inventory_recheck_on_list_change, dispatch_uid="dealers.inventory_recheck"
        )
