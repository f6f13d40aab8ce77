from django.apps import AppConfig


class RegimensConfig(AppConfig):
    name = "corsia.regimens"
    label = "regimens"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A trial monitor reads only the patients enrolled in their trials: patients sits
        # below regimens, so it reads them through the reader registered here
        # (corsia.patients.scope).
        from corsia.patients.scope import scoped_patients_reader_register
        from corsia.regimens import audit_events  # noqa: F401  (registers the event types)
        from corsia.regimens.selectors import monitored_patient_ids

        scoped_patients_reader_register(monitored_patient_ids)
        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.patients.merging import merge_hook_register
        from corsia.regimens import merge as _merge

        merge_hook_register(module="regimens", move=_merge.move, move_back=_merge.move_back)
