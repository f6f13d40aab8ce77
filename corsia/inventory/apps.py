from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "corsia.inventory"
    label = "inventory"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Magazzino"

    def ready(self) -> None:
        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.inventory import merge as _merge
        from corsia.patients.merging import merge_hook_register

        merge_hook_register(module="inventory", move=_merge.move, move_back=_merge.move_back)
