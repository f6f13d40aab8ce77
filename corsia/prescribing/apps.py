from django.apps import AppConfig


class PrescribingConfig(AppConfig):
    name = "corsia.prescribing"
    label = "prescribing"
    default_auto_field = "django.db.models.BigAutoField"
