"""The reports (``corsia.reports``) over the generated centre: each registered report run
over the centre's whole history, ``--repeats`` times, timed.

    python -m bench.reports --first AAAA-MM-GG --last AAAA-MM-GG [--repeats 5]

Each run is the definition's computation (``ReportDefinition.run``, every read through the
modules' selectors), what a page or the API waits for before rendering; the access-log
rows a run with patient data writes and the rendering are not timed. A period longer than
``CORSIA_REPORTS_SYNC_MAX_DAYS`` goes to the job queue in the application (a progress bar):
the goal (p95 ≤ 2 s, issue 23) is measured on the computation either way.

Prints one JSON document: per report code the rows, p50/p95/max in ms, the p50 of this
process's CPU time (the Python side, which the machine's other work does not blur), errors,
the goal.
Run by ``python -m bench`` (``reports`` in its figures, and per centre in ``data_growth``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 2000.0


def measure(first: date, last: date, repeats: int) -> dict[str, Any]:
    """Every report over [first, last]: p50/p95/max of ``repeats`` runs (ms)."""
    import django

    django.setup()
    from corsia.reports.domain.definition import Filter, Params, no_progress
    from corsia.reports.domain.registry import definitions

    figures: dict[str, Any] = {}
    for definition in definitions():
        params = (
            Params(period_from=first, period_to=last)
            if definition.accepts(Filter.PERIOD)
            else Params()
        )
        samples: list[float] = []
        cpu: list[float] = []  # this process's CPU: the Python side, not blurred by the machine
        rows, error = 0, ""
        for _ in range(repeats):
            started, started_cpu = time.perf_counter(), time.process_time()
            try:
                rows = len(definition.run(params, no_progress).rows)
            except Exception as failed:  # a failing report is a figure, not a crash
                error = f"{type(failed).__name__}: {failed}"[:300]
                break
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        p95 = round(percentile(samples, 95), 1)
        figures[definition.code] = {
            "rows": rows,
            "runs": len(samples),
            "p50_ms": round(percentile(samples, 50), 1),
            "p95_ms": p95,
            "max_ms": round(max(samples, default=0.0), 1),
            "cpu_p50_ms": round(percentile(cpu, 50), 1),
            "error": error,
            "goal": {"goal": "p95 <= 2000 ms", "met": not error and p95 <= GOAL_P95_MS},
        }
    return figures


def report_figures(database_url: str, *, first: date, last: date, repeats: int) -> dict[str, Any]:
    """``measure`` in a child process on ``database_url`` (it sets Django up)."""
    done = subprocess.run(  # noqa: S603 - fixed command line
        [
            sys.executable, "-m", "bench.reports", "--first", first.isoformat(),
            "--last", last.isoformat(), "--repeats", str(repeats),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=False,
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        return {"error": f"bench.reports failed with exit status {done.returncode}"}
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures


def growth(small: dict[str, Any], large: dict[str, Any], data_ratio: float) -> dict[str, Any]:
    """Per report: p50 on L ÷ p50 on S, against the data's own growth (orders L ÷ S): the
    cost grows no faster than linearly when the first is at most the second."""
    out: dict[str, Any] = {}
    for code, s in small.items():
        l_ = large.get(code)
        if not isinstance(s, dict) or not isinstance(l_, dict):
            continue
        ratio = round(l_["p50_ms"] / s["p50_ms"], 2) if s["p50_ms"] else 0.0
        out[code] = {
            "p50_ms_S": s["p50_ms"],
            "p50_ms_L": l_["p50_ms"],
            "ratio": ratio,
            "data_ratio": round(data_ratio, 2),
            "goal": {
                "goal": "<= data ratio",
                "met": not s["error"] and not l_["error"] and ratio <= data_ratio,
            },
        }
    return out


def lines(result: dict[str, Any]) -> list[str]:
    """The reports' figures for the bench's table."""
    out: list[str] = []
    reports = result.get("reports", {})
    for code, f in reports.items():
        if not isinstance(f, dict):
            out.append(f"reports: {code}: {f}")
            continue
        verdict = "met" if f["goal"]["met"] else "NOT MET"
        error = f" ERROR {f['error']}" if f["error"] else ""
        out.append(
            f"report {code:<40} rows {f['rows']:>7} p50 {f['p50_ms']:>9} ms p95 "
            f"{f['p95_ms']:>9} ms cpu p50 {f.get('cpu_p50_ms', '-'):>8} ms "
            f"(goal <= 2000: {verdict}){error}"
        )
    for code, g in result.get("data_growth", {}).get("reports_growth", {}).items():
        out.append(
            f"report {code:<40} p50 S {g['p50_ms_S']} ms, L {g['p50_ms_L']} ms, ratio "
            f"{g['ratio']} (goal <= data ratio {g['data_ratio']}: "
            f"{'met' if g['goal']['met'] else 'NOT MET'})"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    parser = argparse.ArgumentParser(prog="python -m bench.reports")
    parser.add_argument("--first", type=date.fromisoformat, required=True)
    parser.add_argument("--last", type=date.fromisoformat, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    sys.stdout.write(json.dumps(measure(args.first, args.last, args.repeats)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
