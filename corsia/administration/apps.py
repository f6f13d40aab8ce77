from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "corsia.administration"
    label = "administration"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Prescribing's lifetime cumulative dose reads what was given through the reader
        # this module registers (prescribing sits below administration: corsia.prescribing.given).
        from corsia.administration.given import doses_given, doses_given_read
        from corsia.prescribing.given import given_doses_read_register, given_doses_reader_register

        given_doses_reader_register(doses_given)
        given_doses_read_register(doses_given_read)
        # The care scope (corsia.patients.scope) counts a drug given as a care relationship.
        from corsia.administration.care import administration_care_patient_ids
        from corsia.patients.scope import care_reader_register

        care_reader_register("administration.given", administration_care_patient_ids)
        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.administration import merge as _merge
        from corsia.patients.merging import merge_hook_register

        merge_hook_register(module="administration", move=_merge.move, move_back=_merge.move_back)
