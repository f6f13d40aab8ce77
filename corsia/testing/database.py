"""The test database, named for a process started by a test."""

from __future__ import annotations

from urllib.parse import quote

from django.db import connection


def url_of_test_database() -> str:
    """The test database as a URL, for a subprocess (the benchmark, the listener) to reach
    the database the test wrote."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    host = s["HOST"] or s.get("OPTIONS", {}).get("host", "")
    if host.startswith("/"):
        return f"postgresql://{auth}@/{s['NAME']}?host={quote(host)}"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgresql://{auth}@{host}{port}/{s['NAME']}"
