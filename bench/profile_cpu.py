"""The server's CPU per request of the mix's heaviest operations, in process.

    DATABASE_URL=... CORSIA_DEMO=1 python -m bench.profile_cpu [repeats] [--profile NAME]

Runs against a generated bench database (``python -m bench.generate`` or ``make bench``
leaves one): for each operation, the median of this process's CPU time per request
(``time.process_time``, so the other work on the machine does not blur it), its SQL
queries, and with ``--profile NAME`` cProfile's heaviest functions for that operation.
The operations are those of the mix that issue 27's M run found heaviest: the regimen
list, the order create, the order page and the pharmacy work plan page.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.generate import MRN_BASE
    from corsia.accounts.models import User
    from corsia.patients.models import Patient
    from corsia.prescribing.models import TherapyOrder
    from corsia.regimens.models import RegimenVersion

    profile = argv[argv.index("--profile") + 1] if "--profile" in argv else ""
    numbers = [a for a in argv[1:] if a.isdigit()]
    repeats = int(numbers[0]) if numbers else 10
    physician, pharmacist = Client(), Client()
    physician.force_login(User.objects.get(username="medico"))
    pharmacist.force_login(User.objects.get(username="farmacista"))
    version = RegimenVersion.objects.get(regimen__code="FOLFOX-4", status="validated")
    today = timezone.localdate()
    patients = list(
        Patient.objects.filter(
            mrn__gte=str(MRN_BASE),
            measurements__kind="height_cm",
            measurements__measured_at__gte=timezone.now() - timedelta(days=360),
        )
        .filter(date_of_birth__year__lt=today.year - 18)
        .filter(measurements__kind="weight_kg")
        .values_list("pk", flat=True)
        .distinct()[:400]
    )
    orders = list(
        TherapyOrder.objects.filter(
            start_date__range=(today - timedelta(days=30), today + timedelta(days=3))
        )
        .order_by("id")
        .values_list("pk", flat=True)[:300]
    )
    if not patients or not orders:
        sys.stderr.write("no measured patient or recent order: generate a centre first\n")
        return 1
    state = {"n": 0}

    def create() -> Any:
        state["n"] += 1
        return physician.post(
            "/api/v1/orders",
            {
                "patient_id": patients[state["n"] * 7 % len(patients)],
                "regimen_version_id": version.pk,
                "start_date": (today + timedelta(days=1)).isoformat(),
                "schedule_reason": "bench: profilo CPU",
            },
            content_type="application/json",
        )

    def page() -> Any:
        state["n"] += 1
        return physician.get(f"/prescribing/orders/{orders[state['n'] % len(orders)]}/")

    operations: list[tuple[str, Callable[[], Any]]] = [
        ("regimen list", lambda: physician.get("/api/v1/regimens/")),
        ("order create", create),
        ("order page", page),
        ("pharmacy work plan page", lambda: pharmacist.get("/prescribing/pharmacy/")),
    ]
    for name, call in operations:
        if profile and profile not in name:
            continue
        call()  # warm: templates compiled, caches filled
        with CaptureQueriesContext(connection) as captured:
            response = call()
        if response.status_code >= 400:
            sys.stderr.write(f"{name}: {response.status_code} {response.content[:300]!r}\n")
            return 1
        cpu = []
        profiler = cProfile.Profile(time.process_time) if profile == name else None
        for _ in range(repeats):
            started = time.process_time()
            if profiler:
                profiler.enable()
            call()
            if profiler:
                profiler.disable()
            cpu.append(time.process_time() - started)
        sys.stdout.write(
            f"{name:<26} CPU median {statistics.median(cpu) * 1000:7.1f} ms  "
            f"min {min(cpu) * 1000:7.1f} ms  {len(captured.captured_queries):>3} queries  "
            f"{len(response.content):>8} bytes\n"
        )
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(40)
            sys.stdout.write(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
