from django.apps import AppConfig


class TelemedicineConfig(AppConfig):
    name = "corsia.telemedicine"
    label = "telemedicine"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Telemedicina"

    def ready(self) -> None:
        from corsia.telemedicine import audit_events  # noqa: F401  # registers the event types
