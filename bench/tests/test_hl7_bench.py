"""The HL7 part of the benchmark at its smallest, as a smoke test: the real listener takes
ADT and laboratory messages over MLLP and the worker's send path delivers RAS^O17, and the
figures come out with their goals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corsia.interop.models import InboundMessage, OutboundMessage
from corsia.records.models import LabResult
from corsia.testing.database import url_of_test_database

pytestmark = pytest.mark.bench  # starts a listener subprocess: left out of `make test-fast`

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.xdist_group("bench")
@pytest.mark.django_db(transaction=True)
def test_hl7_bench_reports_inbound_and_outbound_figures() -> None:
    env = {**os.environ, "DATABASE_URL": url_of_test_database()}
    # when 20 messages (10 A28 + 10 ORU) go over 2 connections and 5 RAS^O17 are sent
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.hl7",
            "--messages",
            "20",
            "--connections",
            "2",
            "--outbound",
            "5",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-8000:]
    figures = json.loads(done.stdout)
    inbound, outbound = figures["inbound"], figures["outbound"]
    # then every message got an AA and was applied: 10 patients, 30 results in the chart
    assert inbound["errors"] == 0, inbound["error_samples"]
    assert (inbound["messages"], inbound["connections"]) == (20, 2)
    assert InboundMessage.objects.filter(state="processed").count() == 20
    assert LabResult.objects.count() == 30
    assert inbound["messages_per_s"] > 0
    assert 0 < inbound["p50_ms"] <= inbound["p95_ms"] <= inbound["p99_ms"]
    assert set(inbound["goals"]) == {"inbound_messages_per_s", "inbound_p95_ms", "inbound_errors"}
    # and the five outgoing messages were accepted by the receiver
    assert (outbound["messages"], outbound["errors"]) == (5, 0)
    assert OutboundMessage.objects.filter(state="sent").count() == 5
    assert outbound["messages_per_s"] > 0
    assert set(outbound["goals"]) == {"outbound_messages_per_s"}
