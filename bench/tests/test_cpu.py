"""The bench's CPU measure (``bench.cpu``): the headers of one request, the means per
operation, the goal, the split of the CPUs between the load generator and the server."""

from __future__ import annotations

import os
import subprocess
import sys

import psutil
import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from bench.cpu import (
    HEADER_DB,
    HEADER_QUERIES,
    HEADER_SERVER,
    CpuMiddleware,
    PhaseCpu,
    cpu_split,
    mix_cpu,
    per_request,
    postmaster,
    schedstat_ns,
)
from corsia.testing.database import url_of_test_database


@pytest.mark.django_db
def test_each_response_carries_its_queries_and_the_cpu_of_its_thread_and_backend() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        with connection.cursor() as cursor:
            for _ in range(3):
                # a query that costs the backend some CPU (a few ms)
                cursor.execute("SELECT count(*) FROM generate_series(1, 200000)")
        return HttpResponse("ok")

    response = CpuMiddleware(view)(RequestFactory().get("/"))
    assert response[HEADER_QUERIES] == "3"
    assert int(response[HEADER_SERVER]) >= 0
    # the backend that ran them spent CPU on them, read from its schedstat
    assert int(response[HEADER_DB]) > 0


def test_schedstat_of_a_process_that_does_not_exist_is_zero() -> None:
    assert schedstat_ns(os.getpid()) > 0
    assert schedstat_ns(2**22 + 12345) == 0


def test_means_per_operation_and_the_goal_from_hand_computed_samples() -> None:
    cpu = {
        "regimen list": [(2000, 1000, 2), (4000, 1000, 4)],  # µs, µs, queries
        "order create": [(9000, 6000, 40)],
        "login (token)": [(90000, 1000, 3)],
    }
    assert per_request(cpu, ["regimen list"]) == {
        "requests": 2,
        "server_cpu_ms": 3.0,
        "db_cpu_ms": 1.0,
        "total_cpu_ms": 4.0,
        "queries": 3.0,
    }
    mixed = mix_cpu(cpu, ["regimen list", "order create"], None, 0)
    # (2 + 4 + 9) / 3 = 5 ms server, (1 + 1 + 6) / 3 = 2.667 ms database: 7.667 > 5
    assert mixed["per_mixed_request"]["total_cpu_ms"] == pytest.approx(7.667, abs=0.001)
    assert mixed["goal"] == {"goal": "<= 5 ms", "met": False}
    assert "phase_totals" not in mixed
    assert mix_cpu(cpu, ["regimen list"], None, 0)["goal"]["met"] is True
    assert per_request(cpu, ["nothing"])["server_cpu_ms"] is None


def test_the_load_generator_gets_one_cpu_and_the_server_the_others() -> None:
    available = sorted(os.sched_getaffinity(0))
    split = cpu_split()
    if len(available) < 2:
        assert split is None
    else:
        assert split == ({available[0]}, set(available[1:]))


@pytest.mark.django_db
def test_the_postmaster_is_the_parent_of_a_live_backend() -> None:
    # given our own backend (the connection stays open while we look)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        ours = cursor.fetchone()[0]
        # when the bench looks for the server's main process from another connection
        found = postmaster(url_of_test_database())
        # then it is the PostgreSQL process our backend was forked from
        assert found is not None
        assert ours in {child.pid for child in found.children()}


_CHILD = """
import sys, time
def burn(seconds):
    until = time.process_time() + seconds
    while time.process_time() < until:
        pass
burn(0.3)
print("burnt", flush=True)
sys.stdin.readline()
burn(0.2)
"""


def test_a_process_ending_during_a_phase_counts_what_it_used_in_the_phase_only() -> None:
    """A child that used 0.3 s of CPU before the phase, 0.2 s in it, then ended (reaped
    by its parent, as the postmaster reaps a backend whose connection closed): the phase
    counts its 0.2 s (before: its 0.3 s were taken off and its 0.2 s lost, a negative
    total)."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline() == "burnt\n"  # its 0.3 s (and its start-up) used
    with PhaseCpu(psutil.Process(os.getpid()), None) as phase:
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.wait(timeout=60) == 0  # ended and reaped within the phase
    # its 0.2 s (ticks of 10 ms), this process's reading and waiting: not its 0.3 s before
    assert 0.17 <= phase.server_s < 0.45
    assert phase.database_s == 0.0
