from django.apps import AppConfig


class ToxicityConfig(AppConfig):
    name = "corsia.toxicity"
    label = "toxicity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.toxicity import audit_events  # noqa: F401  # registers the event types
