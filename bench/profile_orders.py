"""Profile the order operations in process (pyinstrument + query counts), one at a time.

    DATABASE_URL=... CORSIA_DEMO=1 python -m bench.profile_orders [repeats]

Runs against a generated bench database (``make bench`` leaves one): for each operation
of the order scenarios, the median wall time, the number of SQL queries, and
pyinstrument's text report of the slowest run, so what limits the figures is visible.
"""

from __future__ import annotations

import os
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
    from pyinstrument import Profiler

    from bench.generate import MRN_BASE
    from corsia.accounts.models import User
    from corsia.patients.models import Patient
    from corsia.prescribing.models import TherapyOrder
    from corsia.regimens.models import RegimenVersion

    repeats = int(argv[1]) if len(argv) > 1 else 5
    physician, pharmacist = Client(), Client()
    physician.force_login(User.objects.get(username="medico"))
    pharmacist.force_login(User.objects.get(username="farmacista"))
    version = RegimenVersion.objects.get(regimen__code="FOLFOX-4", status="validated")
    patients = list(
        Patient.objects.filter(mrn__gte=str(MRN_BASE), measurements__kind="height_cm")
        .filter(date_of_birth__year__lt=timezone.localdate().year - 18)
        .values_list("pk", flat=True)
        .distinct()[: repeats * 2]
    )
    existing = TherapyOrder.objects.filter(start_date=timezone.localdate()).first()
    if existing is None:
        sys.stderr.write("no order today: generate a centre first (make bench)\n")
        return 1
    state: dict[str, Any] = {}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    def create() -> Any:
        patient = patients[state.setdefault("n", 0) % len(patients)]
        state["n"] += 1
        answer = physician.post(
            "/api/v1/orders",
            {"patient_id": patient, "regimen_version_id": version.pk, "start_date": tomorrow},
            content_type="application/json",
        )
        body = answer.json()
        state["version"] = body["version"]
        state["order"] = body["id"]
        state["item"] = body["items"][0]["id"]
        return answer

    def versioned(answer: Any) -> Any:
        state["version"] = answer.json()["version"]
        return answer

    def transition(client: Client, event: str) -> Callable[[], Any]:
        return lambda: versioned(
            client.post(
                f"/api/v1/orders/{state['order']}/transitions",
                {"event": event, "expected_version": state["version"]},
                content_type="application/json",
            )
        )

    operations: list[tuple[str, Callable[[], Any]]] = [
        ("order create", create),
        ("order read", lambda: physician.get(f"/api/v1/orders/{state['order']}")),
        (
            "order reduce one drug",
            lambda: versioned(
                physician.post(
                    f"/api/v1/orders/{state['order']}/items/{state['item']}/adjust",
                    {
                        "reduction_percent": "20",
                        "reason": "Neutropenia G2",
                        "expected_version": state["version"],
                    },
                    content_type="application/json",
                )
            ),
        ),
        ("order confirm", transition(physician, "confirm")),
        ("order send", transition(physician, "send")),
        ("order validate", transition(pharmacist, "validate")),
        ("order take_charge", transition(pharmacist, "take_charge")),
        ("order page", lambda: physician.get(f"/prescribing/orders/{existing.pk}/")),
        ("pharmacy work plan page", lambda: pharmacist.get("/prescribing/pharmacy/")),
    ]
    timings: dict[str, list[float]] = {name: [] for name, _ in operations}
    queries: dict[str, int] = {}
    slowest: dict[str, tuple[float, str]] = {}
    for _ in range(repeats):
        for name, call in operations:
            profiler = Profiler(interval=0.0005)
            with CaptureQueriesContext(connection) as captured:
                profiler.start()
                started = time.perf_counter()
                response = call()
                elapsed = time.perf_counter() - started
                profiler.stop()
            if response.status_code >= 400:
                sys.stderr.write(f"{name}: {response.status_code} {response.content[:300]!r}\n")
                return 1
            timings[name].append(elapsed)
            queries[name] = len(captured.captured_queries)
            if elapsed > slowest.get(name, (0.0, ""))[0]:
                slowest[name] = (elapsed, profiler.output_text(unicode=True, show_all=False))
    for name, values in timings.items():
        sys.stdout.write(
            f"{name:<28} median {statistics.median(values) * 1000:7.1f} ms  "
            f"{queries[name]:>3} queries\n"
        )
    for name, (_elapsed, report) in slowest.items():
        sys.stdout.write(f"\n===== {name}\n{report}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
