"""The ward's non-antiblastic therapy on the FHIR server: its prescriptions as
MedicationRequest and the round's doses as MedicationAdministration (``ward-<n>``), each
validated against the R4 model; the dosage (times, as needed with its indication and its
maximum in 24 hours) written out by hand; a corrected dose entered in error."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from corsia.fhir.domain.ward_medication import (
    WardDoseFacts,
    WardPrescriptionFacts,
    ward_medication_administration,
    ward_medication_request,
)
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.fhir import fhir_get, r4
from corsia.testing.therapy import inpatient_in_bed, paracetamol, prescribed
from corsia.therapy import services

ROME = ZoneInfo("Europe/Rome")
SIGNED = datetime(2026, 3, 10, 7, 0, tzinfo=ROME)


def rx_facts(**fields: object) -> WardPrescriptionFacts:
    base: dict[str, object] = {
        "id": 7,
        "patient_id": 3,
        "ingredient_code": "paracetamol",
        "ingredient_name": "Paracetamolo",
        "dose": Decimal(1),
        "dose_unit": "g",
        "route": "os",
        "route_label": "per os",
        "frequency": "scheduled",
        "times": ("08:00", "20:00"),
        "start_date": date(2026, 3, 10),
        "days": 5,
        "single_at": None,
        "prn_indication": "",
        "prn_min_interval_hours": None,
        "prn_max_per_day": None,
        "status": "active",
        "status_reason": "",
        "replaces_id": None,
        "prescriber_name": "Anna Bianchi",
        "signed_at": SIGNED,
        "today": date(2026, 3, 12),
    }
    return WardPrescriptionFacts(**{**base, **fields})  # type: ignore[arg-type]


def test_a_scheduled_prescription_has_its_times_and_its_days() -> None:
    found = ward_medication_request(rx_facts())
    r4(found)
    assert (found["id"], found["status"]) == ("ward-7", "active")
    repeat = found["dosageInstruction"][0]["timing"]["repeat"]
    # 5 days from 10 March: 10, 11, 12, 13, 14 March
    assert repeat["boundsPeriod"] == {"start": "2026-03-10", "end": "2026-03-14"}
    assert (repeat["frequency"], repeat["period"], repeat["periodUnit"]) == (2, 1, "d")
    assert repeat["timeOfDay"] == ["08:00:00", "20:00:00"]
    assert found["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["code"] == "g"
    assert ward_medication_request(rx_facts(today=date(2026, 3, 15)))["status"] == "completed"


def test_an_as_needed_prescription_has_its_indication_and_its_maximum_in_24_hours() -> None:
    found = ward_medication_request(
        rx_facts(
            frequency="prn",
            times=(),
            days=None,
            prn_indication="dolore NRS > 3",
            prn_min_interval_hours=Decimal(6),
            prn_max_per_day=3,
        )
    )
    r4(found)
    dosage = found["dosageInstruction"][0]
    assert dosage["asNeededCodeableConcept"] == {"text": "dolore NRS > 3"}
    # 3 doses of 1 g in 24 hours: 3 g per 24 h
    assert dosage["maxDosePerPeriod"]["numerator"]["value"] == 3
    assert dosage["maxDosePerPeriod"]["denominator"]["value"] == 24
    assert dosage["timing"]["repeat"]["period"] == 6


def test_a_suspended_and_a_replacing_prescription() -> None:
    stopped = ward_medication_request(rx_facts(status="suspended", status_reason="nausea"))
    r4(stopped)
    assert (stopped["status"], stopped["statusReason"]) == ("stopped", {"text": "nausea"})
    new = ward_medication_request(rx_facts(id=8, replaces_id=7))
    assert new["priorPrescription"] == {"reference": "MedicationRequest/ward-7"}


@pytest.mark.parametrize(
    ("outcome", "superseded", "status"),
    [
        ("given", False, "completed"),
        ("not_given", False, "not-done"),
        ("given", True, "entered-in-error"),
    ],
)
def test_the_dose_status_mapping(outcome: str, superseded: bool, status: str) -> None:
    found = ward_medication_administration(
        WardDoseFacts(
            id=4,
            patient_id=3,
            prescription_id=7,
            ingredient_code="paracetamol",
            ingredient_name="Paracetamolo",
            outcome=outcome,
            reason_label="Rifiutata dal paziente" if outcome == "not_given" else "",
            superseded=superseded,
            correction_reason="",
            at=SIGNED,
            amount=Decimal(1),
            dose_unit="g",
            route="os",
            route_label="per os",
            nurse_name="Carla Verdi",
            lot="",
        )
    )
    r4(found)
    assert found["status"] == status


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=ROME), tick=False)
def test_the_server_answers_the_ward_therapy_and_a_corrected_dose(make_user: MakeUser) -> None:
    ward = inpatient_in_bed(make_user)
    with time_machine.travel(SIGNED, tick=False):
        p = prescribed(ward.physician, ward.patient, paracetamol())
    record = services.dose_record(
        actor=ward.nurse,
        workstation=None,
        prescription_id=p.pk,
        data=services.DoseInput(outcome="given", due_at=datetime(2026, 3, 10, 8, 0, tzinfo=ROME)),
    )
    fix = services.dose_correct(
        actor=ward.nurse,
        workstation=None,
        record_id=record.pk,
        data=services.CorrectionInput(
            ward_code="MED2",
            kind="amend",
            reason="vomitata subito",
            outcome="not_given",
            not_given_reason="vomited",
        ),
    )
    client = api_client(ward.physician)
    patient = ward.patient.pk
    status, bundle = fhir_get(client, f"/fhir/MedicationRequest?patient={patient}")
    assert status == 200
    assert f"ward-{p.pk}" in [e["resource"]["id"] for e in bundle["entry"]]
    status, bundle = fhir_get(client, f"/fhir/MedicationAdministration?patient={patient}")
    found = {e["resource"]["id"]: e["resource"]["status"] for e in bundle["entry"]}
    assert found == {f"ward-{fix.pk}": "not-done", f"ward-{record.pk}": "entered-in-error"}
    status, one = fhir_get(client, f"/fhir/MedicationRequest/ward-{p.pk}")
    assert (status, one["status"]) == (200, "active")
    assert fhir_get(client, "/fhir/MedicationAdministration/ward-999999")[0] == 404
