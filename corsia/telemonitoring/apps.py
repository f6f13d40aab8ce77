from django.apps import AppConfig


class TelemonitoringConfig(AppConfig):
    name = "corsia.telemonitoring"
    label = "telemonitoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.patients.merging import merge_hook_register
        from corsia.portal.registry import menu_entry_register, worklist_provider_register
        from corsia.telemonitoring import (
            audit_events,  # noqa: F401  # registers the event types
            worklist,
        )
        from corsia.telemonitoring import merge as _merge

        merge_hook_register(module="telemonitoring", move=_merge.move, move_back=_merge.move_back)
        # the patient's menu in the portal, and the team's worklist (corsia.portal.registry)
        menu_entry_register(worklist.MENU)
        worklist_provider_register("telemonitoring.alerts", worklist.worklist_items)
