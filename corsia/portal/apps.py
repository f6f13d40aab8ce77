from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "corsia.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from corsia.patients.merging import merge_hook_register
        from corsia.portal import audit_events  # noqa: F401  # registers the event types
        from corsia.portal import merge as _merge

        merge_hook_register(module="portal", move=_merge.move, move_back=_merge.move_back)
        from corsia.portal.domain.hours import hours_parse

        try:  # a typo in the team's hours refuses to start, never a 500 on a patient's page
            hours_parse(settings.CORSIA_PORTAL_TEAM_HOURS)
        except ValueError as error:
            raise ImproperlyConfigured(f"CORSIA_PORTAL_TEAM_HOURS: {error}") from error
        from corsia.portal.registry import worklist_provider_register
        from corsia.portal.selectors import unread_messages_items

        worklist_provider_register("portal.messages", unread_messages_items)
        from django.utils.translation import gettext_lazy as _

        from corsia.portal.registry import MenuEntry, menu_entry_register

        menu_entry_register(MenuEntry("appointments", _("Appuntamenti"), "portal:appointments", 10))
        menu_entry_register(MenuEntry("messages", _("Messaggi"), "portal:messages", 20))
        menu_entry_register(MenuEntry("documents", _("Documenti"), "portal:documents", 30))
