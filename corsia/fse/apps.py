from django.apps import AppConfig


class FseConfig(AppConfig):
    name = "corsia.fse"
    label = "fse"
    default_auto_field = "django.db.models.BigAutoField"
