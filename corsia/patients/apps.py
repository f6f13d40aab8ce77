from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "corsia.patients"
    label = "patients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.patients import history_policies

        history_policies.register()
