"""The write helpers every clinical act of the record shares (services/_common.py): the new
row stamped with its writer and workstation, its audit event in the same transaction; a
row locked or not found."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import NotFound
from corsia.patients.models import Patient
from corsia.records import audit_events as events
from corsia.records.models import AnamnesisVersion, PerformanceStatus
from corsia.records.services._common import row_for_update, row_record

pytestmark = pytest.mark.django_db


def test_row_record_stamps_the_writer_and_workstation_and_audits_the_row(
    physician: User, patient: Patient
) -> None:
    with transaction.atomic():
        row = row_record(
            PerformanceStatus,
            event=events.PERFORMANCE_STATUS_RECORDED,
            actor=physician,
            workstation=None,
            after=lambda row: {"scale": row.scale, "value": row.value},
            patient_id=patient.pk,
            scale="ecog",
            value=1,
            assessed_on=date(2026, 11, 30),
        )
    saved = PerformanceStatus.objects.get(pk=row.pk)
    assert (saved.recorded_by_id, saved.scale, saved.value) == (physician.pk, "ecog", 1)
    audit = AuditEvent.objects.get(event_type="records.performance_status_recorded")
    assert (audit.actor_id, audit.patient_id, audit.target_id) == (
        physician.pk,
        patient.pk,
        str(row.pk),
    )
    assert audit.after == {"scale": "ecog", "value": 1}
    assert audit.before is None


def test_row_record_writes_the_writer_column_it_is_given_and_the_before_values(
    physician: User, patient: Patient
) -> None:
    with transaction.atomic():
        row = row_record(
            AnamnesisVersion,
            event=events.ANAMNESIS_SIGNED,
            actor=physician,
            workstation=None,
            before={"number": 0},
            after={"number": 1},
            writer="author",
            patient_id=patient.pk,
            number=1,
            family="padre: carcinoma del colon a 70 anni",
        )
    assert AnamnesisVersion.objects.get(pk=row.pk).author_id == physician.pk
    audit = AuditEvent.objects.get(event_type="records.anamnesis_signed")
    assert (audit.before, audit.after) == ({"number": 0}, {"number": 1})


def test_row_for_update_refuses_a_missing_row_with_the_acts_own_message_and_code() -> None:
    with transaction.atomic(), pytest.raises(NotFound) as refused:
        row_for_update(
            PerformanceStatus,
            987_654,
            related=(),
            missing="Valutazione non trovata.",
            code="ps_not_found",
        )
    assert refused.value.code == "ps_not_found"
    assert str(refused.value) == "Valutazione non trovata."
