from django.apps import AppConfig


class VascularConfig(AppConfig):
    name = "corsia.vascular"
    label = "vascular"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.patients.merging import merge_hook_register
        from corsia.vascular import audit_events  # noqa: F401  # registers the event types
        from corsia.vascular import merge as _merge

        merge_hook_register(module="vascular", move=_merge.move, move_back=_merge.move_back)
