"""Start the production server (granian, WSGI) on a free loopback port for the run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def production_server(
    *,
    database_url: str,
    workers: int = 2,
    threads: int = 4,
    cpus: set[int] | None = None,
) -> Iterator[tuple[str, psutil.Process]]:
    """granian with ``workers`` processes of ``threads`` threads, on ``cpus`` (None: any),
    with the bench's settings (``bench.settings``: each response carries its CPU time)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CORSIA_DEMO": "1",
        "DJANGO_DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        # the load comes from one address; the bench measures throughput, not lockout
        "CORSIA_INACTIVITY_TIMEOUT_SECONDS": "86400",
    }
    command = [
        str(Path(sys.executable).parent / "granian"),
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-ws",
        "--log-level",
        "error",
        "config.wsgi:application",
    ]
    # the server's processes on their CPUs (granian's workers inherit it), not on the load
    # generator's, which the caller may have pinned this process to
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    process = subprocess.Popen(command, cwd=ROOT, env=env, preexec_fn=pin)  # noqa: S603, PLW1509 - fixed command line
    base = f"http://127.0.0.1:{port}"
    try:
        # a guard against a server that never answers: Django starting in each process may
        # take a minute or more on a loaded machine with the server on one CPU
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.3)
        yield base, psutil.Process(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def tree_peak_rss_mb(root: psutil.Process) -> float:
    """Largest resident set among the server's worker processes, in MiB."""
    processes = [root, *root.children(recursive=True)]
    rss = []
    for proc in processes:
        try:
            rss.append(proc.memory_info().rss)
        except psutil.Error:
            continue
    return round(max(rss, default=0) / 2**20, 1)
