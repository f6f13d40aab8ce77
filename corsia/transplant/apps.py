from django.apps import AppConfig


class TransplantConfig(AppConfig):
    name = "corsia.transplant"
    label = "transplant"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.patients.merging import merge_hook_register
        from corsia.transplant import audit_events  # noqa: F401  # registers the event types
        from corsia.transplant import merge as _merge

        merge_hook_register(module="transplant", move=_merge.move, move_back=_merge.move_back)
