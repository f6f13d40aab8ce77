"""The bench's base database (``bench/base.py``) is the committed test-database snapshot
restored, brought to the current migrations, with the demo hospital loaded: no ``migrate``
from nothing (half an hour on a loaded machine) on a fresh machine's first ``make bench``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from bench.base import build_base, with_database
from bench.critical import CRITICAL_REGIMEN, NURSE, TECHNICIAN

pytestmark = pytest.mark.bench  # a minute or more: left out of `make test-fast`

ROOT = Path(__file__).resolve().parents[2]


def _databases(server: str, *names: str) -> set[str]:
    with psycopg.connect(with_database(server, "postgres")) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname = ANY(%s)", (list(names),)
        )
        return {name for (name,) in rows}


def _drop(server: str, *names: str) -> None:
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        for name in names:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.mark.xdist_group("bench")
def test_the_base_is_the_snapshot_migrated_with_the_demo_hospital() -> None:
    server = os.environ["DATABASE_URL"]  # the cluster's superuser, as `make bench` has it
    base = f"corsia_bench_basetest_{os.getpid()}"
    building = base + "_building"
    _drop(server, base)
    try:
        # a half-built base of an interrupted run is replaced, not taken for a base
        with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
        # when the base is built
        how = build_base(server, base)
        # then from the snapshot, under its own name only once complete
        assert how == "snapshot"
        assert _databases(server, base, building) == {base}
        url = with_database(server, base)
        # with every migration of the tree applied
        check = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check", "--noinput"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "CORSIA_DEMO": "1"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
        # and what the bench reads after `corsia_setup --demo`: the regimen library
        # validated, the demo technician and the nurse with her badge, the day hospital
        with psycopg.connect(url) as conn:
            validated = conn.execute(
                "SELECT count(*) FROM regimens_regimenversion v JOIN regimens_regimen r "
                "ON r.id = v.regimen_id WHERE r.code IN ('FOLFOX-4', %s) "
                "AND v.status = 'validated'",
                (CRITICAL_REGIMEN,),
            ).fetchone()
            users = conn.execute(
                "SELECT username, badge_code <> '' FROM accounts_user WHERE username IN (%s, %s)",
                (TECHNICIAN, NURSE),
            ).fetchall()
            wards = conn.execute("SELECT code FROM patients_ward WHERE code = 'DHONC'").fetchall()
        assert validated is not None and validated[0] >= 2
        assert dict(users) == {TECHNICIAN: True, NURSE: True}
        assert wards == [("DHONC",)]
    finally:
        _drop(server, base, building)
