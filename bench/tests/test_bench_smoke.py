"""The benchmark at the smallest scale, as a smoke test: it runs and reports every figure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.consistency import centre_consistency
from corsia.audit.selectors import chain_reports
from corsia.demo import setup
from corsia.testing.database import url_of_test_database

pytestmark = pytest.mark.bench  # minutes long: left out of `make test-fast`

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.xdist_group("bench")
@pytest.mark.django_db(transaction=True)
def test_bench_runs_at_tiny_scale_and_reports_the_figures(settings) -> None:  # type: ignore[no-untyped-def]
    # given the reference data and demo users committed in the test database
    settings.DEMO_MODE = True
    list(setup.reference_data())
    list(setup.demo_hospital())
    env = {**os.environ, "DATABASE_URL": url_of_test_database(), "CORSIA_DEMO": "1"}
    # when the benchmark runs for one second per phase on a tiny synthetic centre
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", "tiny", "--seconds", "1", "--no-recreate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        # a guard against a hung run, not a speed limit (make bench measures speed): about
        # 80 s alone, much more beside the other test worker on a loaded 2-core machine; the
        # mix served again by one web process adds a server start and a phase
        timeout=900,
        check=False,
    )
    # then it prints a JSON document with the web figures and their goals
    assert done.returncode == 0, done.stderr[-8000:]
    document = json.loads(done.stdout.split("\n\n")[0])
    centre = document["setup"]["centre"]
    assert centre["counts"]["orders"] > 0
    assert centre["counts"]["state_administered"] > 0
    assert centre["peak_rss_mb"] > 0
    web = document["web"]
    assert web["mix"]["errors"] == 0, web["error_samples"]
    assert {op["name"] for op in web["operations"]} >= {
        "dose preview",
        "drug search",
        "regimen list",
        "patient search",
        "order create",
        "pharmacy work plan page",
        "order page",
    }
    assert web["floor"][0]["count"] > 0
    assert set(web["goals"]) == {
        "mix_requests_per_s",
        "mix_p95_ms",
        "mix_p99_ms",
        "mix_errors",
        "mix_cpu_ms_per_request",
    }
    # every answered request of the mix carried its CPU time and queries (bench.cpu): the
    # server's thread and the database backend spent some, and every operation queried
    cpu = web["cpu"]["per_mixed_request"]
    assert cpu["requests"] == sum(
        op["count"] for op in web["operations"] if not op["name"].startswith("login")
    )
    assert cpu["server_cpu_ms"] > 0 and cpu["db_cpu_ms"] > 0 and cpu["queries"] >= 1
    assert web["cpu"]["goal"]["goal"] == "<= 5 ms"
    for op in web["operations"]:
        assert op["queries"] >= 1, op
    totals = web["cpu"]["phase_totals"]
    assert totals["server_cpu_s"] > 0 and totals["database_measured"] is True
    assert totals["db_cpu_s"] > 0
    # the mix served by 1 and by 2 web processes, side by side
    runs = document["scaling"]["runs"]
    assert [r["web_processes"] for r in runs] == [1, 2]
    assert runs[0]["mix"]["errors"] == 0, runs[0]["error_samples"]
    assert runs[0]["cpu"]["per_mixed_request"]["requests"] > 0
    assert "mix with 1 web process:" in done.stdout and "mix with 2 web processes:" in done.stdout
    assert web["server_worker_peak_rss_mb"] > 0
    path = web["critical_path"]
    assert "error" not in path, path
    assert list(path["steps_ms_median"]) == [
        "create (doses computed)",
        "read",
        "reduce one drug",
        "confirm",
        "send",
        "validate",
        "take charge",
        "hood session + assign",
        "vial plan",
        "scan",
        "weigh bag before",
        "weigh",
        "release",
        "check-out",
        "bedside verify + start",
        "end",
    ]
    # mFOLFOX6 day 1: four preparations (oxaliplatin, folinic acid, 5-FU bolus and 46-h
    # infusion) and six drugs at the bedside (the two antiemetics are the ward's)
    calls = path["calls_per_order"]
    assert (calls["weigh bag before"], calls["weigh"], calls["release"]) == (4, 4, 4)
    assert calls["check-out"] == 1
    assert (calls["bedside verify + start"], calls["end"]) == (6, 6)
    assert calls["scan"] >= 4
    assert path["goal_ms"] == 500
    assert sum(path["steps_share"].values()) == pytest.approx(1, abs=0.01)
    assert path["total_ms"] > 0
    growth = document["data_growth"]
    assert growth["S"]["synthetic_patients"] == 400
    assert growth["L"]["synthetic_patients"] == 2800
    for name in ("patient_search", "pharmacy_plan"):
        assert growth["S"][name]["errors"] == growth["L"][name]["errors"] == 0
        assert growth["L"][name]["requests"] > 0
    # every registered report ran over the centre's history, timed, without an error
    from corsia.reports.domain.registry import definitions

    reports = document["reports"]
    assert set(reports) == {d.code for d in definitions()}
    assert {code: f["error"] for code, f in reports.items()} == dict.fromkeys(reports, "")
    assert all(f["runs"] == 1 and f["p95_ms"] > 0 for f in reports.values())
    assert reports["pharmacy_consumption"]["rows"] > 0  # the centre's vials were drawn
    assert set(growth["reports_growth"]) == set(reports)
    # and the centre it generated is a consistent hospital
    consistency = centre_consistency(env["DATABASE_URL"])
    assert consistency["violations"] == dict.fromkeys(consistency["violations"], 0)
    figures = consistency["figures"]
    assert figures["preparations"] > 0
    assert figures["administrations"] > 0
    assert figures["toxicities"] > 0
    assert figures["stock_movements"] > 0
    assert 0.6 <= figures["administered_share"] <= 0.95
    assert figures["preparations_pending_share"] <= 0.1  # lines the archive cannot compound
    assert figures["weighings_failed_share"] <= 0.05
    assert figures["administrations_not_completed_share"] <= 0.1
    assert figures["toxicity_grade_3_4_share"] <= 0.25
    # the access log (generated reads, then the load's) still verifies end to end
    access = next(r for r in chain_reports() if r.table == "audit_accesslogentry")
    assert access.entries >= figures["access_log"] > 0
    assert access.broken is None
