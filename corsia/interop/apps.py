from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "corsia.interop"
    label = "interop"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.interop import audit_events  # noqa: F401  # registers the event types
