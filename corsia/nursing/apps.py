from django.apps import AppConfig


class NursingConfig(AppConfig):
    name = "corsia.nursing"
    label = "nursing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.nursing import audit_events  # noqa: F401  # registers the event types

        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.nursing import merge as _merge
        from corsia.patients.merging import merge_hook_register

        merge_hook_register(module="nursing", move=_merge.move, move_back=_merge.move_back)
