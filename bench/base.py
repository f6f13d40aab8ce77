"""The bench's base database (``<bench database>_base``): migrated, with the reference data
and the demo hospital (``corsia_setup --demo``); every synthetic centre is a clone of it.

Built once, as the tests build their template database (``corsia/testing/dbtemplate.py``):
the committed snapshot of a migrated database (``corsia/testing/schema/test_database.sql``)
restored — seconds — then ``migrate``, which applies only the migrations added after it.
Only when the snapshot is of other migrations (an edited one, another library version:
restored, the database would not be what the migrations build) or ``migrate`` refuses the
restored history is the base migrated from nothing (about 30 minutes on a loaded machine).
It is built under another name and renamed when complete: a build stopped half-way is never
taken for a base.

    python -m bench.base   # with DATABASE_URL: restore the snapshot into that (empty)
                           # database if it can be used; prints "snapshot" or "unusable"

The driver (``bench.__main__``) runs no Django: that decision is this child process's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT, UNUSABLE = "snapshot", "unusable"


def manage(*args: str, database_url: str) -> None:
    """``manage.py <args>`` on ``database_url`` (demo settings), its output discarded."""
    env = {**os.environ, "DATABASE_URL": database_url, "CORSIA_DEMO": "1"}
    subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def with_database(database_url: str, name: str) -> str:
    """``database_url`` naming another database of the same server."""
    return urlunsplit(urlsplit(database_url)._replace(path="/" + name))


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def _create_empty(admin: psycopg.Connection[Any], name: str) -> None:
    # template0: what the snapshot was dumped from (nothing a template1 may hold)
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))


def _snapshot_restored(database_url: str) -> bool:
    """This module's ``main`` in a child process (Django set up there): whether the snapshot
    was restored into the empty database ``database_url``."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.base"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "CORSIA_DEMO": "1"},
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:] + "\nbench: the snapshot was not restored.\n")
    elif done.stdout.split()[-1:] == [UNUSABLE]:
        sys.stderr.write(
            "bench: the test-database snapshot is not the current migrations' (`make "
            "test-schema` rebuilds it).\n"
        )
    return done.returncode == 0 and done.stdout.split()[-1:] == [SNAPSHOT]


def _migrated(database_url: str) -> bool:
    """``migrate`` (the migrations the restored snapshot lacks); False if it refuses."""
    try:
        manage("migrate", "--noinput", "-v0", database_url=database_url)
    except subprocess.CalledProcessError:
        sys.stderr.write("bench: migrate refused the restored snapshot.\n")
        return False
    return True


def build_base(database_url: str, base: str) -> str:
    """Build the base database ``base`` on ``database_url``'s server (replacing a half-built
    one); returns how its schema was built: ``"snapshot"`` (restored, then the added
    migrations) or ``"migrate"`` (from nothing)."""
    admin = with_database(database_url, "postgres")
    building = base + "_building"
    url = with_database(database_url, building)
    with psycopg.connect(admin, autocommit=True) as conn:
        _create_empty(conn, building)
    how = SNAPSHOT if _snapshot_restored(url) and _migrated(url) else "migrate"
    if how == "migrate":
        sys.stderr.write("bench: the base database migrated from nothing (minutes).\n")
        with psycopg.connect(admin, autocommit=True) as conn:
            _create_empty(conn, building)
        manage("migrate", "--noinput", "-v0", database_url=url)
    manage("corsia_setup", "--demo", database_url=url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(base))
        )
        conn.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(building), sql.Identifier(base)
            )
        )
    return how


def main() -> int:
    """Restore the snapshot into DATABASE_URL's empty database when ``migrate`` can carry it
    to the current migrations (``dbtemplate.snapshot_usable``); print which."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from corsia.testing import dbtemplate

    if not dbtemplate.snapshot_usable():
        sys.stdout.write(UNUSABLE + "\n")
        return 0
    dbtemplate.restore_snapshot(database_name(os.environ["DATABASE_URL"]))
    sys.stdout.write(SNAPSHOT + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
