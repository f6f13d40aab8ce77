"""Connection pooling by environment (docs/configuration.md): DB_POOL_MAX_SIZE gives each
process a psycopg pool whose connections its threads share and hand back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# Run in a process of its own (the settings are read once, at start): three threads in
# turn each run one query and hand their connection back (Django's connection.close()
# returns a pooled connection to the pool); the backends that served them are printed.
SCRIPT = """
import json, threading
import django
django.setup()
from django.conf import settings
from django.db import connection

pids = []

def query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pids.append(cursor.fetchone()[0])
    connection.close()

for _ in range(3):
    thread = threading.Thread(target=query)
    thread.start()
    thread.join()
pool = connection.pool
print(json.dumps({
    "pool": settings.DATABASES["default"]["OPTIONS"].get("pool"),
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "pool_class": type(pool).__name__ if pool is not None else None,
    "pids": pids,
}))
"""


def _run(**env: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def test_a_pool_is_configured_by_environment_and_its_connections_are_reused() -> None:
    answer = _run(DB_POOL_MAX_SIZE="3", DB_POOL_MIN_SIZE="1", DB_POOL_TIMEOUT_SECONDS="5")
    assert answer["pool"] == {"min_size": 1, "max_size": 3, "timeout": 5}
    assert answer["conn_max_age"] == 0  # Django refuses persistent connections with a pool
    assert answer["pool_class"] == "ConnectionPool"
    # the third thread was served by a backend an earlier thread had handed back (the pool
    # may have opened a second connection while the first thread waited for its first)
    pids = answer["pids"]
    assert isinstance(pids, list) and len(pids) == 3 and pids[2] in pids[:2]


def test_without_the_setting_each_thread_opens_its_own_connection() -> None:
    answer = _run(DB_POOL_MAX_SIZE="0")
    assert answer["pool"] is None and answer["pool_class"] is None
    pids = answer["pids"]
    assert isinstance(pids, list) and len(set(pids)) == 3  # closed means closed


def test_the_test_settings_have_no_pool() -> None:
    assert "pool" not in settings.DATABASES["default"].get("OPTIONS", {})
