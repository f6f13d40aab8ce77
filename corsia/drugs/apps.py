from django.apps import AppConfig


class DrugsConfig(AppConfig):
    name = "corsia.drugs"
    label = "drugs"
    default_auto_field = "django.db.models.BigAutoField"
