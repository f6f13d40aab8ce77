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
