from django.apps import AppConfig


class GalenicsConfig(AppConfig):
    name = "corsia.galenics"
    label = "galenics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.galenics import audit_events  # noqa: F401  # registers the event types
