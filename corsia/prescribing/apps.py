from django.apps import AppConfig


class PrescribingConfig(AppConfig):
    name = "corsia.prescribing"
    label = "prescribing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The care scope (corsia.patients.scope, below prescribing) reads whom a user cared
        # for through an order, and the patients the pharmacy works for, from here.
        from corsia.patients.scope import care_reader_register, pharmacy_reader_register
        from corsia.prescribing.care import order_care_patient_ids, pharmacy_patient_ids

        care_reader_register("prescribing.orders", order_care_patient_ids)
        pharmacy_reader_register("prescribing.orders", pharmacy_patient_ids)
        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.patients.merging import merge_hook_register
        from corsia.prescribing import merge as _merge

        merge_hook_register(module="prescribing", move=_merge.move, move_back=_merge.move_back)
