from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "corsia.administration"
    label = "administration"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Prescribing's lifetime cumulative dose reads what was given through the reader
        # this module registers (prescribing sits below administration: corsia.prescribing.given).
        from corsia.administration.given import doses_given
        from corsia.prescribing.given import given_doses_reader_register

        given_doses_reader_register(doses_given)
