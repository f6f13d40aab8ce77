from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "corsia.interop"
    label = "interop"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Outgoing messages: each administration that ended (RAS^O17) and each bag the UFA
        # dispensed (RDS^O13), announced by those modules inside their transaction.
        from corsia.administration.given import administration_ended_subscribe
        from corsia.compounding.dispensed import dispensing_subscribe
        from corsia.interop import audit_events  # noqa: F401  # registers the event types
        from corsia.interop.services import administration_announced, dispensing_announced

        administration_ended_subscribe("interop.ras_o17", administration_announced)
        dispensing_subscribe("interop.rds_o13", dispensing_announced)

        # A patient merge re-points the message logs (corsia.patients.merging).
        from corsia.interop import merge as _merge
        from corsia.patients.merging import merge_hook_register

        merge_hook_register(module="interop", move=_merge.move, move_back=_merge.move_back)
