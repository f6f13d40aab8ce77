"""The two database roles: the owner (runs the migrations) and the application (serves).

The application role owns nothing: it cannot ``ALTER TABLE … DISABLE TRIGGER``, ``DROP``,
``CREATE`` or ``TRUNCATE``, nor ``SET session_replication_role`` (superuser only). It may
read and write the tables it needs; on the append-only tables — the audit chains, every
pghistory event table, the read-only clinical records: those whose pgtrigger ``Protect``
refuses UPDATE and DELETE unconditionally — it may only INSERT and SELECT, so a trigger
ignored (``pgtrigger.ignore`` is a setting any role may set) opens nothing. On top of that,
``_pgtrigger_should_ignore`` is rewritten to refuse the ignore to the application role
(the tables that keep UPDATE, such as signed letters, stay guarded by their triggers).

``grant_app_privileges`` is run by ``manage.py migrate`` (corsia.core's override) as the
owner after every migration, and is idempotent. docs/configuration.md, docs/security.md §16.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from psycopg import sql

# The roles the embedded development server creates (tools/devdb.py).
DEV_OWNER_ROLE = "corsia_owner"
DEV_APP_ROLE = "corsia_app"

# What the application role may never do to a table: the privileges not granted to it.
APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY_PRIVILEGES = "SELECT, INSERT"


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...


@dataclass(frozen=True)
class TablePolicy:
    """What the application role may do on one table beyond the default (SQL privileges)."""

    table: str
    privileges: str  # e.g. "SELECT, INSERT"


def role_create_sql(role: str, *, password: str | None = None) -> sql.Composed:
    """CREATE ROLE (if missing) with no power beyond logging in; idempotent."""
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    create = sql.SQL("CREATE ROLE {} " + attributes).format(sql.Identifier(role))
    alter = sql.SQL("ALTER ROLE {} " + attributes).format(sql.Identifier(role))
    if password is not None:
        create = sql.SQL("{} PASSWORD {}").format(create, sql.Literal(password))
        alter = sql.SQL("{} PASSWORD {}").format(alter, sql.Literal(password))
    return sql.SQL(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN {create};"
        " ELSE {alter}; END IF; END $$"
    ).format(name=sql.Literal(role), create=create, alter=alter)


def table_policies() -> list[TablePolicy]:
    """Tables whose rows are never updated nor deleted (or never deleted), from pgtrigger.

    A ``Protect`` trigger without condition on UPDATE and DELETE makes a table append-only:
    the application role gets SELECT and INSERT; on DELETE only: SELECT, INSERT, UPDATE.
    A ``MergeMovable`` one adds ``UPDATE (patient_id)``: the merge's re-pointing, nothing else.
    """
    import pgtrigger

    from corsia.core.triggers import MergeMovable

    refused: dict[str, set[str]] = {}
    movable: dict[str, str] = {}
    for model, trigger in pgtrigger.registered():
        if not isinstance(trigger, pgtrigger.Protect) or trigger.condition is not None:
            continue
        if str(trigger.level) != "ROW":
            continue
        operations = {part.strip() for part in str(trigger.operation).split(" OR ")}
        refused.setdefault(model._meta.db_table, set()).update(operations & {"UPDATE", "DELETE"})
        column = trigger.movable_column(model) if isinstance(trigger, MergeMovable) else None
        if column is not None:
            movable[model._meta.db_table] = column
    policies = []
    for table, operations in sorted(refused.items()):
        allowed = [p for p in ("SELECT", "INSERT", "UPDATE", "DELETE") if p not in operations]
        if "UPDATE" in operations and table in movable:
            # The patient merge's re-pointing (corsia/core/triggers.py): that column only.
            allowed.append(f"UPDATE ({movable[table]})")
        policies.append(TablePolicy(table, ", ".join(allowed)))
    return policies


def grant_app_privileges(
    cursor: Cursor, app_role: str, policies: Iterable[TablePolicy], *, schema: str = "public"
) -> None:
    """Give ``app_role`` what the application needs, and nothing more; idempotent.

    Run as the owner of the schema's tables (or a superuser), after the migrations.
    """
    role = sql.Identifier(app_role)
    nsp = sql.Identifier(schema)
    database = cursor.execute("SELECT current_database()").fetchone()[0]
    statements = [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), role),
        # Nobody but the owner creates objects in the schema (PostgreSQL ≥ 15's default too).
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(nsp),
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(nsp, role),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(nsp, role),
        # Tables: no TRUNCATE, REFERENCES, TRIGGER (nor, never, ownership).
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(nsp, role),
        sql.SQL("GRANT " + APP_TABLE_PRIVILEGES + " ON ALL TABLES IN SCHEMA {} TO {}").format(
            nsp, role
        ),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}").format(nsp, role),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(nsp, role),
        # Tables and sequences a later migration creates: granted as they are created (the
        # append-only ones narrowed again by the next run of this function, after migrate).
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT "
            + APP_TABLE_PRIVILEGES
            + " ON TABLES TO {}"
        ).format(nsp, role),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(nsp, role),
    ]
    for policy in policies:
        table = sql.Identifier(schema, policy.table)
        statements.append(sql.SQL("REVOKE ALL ON {} FROM {}").format(table, role))
        statements.append(
            sql.SQL("GRANT " + policy.privileges + " ON {} TO {}").format(table, role)
        )
    for statement in statements:
        cursor.execute(statement)
    _refuse_trigger_ignore(cursor, app_role, schema)


def _refuse_trigger_ignore(cursor: Cursor, app_role: str, schema: str) -> None:
    """pgtrigger's ignore, read from a setting anybody may set, refused to the app role.

    pgtrigger creates ``_pgtrigger_should_ignore`` (CREATE OR REPLACE) with each trigger it
    installs; this replaces it, after the migrations, by the same function that answers
    FALSE — the trigger runs — whenever the application role is the one writing. The
    owner (and the tests' flush, as owner) keep the ignore.
    """
    exists = cursor.execute(
        "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = %s AND p.proname = '_pgtrigger_should_ignore'",
        [schema],
    ).fetchone()
    if not exists:
        return
    body = sql.SQL(
        """
        CREATE OR REPLACE FUNCTION {function}(trigger_name NAME)
        RETURNS BOOLEAN AS $$
            DECLARE
                _pgtrigger_ignore TEXT[];
                _result BOOLEAN;
            BEGIN
                IF current_user::text = {role} OR session_user::text = {role} THEN
                    RETURN FALSE;
                END IF;
                BEGIN
                    SELECT INTO _pgtrigger_ignore CURRENT_SETTING('pgtrigger.ignore');
                    EXCEPTION WHEN OTHERS THEN
                END;
                IF _pgtrigger_ignore IS NOT NULL THEN
                    SELECT trigger_name = ANY(_pgtrigger_ignore) INTO _result;
                    RETURN _result;
                ELSE
                    RETURN FALSE;
                END IF;
            END;
        $$ LANGUAGE plpgsql
        """
    ).format(
        function=sql.Identifier(schema, "_pgtrigger_should_ignore"), role=sql.Literal(app_role)
    )
    cursor.execute(body)
