from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "corsia.therapy"
    label = "therapy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.therapy import audit_events  # noqa: F401  # registers the event types
