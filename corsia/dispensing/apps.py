from django.apps import AppConfig


class DispensingConfig(AppConfig):
    name = "corsia.dispensing"
    label = "dispensing"
    verbose_name = "Distribuzione diretta"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.dispensing import audit_events  # noqa: F401  # registers the event types
        from corsia.dispensing import merge as _merge
        from corsia.patients.merging import merge_hook_register

        # A patient merge re-points this module's plans, delegations and dispensings.
        merge_hook_register(module="dispensing", move=_merge.move, move_back=_merge.move_back)
        # The care scope (corsia.patients.scope) reads, from here, whom a user cared for at
        # the desk and the patients the pharmacy follows through it.
        from corsia.dispensing.care import (
            dispensing_care_patient_ids,
            dispensing_pharmacy_patient_ids,
        )
        from corsia.patients.scope import care_reader_register, pharmacy_reader_register

        care_reader_register("dispensing", dispensing_care_patient_ids)
        pharmacy_reader_register("dispensing", dispensing_pharmacy_patient_ids)
        # The interaction check across modules (corsia.prescribing.current_drugs, below
        # dispensing) reads the home therapy of a period from here.
        from corsia.dispensing.current_drugs import home_drugs
        from corsia.prescribing.current_drugs import HOME, current_drugs_reader_register

        current_drugs_reader_register(HOME, home_drugs)
