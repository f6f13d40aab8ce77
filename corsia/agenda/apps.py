from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "corsia.agenda"
    label = "agenda"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.agenda import audit_events  # noqa: F401  # registers the event types

        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.agenda import merge as _merge
        from corsia.patients.merging import merge_hook_register

        merge_hook_register(module="agenda", move=_merge.move, move_back=_merge.move_back)
