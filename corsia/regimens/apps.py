from django.apps import AppConfig


class RegimensConfig(AppConfig):
    name = "corsia.regimens"
    label = "regimens"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.regimens import audit_events  # noqa: F401  (registers the event types)
