"""The anamnesis by Gordon's patterns, the care diary and the monitoring: written once,
corrected or revised by a new row with a reason, refused bad input, read with the access
log; the monitoring's hard limits (pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.nursing import selectors, services
from corsia.nursing.domain import gordon, monitoring
from corsia.nursing.models import MonitoringEntry, NursingAnamnesis, NursingNote
from corsia.patients.models import Patient
from corsia.testing.accounts import api_client, logged_in, post_json


def test_gordon_has_eleven_patterns() -> None:
    assert len(gordon.PATTERNS) == 11
    assert len(set(gordon.PATTERN_CODES)) == 11


@pytest.mark.parametrize(
    ("code", "raw", "value"),
    [
        ("diuresis_ml", "1250", Decimal(1250)),
        ("weight_kg", "62,5", Decimal("62.5")),
        ("glycaemia_mg_dl", 98, Decimal(98)),
    ],
)
def test_monitoring_values(code: str, raw: object, value: Decimal) -> None:
    assert monitoring.ensure_value(code, raw)[1] == value


@pytest.mark.parametrize(
    ("code", "raw", "error"),
    [
        ("diuresis_ml", "-5", "value_out_of_range"),
        ("diuresis_ml", "1e308", "value_invalid"),
        ("diuresis_ml", "NaN", "value_invalid"),
        ("diuresis_ml", "molta", "value_invalid"),
        ("diuresis_ml", "", "required"),
        ("diuresis_ml", True, "required"),
        ("weight_kg", "0", "value_out_of_range"),
        ("weight_kg", "62.55", "value_too_precise"),
        ("glycaemia_mg_dl", "5", "value_out_of_range"),
        ("shoe_size", "42", "parameter_unknown"),
    ],
)
def test_monitoring_refusals(code: str, raw: object, error: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        monitoring.ensure_value(code, raw)
    assert refused.value.code == error


@pytest.mark.django_db
def test_anamnesis_first_then_a_new_version_with_a_reason(nurse: User, patient: Patient) -> None:
    first = services.anamnesis_write(
        actor=nurse,
        workstation=None,
        patient_id=patient.pk,
        data=services.AnamnesisInput(
            admission_reason="Febbre dopo il secondo ciclo",
            patterns={"sleep_rest": "Dorme 5 ore, si sveglia per il dolore", "elimination": ""},
            caregiver="Figlia (Laura)",
        ),
    )
    assert first.patterns == {"sleep_rest": "Dorme 5 ore, si sveglia per il dolore"}
    with pytest.raises(ConflictError):  # the nurse's page showed no version: one exists now
        services.anamnesis_write(
            actor=nurse,
            workstation=None,
            patient_id=patient.pk,
            data=services.AnamnesisInput(admission_reason="x"),
        )
    with pytest.raises(ValidationFailed) as no_reason:
        services.anamnesis_write(
            actor=nurse,
            workstation=None,
            patient_id=patient.pk,
            data=services.AnamnesisInput(admission_reason="x"),
            expected_latest_id=first.pk,
        )
    assert no_reason.value.code == "required"
    second = services.anamnesis_write(
        actor=nurse,
        workstation=None,
        patient_id=patient.pk,
        data=services.AnamnesisInput(
            admission_reason="Febbre dopo il secondo ciclo",
            patterns={"sleep_rest": "Dorme meglio con la terapia del dolore"},
        ),
        expected_latest_id=first.pk,
        reason="Rivalutazione in terza giornata",
    )
    assert second.supersedes_id == first.pk
    record = selectors.patient_written_record(user=nurse, patient_id=patient.pk)
    assert record.anamnesis is not None and record.anamnesis.pk == second.pk
    assert AuditEvent.objects.filter(event_type="nursing.anamnesis_revised").get().reason == (
        "Rivalutazione in terza giornata"
    )
    assert AccessLogEntry.objects.filter(
        patient_id=patient.pk, what="anamnesi, diario e monitoraggi (infermieristica)"
    ).exists()


@pytest.mark.django_db
def test_an_unknown_pattern_is_refused(nurse: User, patient: Patient) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.anamnesis_write(
            actor=nurse,
            workstation=None,
            patient_id=patient.pk,
            data=services.AnamnesisInput(admission_reason="x", patterns={"nanda_00001": "y"}),
        )
    assert refused.value.code == "pattern_unknown"
    assert NursingAnamnesis.objects.count() == 0


@pytest.mark.django_db
def test_a_note_is_written_once_and_corrected_by_a_new_one(nurse: User, patient: Patient) -> None:
    note = services.note_write(
        actor=nurse,
        workstation=None,
        patient_id=patient.pk,
        text="Notte tranquilla",
        kind="handover",
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        NursingNote.objects.filter(pk=note.pk).update(text="altro")
    fixed = services.note_correct(
        actor=nurse,
        workstation=None,
        note_id=note.pk,
        text="Notte agitata",
        reason="Letto sbagliato",
    )
    assert (fixed.supersedes_id, fixed.kind, fixed.written_at) == (
        note.pk,
        "handover",
        note.written_at,
    )
    current = selectors.patient_written_record(user=nurse, patient_id=patient.pk).notes
    assert [n.pk for n in current] == [fixed.pk]
    with pytest.raises(ValidationFailed):
        services.note_write(actor=nurse, workstation=None, patient_id=patient.pk, text="a\x00b")
    with pytest.raises(ValidationFailed):
        services.note_write(
            actor=nurse, workstation=None, patient_id=patient.pk, text="x", kind="nanda"
        )


@pytest.mark.django_db
def test_monitoring_recorded_and_corrected(nurse: User, patient: Patient) -> None:
    entry = services.monitoring_record(
        actor=nurse, workstation=None, patient_id=patient.pk, parameter="diuresis_ml", value="800"
    )
    fixed = services.monitoring_correct(
        actor=nurse, workstation=None, entry_id=entry.pk, value="1800", reason="Errore di battitura"
    )
    assert fixed.value == Decimal(1800) and fixed.supersedes_id == entry.pk
    with pytest.raises(ConflictError):
        services.monitoring_correct(
            actor=nurse, workstation=None, entry_id=entry.pk, value="900", reason="x"
        )
    with pytest.raises(ValidationFailed):
        services.monitoring_record(
            actor=nurse,
            workstation=None,
            patient_id=patient.pk,
            parameter="diuresis_ml",
            value="1e308",
        )
    assert MonitoringEntry.objects.count() == 2


@pytest.mark.django_db
def test_pages_and_api_of_the_written_record(nurse: User, patient: Patient) -> None:
    client = logged_in(nurse)
    assert client.get(f"/nursing/patients/{patient.pk}/anamnesis/").status_code == 200
    done = client.post(
        f"/nursing/patients/{patient.pk}/anamnesis/",
        {"admission_reason": "Neutropenia febbrile", "pattern_sleep_rest": "Dorme poco"},
    )
    assert done.status_code == 302
    refused = client.post(
        f"/nursing/patients/{patient.pk}/monitoring/",
        {"parameter": "diuresis_ml", "value": "-1"},
        follow=True,
    )
    assert "il valore deve essere tra 0 e 20000 mL" in refused.content.decode()
    client.post(f"/nursing/patients/{patient.pk}/notes/", {"kind": "diary", "text": "Mobilizzata"})
    page = client.get(f"/nursing/patients/{patient.pk}/").content.decode()
    assert "Neutropenia febbrile" in page and "Mobilizzata" in page
    api = api_client(nurse)
    status, body = post_json(
        api,
        f"/api/v1/nursing/patients/{patient.pk}/monitoring",
        {"parameter": "weight_kg", "value": "61.5"},
    )
    assert status == 201 and body["value"] == "61.5"
    status, body = post_json(
        api,
        f"/api/v1/nursing/patients/{patient.pk}/notes",
        {"text": "Consegna", "kind": "handover"},
    )
    assert status == 201
    read = api.get(f"/api/v1/nursing/patients/{patient.pk}/record").json()
    assert read["anamnesis"]["patterns"] == {"sleep_rest": "Dorme poco"}
    assert [n["text"] for n in read["notes"]] == ["Consegna", "Mobilizzata"]
    assert [m["parameter"] for m in read["monitoring"]] == ["weight_kg"]
