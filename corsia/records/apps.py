from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "corsia.records"
    label = "records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.records import audit_events  # noqa: F401  # registers the event types
