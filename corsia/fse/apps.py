from django.apps import AppConfig


class FseConfig(AppConfig):
    name = "corsia.fse"
    label = "fse"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.fse import audit_events  # noqa: F401  # registers the event types
