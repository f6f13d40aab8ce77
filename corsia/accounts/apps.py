from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "corsia.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from corsia.accounts import auth_bridge, backends
        from corsia.accounts.checks import check_ldap_settings

        checks.register(check_ldap_settings)
        auth_bridge.connect()
        backends.connect()
