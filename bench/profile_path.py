"""Profile the critical path of one order in process: SQL queries and time per step.

    DATABASE_URL=... CORSIA_DEMO=1 python -m bench.profile_path [orders] [--pyinstrument]

Runs ``bench.scenarios.critical_path`` against a generated bench database (``make bench``
leaves one) through Django's test client instead of the network: the same requests, the
same order of steps, each step's SQL queries counted (CaptureQueriesContext) and, with
``--pyinstrument``, a profile of the slowest run of each step.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any


class _Response:
    def __init__(self, status: int, body: bytes, content_type: str) -> None:
        self.status, self._body, self.content_type = status, body, content_type

    async def read(self) -> bytes:
        return self._body

    async def json(self, content_type: str | None = None) -> Any:
        return json.loads(self._body)


class InProcessSession:
    """The part of aiohttp's ClientSession the bench uses, over Django's test client."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client()

    async def __aenter__(self) -> InProcessSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    @asynccontextmanager
    async def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        import json as json_module

        if method == "GET":
            answer = self.client.get(url, params or {}, headers=headers)
        else:
            answer = self.client.generic(
                method,
                url,
                json_module.dumps(json if json is not None else {}),
                content_type="application/json",
                headers=headers,
            )
        yield _Response(
            answer.status_code,
            answer.content,
            answer.headers.get("Content-Type", "").split(";")[0],
        )


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # the test client runs the views in this thread, under the profiler's event loop
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench import scenarios
    from bench.__main__ import load_context

    orders = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 3
    use_pyinstrument = "--pyinstrument" in argv
    load_context(os.environ["DATABASE_URL"], timezone.localdate())
    queries: dict[str, list[int]] = defaultdict(list)
    slowest: dict[str, tuple[float, str]] = {}

    @contextmanager
    def around(name: str) -> Iterator[None]:
        profiler = None
        if use_pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            yield
        elapsed = time.perf_counter() - started
        queries[name].append(len(captured.captured_queries))
        if os.environ.get("SHOW_SQL") == name and len(queries[name]) == 1:
            for query in captured.captured_queries:
                sys.stderr.write(query["sql"][:220] + "\n")
        if profiler is not None:
            profiler.stop()
            if elapsed > slowest.get(name, (0.0, ""))[0]:
                slowest[name] = (elapsed, profiler.output_text(unicode=True, show_all=False))

    result = asyncio.run(
        scenarios.critical_path(
            "",
            scenarios.CONTEXT.critical.patient_id,
            repeats=orders,
            session=InProcessSession(),
            around=around,
        )
    )
    if "error" in result:
        sys.stderr.write(f"{result}\n")
        return 1
    calls = result["calls_per_order"]
    total_queries = 0
    sys.stdout.write(f"{'step':<26}{'ms/order':>10}{'requests':>10}{'queries/order':>15}\n")
    for name, ms in result["steps_ms_median"].items():
        per_order = sum(queries[name]) // orders
        total_queries += per_order
        sys.stdout.write(f"{name:<26}{ms:>10}{calls.get(name, 0):>10}{per_order:>15}\n")
    sys.stdout.write(
        f"{'total':<26}{result['total_ms']:>10}{result['requests_per_order']:>10}"
        f"{total_queries:>15}\n"
    )
    for name, (_elapsed, report) in slowest.items():
        sys.stdout.write(f"\n===== {name}\n{report}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
