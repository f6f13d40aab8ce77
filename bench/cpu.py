"""CPU time per request: what a loaded or shared machine cannot blur.

Latency and throughput on a machine shared with the load generator (and, here, with other
work) move with everything else that runs; the CPU time a request costs the server and
PostgreSQL does not (or much less). Two measures:

- **Per request** (``CpuMiddleware``, loaded only by the bench's server through
  ``bench.settings``): the web thread's CPU time (``time.thread_time_ns``: this request's
  Python, the middleware, the view, the templates), the CPU time of the PostgreSQL backend
  that served its queries (``/proc/<backend pid>/schedstat``, nanoseconds; a backend serves
  one connection, a connection one thread at a time, so its CPU between the first query
  and the response is this request's), and the number of queries. Sent back as response
  headers, summed per operation by ``bench.load.Recorder``.
- **Per phase** (``PhaseCpu``): the CPU time of every process of the web server and of the
  PostgreSQL cluster (``/proc/<pid>/stat`` through psutil) before and after a load phase:
  it includes what no request header sees (granian's own threads and HTTP handling,
  PostgreSQL's WAL writer, checkpointer, autovacuum, the sign-ins' password hashes).

``pg_stat_statements`` ships with the embedded PostgreSQL but needs
``shared_preload_libraries`` (a restart of the cluster) and measures elapsed time, lock
waits included, not CPU time: the backend's schedstat is used instead.

Pinning: with more than one CPU the load generator (this process's event loop) runs on
CPU 0 and the web server on the others (``cpu_split``); PostgreSQL is left where it runs
(in a hospital it has a machine of its own).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psutil

HEADER_SERVER = "X-Bench-Server-Cpu-Us"
HEADER_DB = "X-Bench-Db-Cpu-Us"
HEADER_QUERIES = "X-Bench-Queries"


def schedstat_ns(pid: int) -> int:
    """CPU time of a single-threaded process (a PostgreSQL backend), in nanoseconds; 0 when
    it cannot be read (gone, another machine, no procfs)."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as stat:
            return int(stat.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


class _QueryProbe:
    """An execute wrapper: counts the queries, notes each backend's CPU before its first."""

    def __init__(self) -> None:
        self.queries = 0
        self.started: dict[int, int] = {}

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.queries += 1
        raw = getattr(context["connection"], "connection", None)
        pid = getattr(getattr(raw, "info", None), "backend_pid", None)
        if pid and pid not in self.started:
            self.started[pid] = schedstat_ns(pid)
        return execute(sql, params, many, context)

    def backend_ns(self) -> int:
        return sum(max(0, schedstat_ns(pid) - before) for pid, before in self.started.items())


class CpuMiddleware:
    """Bench only (``bench.settings``): each response says what its request cost in CPU."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        from django.db import connection

        probe = _QueryProbe()
        started = time.thread_time_ns()
        with connection.execute_wrapper(probe):
            response = self.get_response(request)
        server_ns = time.thread_time_ns() - started
        response[HEADER_SERVER] = str(server_ns // 1000)
        response[HEADER_DB] = str(probe.backend_ns() // 1000)
        response[HEADER_QUERIES] = str(probe.queries)
        return response


def cpu_split() -> tuple[set[int], set[int]] | None:
    """(the load generator's CPUs, the server's) when this process may use more than one."""
    try:
        available = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None
    if len(available) < 2:
        return None
    return {available[0]}, set(available[1:])


@contextmanager
def pinned(cpus: set[int] | None) -> Iterator[None]:
    """This process (the load generator) on ``cpus`` for the block, then as it was."""
    if not cpus:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def _tree_cpu_s(root: psutil.Process) -> float:
    """CPU seconds of ``root`` and of every process below it, those that have ended
    included: each process's own, and its ended children's (``children_user`` and
    ``children_system``: what the children it has reaped used, theirs included). Without
    them a process ending during a phase (a PostgreSQL backend whose connection closed,
    reaped by the postmaster) took out of the phase's total all it had used before the
    phase, and what it used in it was lost: ``db_cpu_s`` came out negative (run 2 of
    12-05: -2.9 s)."""
    total = 0.0
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def postmaster(database_url: str) -> psutil.Process | None:
    """The PostgreSQL server's main process, when it runs on this machine."""
    import psycopg

    try:
        with psycopg.connect(database_url) as conn:
            row = conn.execute("SELECT pg_backend_pid()").fetchone()
            # while the connection is open: its backend exits when it closes, and on a
            # loaded machine it was gone before it could be asked for its parent
            backend = psutil.Process(int(row[0])) if row else None
            return backend.parent() if backend is not None else None
    except (psycopg.Error, psutil.Error):
        return None


@dataclass
class PhaseCpu:
    """CPU seconds of the web server's processes and of PostgreSQL's over a phase."""

    server: psutil.Process
    database: psutil.Process | None
    server_s: float = 0.0
    database_s: float = 0.0

    def __enter__(self) -> PhaseCpu:
        self.server_s = -_tree_cpu_s(self.server)
        self.database_s = -_tree_cpu_s(self.database) if self.database else 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.server_s += _tree_cpu_s(self.server)
        if self.database is not None:
            self.database_s += _tree_cpu_s(self.database)


def per_request(
    cpu: dict[str, list[tuple[int, int, int]]], names: list[str]
) -> dict[str, float | int | None]:
    """Means over the requests of ``names`` (server and database CPU in ms, queries)."""
    samples = [s for name in names for s in cpu.get(name, [])]
    if not samples:
        return {"requests": 0, "server_cpu_ms": None, "db_cpu_ms": None, "queries": None}
    n = len(samples)
    server = sum(s[0] for s in samples) / n / 1000
    db = sum(s[1] for s in samples) / n / 1000
    return {
        "requests": n,
        "server_cpu_ms": round(server, 3),
        "db_cpu_ms": round(db, 3),
        "total_cpu_ms": round(server + db, 3),
        "queries": round(sum(s[2] for s in samples) / n, 2),
    }


CPU_GOAL_MS = 5.0


def mix_cpu(
    cpu: dict[str, list[tuple[int, int, int]]],
    mixed: list[str],
    phase: PhaseCpu | None,
    requests_served: int,
) -> dict[str, Any]:
    """The mix's CPU per request (the goal: server + database ≤ 5 ms), and the phase's
    totals per request served (sign-ins included) beside it."""
    figures: dict[str, Any] = {
        "per_mixed_request": per_request(cpu, mixed),
        "note": "per request: the web thread's CPU (time.thread_time) + the PostgreSQL "
        "backend's (/proc schedstat), from response headers of the bench's server; sign-in "
        "excluded. Phase totals: every process of the server and of PostgreSQL (granian's "
        "threads, background writers, sign-ins' password hashes included) over the phase, "
        "per request served",
    }
    total = figures["per_mixed_request"].get("total_cpu_ms")
    figures["goal"] = {
        "goal": f"<= {CPU_GOAL_MS:g} ms",
        "met": total is not None and total <= CPU_GOAL_MS,
    }
    if phase is not None and requests_served:
        figures["phase_totals"] = {
            "requests_served": requests_served,
            "server_cpu_s": round(phase.server_s, 2),
            "db_cpu_s": round(phase.database_s, 2),
            "server_cpu_ms_per_request": round(phase.server_s * 1000 / requests_served, 3),
            "db_cpu_ms_per_request": round(phase.database_s * 1000 / requests_served, 3),
            "database_measured": phase.database is not None,
        }
    return figures
