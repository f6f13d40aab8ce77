from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "corsia.therapy"
    label = "therapy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.patients.merging import merge_hook_register
        from corsia.therapy import audit_events  # noqa: F401  # registers the event types

        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.therapy import merge as _merge

        merge_hook_register(module="therapy", move=_merge.move, move_back=_merge.move_back)
        # The interaction check across modules (corsia.prescribing.current_drugs, below
        # therapy) reads the ward's prescriptions of a period from here.
        from corsia.prescribing.current_drugs import WARD, current_drugs_reader_register
        from corsia.therapy.current_drugs import ward_drugs

        current_drugs_reader_register(WARD, ward_drugs)
