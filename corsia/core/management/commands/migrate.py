"""Django's ``migrate``, run as the owner of the tables, then the application role's grants.

With ``DATABASE_OWNER_URL`` set (settings ``CORSIA_DATABASE_OWNER``), the default connection
migrates as that role — its user, password, host and port; the database stays the one of
``DATABASE_URL`` (so a test database is migrated where it is) — and then grants
``DATABASE_URL``'s role what the application needs (corsia/core/dbroles.py). Without it,
this is Django's command unchanged: one role, nothing granted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from corsia.core.dbroles import grant_app_privileges, table_policies

_ROLE_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " As DATABASE_OWNER_URL's role when set; then grants the app role."

    def handle(self, *args: Any, **options: Any) -> None:
        owner: Mapping[str, Any] | None = settings.CORSIA_DATABASE_OWNER
        database = options["database"]
        connection = connections[database]
        app_role = connection.settings_dict["USER"]
        if owner is None or database != DEFAULT_DB_ALIAS or owner.get("USER") == app_role:
            super().handle(*args, **options)
            return
        if not app_role:
            raise CommandError(
                "DATABASE_OWNER_URL is set but DATABASE_URL names no user: "
                "give the application role in DATABASE_URL"
            )
        saved = {key: connection.settings_dict.get(key) for key in _ROLE_KEYS}
        connection.close()
        connection.settings_dict.update({key: owner.get(key) for key in _ROLE_KEYS})
        try:
            super().handle(*args, **options)
            connection.ensure_connection()
            with transaction.atomic(using=database), connection.connection.cursor() as cursor:
                grant_app_privileges(cursor, app_role, table_policies())
            if options["verbosity"] >= 1:
                self.stdout.write(f"Privileges of the application role {app_role!r} granted.")
        finally:
            connection.close()
            connection.settings_dict.update(saved)
