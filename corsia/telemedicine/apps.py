from django.apps import AppConfig


class TelemedicineConfig(AppConfig):
    name = "corsia.telemedicine"
    label = "telemedicine"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Telemedicina"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from corsia.patients.merging import merge_hook_register
        from corsia.portal.registry import MenuEntry, menu_entry_register
        from corsia.telemedicine import audit_events  # noqa: F401  # registers the event types
        from corsia.telemedicine import merge as _merge

        merge_hook_register(module="telemedicine", move=_merge.move, move_back=_merge.move_back)

        # the patient's televisits in the patient portal's menu
        menu_entry_register(
            MenuEntry(
                key="televisit",
                label=_("Televisite"),
                url_name="telemedicine:portal_list",
                order=40,
            )
        )
