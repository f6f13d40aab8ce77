from django.apps import AppConfig


class CompoundingConfig(AppConfig):
    name = "corsia.compounding"
    label = "compounding"
    default_auto_field = "django.db.models.BigAutoField"
