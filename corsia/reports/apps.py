from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "corsia.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.reports import audit_events  # noqa: F401  # registers the event types
        from corsia.reports.definitions import load_definitions

        load_definitions()
