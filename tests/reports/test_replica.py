"""Reports read from the read-only replica when one is configured; every write — the access
log of the patients a report read, the run's row and its progress — goes to the primary.

In tests the ``replica`` alias is a TEST MIRROR of the test database (config/settings.py):
another connection to the same rows, so the tests that use it commit their data
(``transaction=True``) and tell the two connections apart by the statements each ran."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.dbrouter import ReplicaRouter, replica_reads
from corsia.patients.models import Patient
from corsia.reports import services
from corsia.reports.models import ReportRun, RunState
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.reports import SAMPLE_CODE, sample_registered

BOTH = ["default", "replica"]


def _patients_read() -> tuple[int, ...]:
    return tuple(Patient.objects.order_by("pk").values_list("pk", flat=True))


def _statements(capture: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in capture.captured_queries]


def _reads_of(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.startswith("SELECT") and f'"{table}"' in s]


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.split(" ", 1)[0] in {"INSERT", "UPDATE", "DELETE"}]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_report_reads_on_the_replica_and_logs_its_patients_on_the_primary(
    make_user: MakeUser, settings: object
) -> None:
    # given a replica configured and two patients committed
    settings.CORSIA_READ_REPLICA = "replica"  # type: ignore[attr-defined]
    pharmacist, physician = make_user(Role.PHARMACIST), make_user(Role.PHYSICIAN)
    first = patient_registered(physician)
    second = patient_registered(physician, **ANNA_BIANCHI)
    logged_before = AccessLogEntry.objects.count()
    with (
        sample_registered(read=_patients_read),
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        # when a pharmacist runs a report reading the patients
        outcome = services.report_run(
            actor=pharmacist, workstation=None, code=SAMPLE_CODE, raw={}, channel="api"
        )
    # then the report's rows were read on the replica, not on the primary
    assert outcome.result is not None
    assert [row[5] for row in outcome.result.rows] == [
        f"Paziente {first.pk}",
        f"Paziente {second.pk}",
    ]
    assert len(_reads_of(_statements(replica), "patients_patient")) == 1
    assert _reads_of(_statements(primary), "patients_patient") == []
    # and nothing was written on the replica, nor the audit chains read there
    assert _writes(_statements(replica)) == []
    assert [s for s in _statements(replica) if "audit_" in s] == []
    # and the access log of the two patients was written on the primary, in one transaction
    primary_writes = _writes(_statements(primary))
    assert [s for s in primary_writes if 'INTO "audit_accesslogentry"' in s]
    assert AccessLogEntry.objects.count() == logged_before + 2
    logged = AccessLogEntry.objects.order_by("-pk")[:2]
    assert {e.patient_id for e in logged} == {first.pk, second.pk}
    assert {e.user_id for e in logged} == {pharmacist.pk}


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_background_run_reads_on_the_replica_and_writes_its_progress_on_the_primary(
    make_user: MakeUser, settings: object
) -> None:
    settings.CORSIA_READ_REPLICA = "replica"  # type: ignore[attr-defined]
    pharmacist, physician = make_user(Role.PHARMACIST), make_user(Role.PHYSICIAN)
    patient = patient_registered(physician)
    with sample_registered(read=_patients_read):
        queued = services.report_run(
            actor=pharmacist, workstation=None, code=SAMPLE_CODE, raw={}, background=True
        )
        assert queued.run is not None
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as replica,
        ):
            run = services.report_run_compute(run_id=queued.run.pk)
    assert run is not None and run.state == RunState.DONE
    assert len(_reads_of(_statements(replica), "patients_patient")) == 1
    assert _writes(_statements(replica)) == []
    # the progress (50 %, written by the definition inside the replica's reads) on the primary
    progress = [s for s in _writes(_statements(primary)) if '"progress" = 50' in s]
    assert len(progress) == 1 and progress[0].startswith('UPDATE "reports_reportrun"')
    assert ReportRun.objects.get(pk=run.pk).result is not None
    logged = AccessLogEntry.objects.filter(what="Report «Report di prova»")
    assert [e.patient_id for e in logged] == [patient.pk]


@pytest.mark.django_db(databases=BOTH)
def test_without_a_replica_the_report_reads_and_writes_on_the_primary(
    make_user: MakeUser, settings: object
) -> None:
    settings.CORSIA_READ_REPLICA = ""  # type: ignore[attr-defined]  # DATABASE_REPLICA_URL unset
    pharmacist = make_user(Role.PHARMACIST)
    patient = patient_registered(make_user(Role.PHYSICIAN))
    with (
        sample_registered(read=_patients_read),
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        outcome = services.report_run(
            actor=pharmacist, workstation=None, code=SAMPLE_CODE, raw={}, channel="api"
        )
    assert outcome.result is not None and outcome.result.patient_ids == frozenset({patient.pk})
    assert _statements(replica) == []
    assert len(_reads_of(_statements(primary), "patients_patient")) == 1
    assert (
        AccessLogEntry.objects.filter(patient_id=patient.pk, what__startswith="Report").count() == 1
    )


def test_the_router_sends_only_reads_inside_the_context_and_never_the_audit_chains(
    settings: object,
) -> None:
    router = ReplicaRouter()
    settings.CORSIA_READ_REPLICA = "replica"  # type: ignore[attr-defined]
    # outside the context: Django's own choice (the primary)
    assert router.db_for_read(Patient) is None
    with replica_reads() as alias:
        assert alias == "replica"
        assert router.db_for_read(Patient) == "replica"
        assert router.db_for_read(ReportRun) == "replica"
        # the chains' heads are never read from a lagging copy
        assert router.db_for_read(AccessLogEntry) == "default"
        assert router.db_for_read(AuditEvent) == "default"
        # writes always on the primary
        assert router.db_for_write(Patient) == "default"
        assert router.db_for_write(AccessLogEntry) == "default"
    assert router.db_for_read(Patient) is None
    # no replica configured, or an alias that is not a database: the primary
    for configured in ("", "elsewhere"):
        settings.CORSIA_READ_REPLICA = configured  # type: ignore[attr-defined]
        with replica_reads() as alias:
            assert alias == "default"
            assert router.db_for_read(Patient) is None
    assert router.allow_migrate("default", "patients") is True
    assert router.allow_migrate("replica", "patients") is False
