from django.apps import AppConfig


class FseConfig(AppConfig):
    name = "corsia.fse"
    label = "fse"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.fse import audit_events  # noqa: F401  # registers the event types
        from corsia.fse import merge as _merge
        from corsia.fse.services.submit import letter_signed
        from corsia.patients.merging import merge_hook_register
        from corsia.records.letter_hooks import letter_signed_hook_register

        # A patient merge re-points this module's rows (corsia.patients.merging).
        merge_hook_register(module="fse", move=_merge.move, move_back=_merge.move_back)

        # A letter signed in the chart goes to the FSE (corsia.records.letter_hooks).
        letter_signed_hook_register(module="fse", hook=letter_signed)
