from django.apps import AppConfig


class GalenicsConfig(AppConfig):
    name = "corsia.galenics"
    label = "galenics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.galenics import audit_events  # noqa: F401  # registers the event types

        # The care scope (corsia.patients.scope): the patients of named batches.
        from corsia.galenics.care import galenics_pharmacy_patient_ids
        from corsia.patients.scope import pharmacy_reader_register

        pharmacy_reader_register("galenics.batches", galenics_pharmacy_patient_ids)

        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.galenics import merge as _merge
        from corsia.patients.merging import merge_hook_register

        merge_hook_register(module="galenics", move=_merge.move, move_back=_merge.move_back)
