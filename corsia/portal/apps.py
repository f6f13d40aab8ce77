from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "corsia.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.portal import audit_events  # noqa: F401  # registers the event types
