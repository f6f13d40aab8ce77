from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "corsia.agenda"
    label = "agenda"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.agenda import audit_events  # noqa: F401  # registers the event types
