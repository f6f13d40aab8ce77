from django.apps import AppConfig


class RegimensConfig(AppConfig):
    name = "corsia.regimens"
    label = "regimens"
    default_auto_field = "django.db.models.BigAutoField"
