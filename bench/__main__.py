"""`make bench`: build (or reuse) the synthetic hospital, load the production server, print figures.

    python -m bench [--scale tiny|S|M|L] [--seconds 30] [--users 50]

Prints one JSON document (also written to bench/results/<timestamp>.json) and a table.
Figures not measurable yet (modules not built) are reported as "not measured" with the reason.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psutil
import psycopg

from bench import scenarios
from bench.base import build_base, database_name, manage, with_database
from bench.cpu import PhaseCpu, cpu_split, mix_cpu, pinned, postmaster
from bench.critical import prepare_critical_path
from bench.generate import (
    CENTRES,
    MRN_BASE,
    SCALES,
    _local_today,
    centre_marker,
    grow_patients,
)
from bench.load import run_load
from bench.reports import growth as report_growth
from bench.reports import report_figures
from bench.scaling import (
    mix_figures,
    mix_with_processes,
    mixed_names,
    operations_with_cpu,
    served,
)
from bench.server import ROOT, production_server, tree_peak_rss_mb
from bench.stats import percentile
from bench.table import table

GOALS = {
    "mix_requests_per_s": 300.0,
    "mix_p95_ms": 100.0,
    "mix_p99_ms": 300.0,
    "mix_errors": 0,
}


def _recreate_from_template(database_url: str, template: str | None = None) -> None:
    """Drop the bench database and clone it from ``<name>_base`` (migrated, reference and
    demo data loaded once, ``bench.base``): a fresh centre in a second instead of a minute."""
    name = database_name(database_url)
    base = template or name + "_base"
    admin = with_database(database_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (base,)).fetchone()
    if exists is None:
        build_base(database_url, base)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
    manage("migrate", "--noinput", "-v0", database_url=database_url)


def generate(database_url: str, *, scale: str, seed: int, today: date) -> dict[str, Any]:
    """The centre, in a child process (its own peak RSS is one of the figures)."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - fixed command line
        [
            sys.executable,
            "-m",
            "bench.generate",
            "--scale",
            scale,
            "--seed",
            str(seed),
            "--today",
            today.isoformat(),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:  # the generator's own traceback, not only ours
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench.generate failed with exit status {done.returncode}")
    figures: dict[str, Any] = json.loads(done.stdout)
    figures["wall_s"] = round(time.perf_counter() - started, 1)
    return figures


def prepare(
    database_url: str,
    *,
    scale: str,
    seed: int,
    today: date,
    recreate: bool,
    template: str | None = None,
) -> dict[str, Any]:
    """The centre of ``scale`` in the database: reused if it is already there (same scale,
    seed and day), else the bench database is recreated (``recreate``) and generated."""
    started = time.perf_counter()
    marker = centre_marker(database_url)
    if marker and (marker["scale"], marker["seed"], marker["today"]) == (scale, seed, today):
        # the code may be newer than the centre: its migrations (an index, a database
        # function) are part of what is measured (the run of 12-05 measured a reused centre
        # without the previous day's paging indexes)
        manage("migrate", "--noinput", "-v0", database_url=database_url)
        return {"reused": True, "centre": marker["figures"]}
    if marker or recreate:
        if not recreate:
            raise SystemExit("the database holds another synthetic centre: use a fresh one")
        _recreate_from_template(database_url, template)
    else:
        manage("migrate", "--noinput", "-v0", database_url=database_url)
        manage("corsia_setup", "--demo", database_url=database_url)
    setup_s = round(time.perf_counter() - started, 1)
    centre = generate(database_url, scale=scale, seed=seed, today=today)
    return {"reused": False, "setup_s": setup_s, "centre": centre}


def load_context(database_url: str, today: date) -> None:
    """Measured synthetic patients, the FOLFOX-4 version, orders to read."""
    with psycopg.connect(database_url) as conn:
        scenarios.CONTEXT.today = today
        scenarios.CONTEXT.patients = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT m.patient_id FROM prescribing_measurement m "
                "JOIN patients_patient p ON p.id = m.patient_id "
                "WHERE p.mrn >= %s AND m.kind = 'height_cm' AND p.date_of_birth < %s "
                # a height and a weight recent enough to dose on (an adult's height: a
                # year; the weight: CORSIA_DOSING_WEIGHT_MAX_AGE_DAYS, 7): a stale one is
                # rightly refused (measure_stale), which is not the load's point
                "AND m.measured_at >= %s "
                "AND EXISTS (SELECT 1 FROM prescribing_measurement w WHERE "
                "w.patient_id = m.patient_id AND w.kind = 'weight_kg' AND w.measured_at >= %s) "
                "ORDER BY 1 LIMIT 400",
                (
                    str(MRN_BASE),
                    date(today.year - 18, 1, 1),
                    today - timedelta(days=360),
                    today - timedelta(days=5),
                ),
            )
        ]
        row = conn.execute(
            "SELECT v.id FROM regimens_regimenversion v JOIN regimens_regimen r "
            "ON r.id = v.regimen_id WHERE r.code = 'FOLFOX-4' AND v.status = 'validated' "
            "ORDER BY v.number DESC LIMIT 1"
        ).fetchone()
        scenarios.CONTEXT.regimen_version_id = row[0] if row else 0
        scenarios.CONTEXT.orders = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM prescribing_therapyorder WHERE start_date BETWEEN %s AND %s "
                "ORDER BY id LIMIT 300",
                (today - timedelta(days=30), today + timedelta(days=3)),
            )
        ]
    if scenarios.CONTEXT.patients:
        scenarios.CONTEXT.critical = prepare_critical_path(
            database_url, today=today, patient_id=scenarios.CONTEXT.patients[0]
        )


def web_workload(
    database_url: str, *, users: int, seconds: float, path_orders: int = 5
) -> dict[str, Any]:
    """The critical path, the floor and the mix on 2 web processes (the load generator on
    its own CPU when there are several), with the CPU time per request of each operation."""
    split = cpu_split()
    load_cpus, server_cpus = split if split else (None, None)
    database = postmaster(database_url)
    with (
        pinned(load_cpus),
        production_server(database_url=database_url, workers=2, cpus=server_cpus) as (
            base,
            root,
        ),
    ):
        peak = {"rss": 0.0}

        async def sample_memory() -> None:
            while True:
                peak["rss"] = max(peak["rss"], tree_peak_rss_mb(root))
                await asyncio.sleep(0.5)

        async def both(chosen: list[scenarios.Scenario]) -> tuple[Any, float]:
            scenarios.CONTEXT.sent = asyncio.Queue()
            scenarios.CONTEXT.sessions.clear()  # a new event loop: sign in again
            scenarios.reset_tokens()
            if chosen != [scenarios.floor]:
                # before the clock starts: a sign-in is once a day (scenarios.sign_in_all)
                await scenarios.sign_in_all(base)
            sampler = asyncio.create_task(sample_memory())
            try:
                return await run_load(base=base, scenarios=chosen, users=users, seconds=seconds)
            finally:
                sampler.cancel()

        path = (
            asyncio.run(
                scenarios.critical_path(
                    base, scenarios.CONTEXT.critical.patient_id, repeats=path_orders
                )
            )
            if scenarios.CONTEXT.patients
            else {"error": "no measured synthetic patient"}
        )
        floor_rec, floor_wall = asyncio.run(both([scenarios.floor]))
        with PhaseCpu(root, database) as phase:
            mix_rec, mix_wall = asyncio.run(both(scenarios.MIX))
    mix = mix_figures(mix_rec, mix_wall)
    cpu = mix_cpu(mix_rec.cpu, mixed_names(mix_rec), phase, served(mix_rec))
    cpu["pinning"] = {
        "load_generator_cpus": sorted(load_cpus) if load_cpus else None,
        "server_cpus": sorted(server_cpus) if server_cpus else None,
        "postgresql": "not pinned",
    }
    return {
        "critical_path": path,
        "users": users,
        "seconds": seconds,
        "web_processes": 2,
        "floor": [op.__dict__ for op in floor_rec.figures(floor_wall)],
        "operations": operations_with_cpu(mix_rec, mix_wall),
        "mix": mix,
        "cpu": cpu,
        "error_samples": mix_rec.error_samples + floor_rec.error_samples,
        "server_worker_peak_rss_mb": peak["rss"],
        "goals": {
            "mix_requests_per_s": {
                "goal": ">= 300",
                "met": mix["requests_per_s"] >= GOALS["mix_requests_per_s"],
            },
            "mix_p95_ms": {"goal": "<= 100", "met": mix["p95_ms"] <= GOALS["mix_p95_ms"]},
            "mix_p99_ms": {"goal": "<= 300", "met": mix["p99_ms"] <= GOALS["mix_p99_ms"]},
            "mix_errors": {"goal": "0", "met": mix["errors"] == 0},
            "mix_cpu_ms_per_request": cpu["goal"],
        },
    }


def web_scaling(
    database_url: str, *, users: int, seconds: float, two: dict[str, Any]
) -> dict[str, Any]:
    """The mix on 1 web process, beside the 2-process mix of ``web_workload`` (same run)."""
    one = mix_with_processes(
        database_url,
        processes=1,
        users=users,
        seconds=seconds,
        database=postmaster(database_url),
    )
    runs = [one, {"web_processes": 2, "mix": two["mix"], "cpu": two["cpu"]}]
    figures: dict[str, Any] = {"runs": runs}
    if one["mix"]["requests_per_s"]:
        figures["requests_per_s_2_over_1"] = round(
            two["mix"]["requests_per_s"] / one["mix"]["requests_per_s"], 2
        )
    split = cpu_split()
    if split is None or len(split[1]) < 2:
        figures["note"] = (
            "the server had one CPU (the load generator on the other, or a one-CPU machine): "
            "a second process overlaps waits but adds no CPU; the scaling needs 3 CPUs or more"
        )
    return figures


async def _signed_in_load(
    base: str, scenario: scenarios.Scenario, seconds: float
) -> tuple[Any, float]:
    await scenarios.sign_in_all(base)  # before the clock starts
    return await run_load(base=base, scenarios=[scenario], users=10, seconds=seconds)


def _growth_load(base: str, seconds: float) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, scenario, op in (
        ("patient_search", scenarios.patient_search, "patient search"),
        ("pharmacy_plan", scenarios.pharmacy_plan, "pharmacy work plan page"),
    ):
        scenarios.CONTEXT.sessions.clear()
        scenarios.reset_tokens()  # another database: its own sign-ins
        recorder, _wall = asyncio.run(_signed_in_load(base, scenario, seconds))
        samples = recorder.durations.get(op, [])
        figures[name] = {
            "requests": len(samples),
            "errors": recorder.errors.get(op, 0),
            "p50_ms": round(percentile(samples, 50) * 1000, 2),
            "error_samples": recorder.error_samples[:3],
        }
    return figures


def _reports_of(database_url: str, scale: str, today: date, repeats: int = 3) -> dict[str, Any]:
    """Every report over the whole history of the ``scale`` centre (``bench.reports``)."""
    first = today - timedelta(days=CENTRES[scale].history_days)
    return report_figures(database_url, first=first, last=today, repeats=repeats)


def data_growth(
    database_url: str, *, scale: str, seconds: float, seed: int, today: date, separate: bool
) -> dict[str, Any]:
    """Patient search and the pharmacy work plan p50 on the S centre, then on the L centre.

    ``separate``: each centre in its own database cloned from the bench template (the
    full S and L histories). Otherwise (smoke test) the same database grows from ``scale``
    to 7x its patients: the orders stay those of ``scale``.
    """
    figures: dict[str, Any] = {}
    if separate:
        for label in ("S", "L"):
            url = with_database(database_url, f"{database_name(database_url)}_{label.lower()}")
            admin = with_database(database_url, "postgres")
            with psycopg.connect(admin, autocommit=True) as conn:
                if (
                    conn.execute(
                        "SELECT 1 FROM pg_database WHERE datname = %s", (database_name(url),)
                    ).fetchone()
                    is None
                ):
                    conn.execute(f'CREATE DATABASE "{database_name(url)}"')
            centre = prepare(
                url,
                scale=label,
                seed=seed,
                today=today,
                recreate=True,
                template=database_name(database_url) + "_base",
            )
            with production_server(database_url=url, workers=2) as (base, _root):
                figures[label] = {
                    "synthetic_patients": CENTRES[label].patients,
                    "centre": centre["centre"].get("counts", {}),
                    "generation_s": centre["centre"].get("seconds"),
                    **_growth_load(base, seconds),
                }
            figures[label]["reports"] = _reports_of(url, label, today)
    else:
        small = SCALES[scale]
        with production_server(database_url=database_url, workers=2) as (base, _root):
            for label, total in (("S", small), ("L", small * 7)):
                grow_patients(database_url, total=total)
                figures[label] = {"synthetic_patients": total, **_growth_load(base, seconds)}
                figures[label]["reports"] = _reports_of(database_url, scale, today)
        figures["note"] = "smoke test: patients grow 7x, the orders stay those of the tiny centre"
    orders = [figures[k].get("centre", {}).get("orders") for k in ("S", "L")]
    data_ratio = orders[1] / orders[0] if orders[0] and orders[1] else 7.0  # smoke: patients x7
    figures["reports_growth"] = report_growth(
        figures["S"]["reports"], figures["L"]["reports"], data_ratio
    )
    for name in ("patient_search", "pharmacy_plan"):
        s, l_ = figures["S"][name]["p50_ms"], figures["L"][name]["p50_ms"]
        ratio = round(l_ / s, 3) if s else 0.0
        figures[f"{name}_p50_ratio_L_over_S"] = ratio
        figures[f"{name}_goal"] = {"goal": "<= 1.35", "met": 0 < ratio <= 1.35}
    return figures


def hl7_figures(database_url: str, *, messages: int, outbound: int) -> dict[str, Any]:
    """HL7 over MLLP (``bench.hl7``, in a child process: it sets Django up for the worker's
    send path): inbound throughput and latency to the ACK, outbound send rate."""
    done = subprocess.run(  # noqa: S603 - fixed command line
        [
            sys.executable,
            "-m",
            "bench.hl7",
            "--messages",
            str(messages),
            "--connections",
            "4",
            "--outbound",
            str(outbound),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return {"error": f"bench.hl7 failed with exit status {done.returncode}"}
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
    }


PHASES = ("web", "scaling", "growth", "reports", "hl7", "vials", "agenda")


def main(argv: list[str] | None = None) -> int:
    # as manage.py does: the generated history is sealed with the audit key of Django's
    # settings, read in this process (a run without the variable failed half-way)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", default="M", choices=["tiny", "S", "M", "L"])
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--only",
        default=",".join(PHASES),
        help=f"the phases to run, comma-separated (default: all of {','.join(PHASES)})",
    )
    parser.add_argument("--vial-days", type=int, default=None, help="vial replay days (0: skip)")
    parser.add_argument(
        "--hl7-messages", type=int, default=None, help="HL7 inbound messages (0: skip)"
    )
    parser.add_argument(
        "--agenda-days", type=int, default=None, help="day-planner days per scale (0: skip)"
    )
    parser.add_argument(
        "--no-recreate",
        action="store_true",
        help="never drop the database (it must be empty or hold this very centre)",
    )
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        parser.error("DATABASE_URL is required (make bench sets it)")
    tiny = args.scale == "tiny"
    only = {p.strip() for p in args.only.split(",") if p.strip()}
    if not only <= set(PHASES) or "web" not in only:
        parser.error(f"--only: a comma-separated list of {', '.join(PHASES)}; web always runs")
    seconds = args.seconds if args.seconds is not None else (3.0 if tiny else 30.0)
    users = len(scenarios.MIX) if tiny else args.users
    today = _local_today()
    # make bench owns its database (corsia_bench...): it may drop and clone it
    recreate = not args.no_recreate and database_name(database_url).startswith("corsia_bench")

    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"

    def keep() -> None:
        """The figures so far, written after each phase: a run stopped (or failing) in a
        later phase keeps what it measured (``partial``: true until the end)."""
        path.write_text(json.dumps({**result, "partial": True}, indent=2))

    result: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "scale": args.scale,
        "seed": args.seed,
        "machine": machine(),
        "setup": prepare(
            database_url, scale=args.scale, seed=args.seed, today=today, recreate=recreate
        ),
    }
    load_context(database_url, today)
    result["web"] = web_workload(
        database_url, users=users, seconds=seconds, path_orders=2 if tiny else 5
    )
    keep()
    if "scaling" in only:
        result["scaling"] = web_scaling(
            database_url, users=users, seconds=seconds, two=result["web"]
        )
    keep()
    if "growth" in only:
        result["data_growth"] = data_growth(
            database_url,
            scale=args.scale,
            seconds=seconds,
            seed=args.seed,
            today=today,
            separate=not tiny and recreate,
        )
    keep()
    history = CENTRES[args.scale].history_days
    if "reports" in only:
        result["reports"] = report_figures(
            database_url,
            first=today - timedelta(days=history),
            last=today,
            repeats=1 if tiny else 5,
        )
    keep()
    hl7_messages = args.hl7_messages if args.hl7_messages is not None else (40 if tiny else 2000)
    hl7_messages = hl7_messages if "hl7" in only else 0
    if hl7_messages:
        result["hl7"] = hl7_figures(
            database_url, messages=hl7_messages, outbound=10 if tiny else 200
        )
    keep()
    vial_days = args.vial_days if args.vial_days is not None else (0 if tiny else 5)
    vial_days = vial_days if "vials" in only else 0
    if vial_days:
        # imported here: the vial replay loads OR-Tools (about 2 s), which a run without it
        # (the tiny smoke run) should not pay
        from bench.vials import vial_benchmark

        result["vial_replay"] = vial_benchmark(
            args.seed,
            vial_days,
            CENTRES[args.scale].preparations_per_day,
            time_limit_s=2.0,
            window_limit_s=10.0,
        )
    keep()
    agenda_days = args.agenda_days if args.agenda_days is not None else (1 if tiny else 10)
    agenda_days = agenda_days if "agenda" in only else 0
    if agenda_days:
        # imported here for the same reason as the vial replay (OR-Tools)
        from bench.agenda import agenda_benchmark

        result["agenda"] = agenda_benchmark(
            days=agenda_days,
            seed=args.seed,
            scales=("S",) if tiny else ("S", "M"),
            time_limit_s=1.0 if tiny else 8.0,
        )
    keep()
    result["not_measured"] = {
        "generated_history": "audit events and pump messages of the generated history are not"
        " generated (orders, preparations, stock, administrations and toxicities are)",
        **({} if vial_days else {"vial_replay": "skipped (--vial-days 0, or tiny scale)"}),
        **({} if agenda_days else {"agenda": "skipped (--agenda-days 0)"}),
        **{phase: "skipped (--only)" for phase in PHASES if phase not in only},
    }
    path.write_text(json.dumps(result, indent=2))
    sys.stdout.write(
        json.dumps(result, indent=2)
        + "\n\n"
        + table(result)
        + f"\n\nwritten to {path.relative_to(ROOT)}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
