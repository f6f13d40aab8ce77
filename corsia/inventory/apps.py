from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "corsia.inventory"
    label = "inventory"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Magazzino"
