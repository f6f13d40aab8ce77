"""The programs of the durability test (``make test-long``, tests/audit/test_durability.py).

Run as separate processes against a PostgreSQL of their own, killed under them::

    python -m corsia.testing.durability setup          # roles, a physician, a patient
    python -m corsia.testing.durability write N        # N threads writing until killed
    python -m corsia.testing.durability check < acks   # what survived, as JSON

``write`` goes through the real services: each write is a measure (``measurement_record``:
the measure and its audit event in one transaction) followed by a read of the chart in the
access log (``access_log_record``). A line ``M <id>`` or ``A <id>`` is printed, flushed,
only after the service has returned — its transaction committed: the client's list of
acknowledged writes. ``check`` answers which of them are missing, whether both audit chains
verify, and whether any measure lacks its audit event or an audit event its measure (a
half-written transaction).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from decimal import Decimal

MEASURE_EVENT = "prescribing.measurement_recorded"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def setup() -> None:
    from corsia.accounts import services as accounts
    from corsia.accounts.domain.roles import Role
    from corsia.accounts.models import User
    from corsia.testing.patients import patient_registered

    accounts.roles_sync()
    from django.contrib.auth.models import Group

    physician = User.objects.create_user(username="durability", password="Pw-durability-1")
    physician.groups.add(Group.objects.get(name=Role.PHYSICIAN.value))
    coordinator = User.objects.create_user(username="registrar", password="Pw-durability-1")
    coordinator.groups.add(Group.objects.get(name=Role.COORDINATOR.value))
    patient = patient_registered(coordinator)
    sys.stdout.write(json.dumps({"patient": patient.pk, "user": physician.pk}) + "\n")


def write(threads: int, patient_id: int, user_id: int) -> None:
    from django.db import connection

    from corsia.accounts.models import User
    from corsia.audit.services import access_log_record
    from corsia.prescribing.services import measurement_record

    lock = threading.Lock()
    actor = User.objects.get(pk=user_id)
    connection.close()

    def ack(kind: str, pk: int) -> None:
        with lock:
            sys.stdout.write(f"{kind} {pk}\n")
            sys.stdout.flush()

    def writer(n: int) -> None:
        grams = 0
        try:
            while True:
                grams += 1
                row = measurement_record(
                    actor=actor,
                    workstation=None,
                    patient_id=patient_id,
                    kind="weight_kg",
                    value=Decimal("70") + Decimal(grams % 1000) / 1000,
                )
                ack("M", row.pk)
                entry = access_log_record(
                    user=actor, patient_id=patient_id, what=f"durability {n}", workstation=None
                )
                ack("A", entry.pk)
        except Exception as error:  # the server killed under it: the point
            with lock:
                sys.stderr.write(f"writer {n} stopped: {type(error).__name__}: {error}\n")
        finally:
            connection.close()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def check(acks: list[str]) -> None:
    from django.db.models import Count

    from corsia.audit.models import AccessLogEntry, AuditEvent
    from corsia.audit.selectors import chain_reports
    from corsia.prescribing.models import Measurement

    measures = {int(line.split()[1]) for line in acks if line.startswith("M ")}
    reads = {int(line.split()[1]) for line in acks if line.startswith("A ")}
    present_measures = set(Measurement.objects.filter(pk__in=measures).values_list("pk", flat=True))
    present_reads = set(AccessLogEntry.objects.filter(pk__in=reads).values_list("pk", flat=True))
    stored = set(Measurement.objects.values_list("pk", flat=True))
    events = AuditEvent.objects.filter(event_type=MEASURE_EVENT)
    per_target = dict(
        events.values_list("target_id").annotate(n=Count("id")).values_list("target_id", "n")
    )
    answer = {
        "acknowledged": len(measures) + len(reads),
        "lost": sorted(measures - present_measures) + sorted(reads - present_reads),
        "measures_without_event": sorted(pk for pk in stored if per_target.get(str(pk)) != 1),
        "events_without_measure": sorted(t for t in per_target if int(t) not in stored),
        "chains": [
            {"table": r.table, "entries": r.entries, "ok": r.broken is None}
            for r in chain_reports()
        ],
        "measures": len(stored),
    }
    sys.stdout.write(json.dumps(answer) + "\n")


def main(argv: list[str]) -> int:
    _django()
    command = argv[1]
    if command == "setup":
        setup()
    elif command == "write":
        write(int(argv[2]), int(argv[3]), int(argv[4]))
    elif command == "check":
        check(sys.stdin.read().splitlines())
    else:
        sys.stderr.write(f"unknown command {command!r}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
