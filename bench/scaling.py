"""The mixed workload's summary, its CPU per request, and the same mix served by 1 and by
2 web processes in one run (scale-out: each granian process is an interpreter of its own)."""

from __future__ import annotations

import asyncio
from typing import Any

import psutil

from bench import scenarios
from bench.cpu import PhaseCpu, cpu_split, mix_cpu, per_request, pinned
from bench.load import Recorder, run_load
from bench.server import production_server
from bench.stats import percentile

MIX_NOTE = "sign-in (token) excluded: once per user per day, dominated by the password hash"


def mixed_names(recorder: Recorder) -> list[str]:
    """The operations of the mix: every one but signing in."""
    return [n for n in recorder.durations if not n.startswith("login")]


def mix_figures(recorder: Recorder, wall: float) -> dict[str, Any]:
    durations = [d for n in mixed_names(recorder) for d in recorder.durations[n]]
    return {
        "requests_per_s": round(len(durations) / wall, 1) if wall > 0 else 0.0,
        "p50_ms": round(percentile(durations, 50) * 1000, 2),
        "p95_ms": round(percentile(durations, 95) * 1000, 2),
        "p99_ms": round(percentile(durations, 99) * 1000, 2),
        "errors": sum(recorder.errors.values()),
        "note": MIX_NOTE,
    }


def operations_with_cpu(recorder: Recorder, wall: float) -> list[dict[str, Any]]:
    """Each operation's latency figures and its mean CPU and queries per request."""
    rows = []
    for op in recorder.figures(wall):
        cpu = per_request(recorder.cpu, [op.name])
        rows.append(
            {
                **op.__dict__,
                "server_cpu_ms": cpu["server_cpu_ms"],
                "db_cpu_ms": cpu["db_cpu_ms"],
                "queries": cpu["queries"],
            }
        )
    return rows


def served(recorder: Recorder) -> int:
    return sum(len(v) for v in recorder.durations.values()) + sum(recorder.errors.values())


async def mix_run(base: str, users: int, seconds: float) -> tuple[Recorder, float]:
    """The mix on a fresh event loop: every account signs in again, before the clock."""
    scenarios.CONTEXT.sent = asyncio.Queue()
    scenarios.CONTEXT.sessions.clear()
    scenarios.reset_tokens()
    await scenarios.sign_in_all(base)  # before the clock starts (a sign-in is once a day)
    return await run_load(base=base, scenarios=scenarios.MIX, users=users, seconds=seconds)


def mix_with_processes(
    database_url: str,
    *,
    processes: int,
    users: int,
    seconds: float,
    database: psutil.Process | None,
) -> dict[str, Any]:
    """The mix alone, served by ``processes`` web processes (the load generator pinned)."""
    split = cpu_split()
    load_cpus, server_cpus = split if split else (None, None)
    with (
        pinned(load_cpus),
        production_server(database_url=database_url, workers=processes, cpus=server_cpus) as (
            base,
            root,
        ),
        PhaseCpu(root, database) as phase,
    ):
        recorder, wall = asyncio.run(mix_run(base, users, seconds))
    return {
        "web_processes": processes,
        "mix": mix_figures(recorder, wall),
        "cpu": mix_cpu(recorder.cpu, mixed_names(recorder), phase, served(recorder)),
        "error_samples": recorder.error_samples[:3],
    }


def scaling_lines(scaling: dict[str, Any]) -> list[str]:
    """The 1- and 2-process runs side by side, for the table."""
    lines = []
    for run in scaling.get("runs", []):
        mix, cpu = run["mix"], run["cpu"]["per_mixed_request"]
        lines.append(
            f"mix with {run['web_processes']} web process{'es' if run['web_processes'] > 1 else ''}"
            f": {mix['requests_per_s']} req/s, p50 {mix['p50_ms']} ms, p95 {mix['p95_ms']} ms, "
            f"p99 {mix['p99_ms']} ms, {mix['errors']} errors; CPU per request server "
            f"{cpu['server_cpu_ms']} ms + database {cpu['db_cpu_ms']} ms, {cpu['queries']} queries"
        )
    if "requests_per_s_2_over_1" in scaling:
        lines.append(f"scaling 2 over 1 web process: x{scaling['requests_per_s_2_over_1']} req/s")
    return lines
