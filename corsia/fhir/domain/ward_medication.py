"""The ward's non-antiblastic therapy (``corsia.therapy``) as FHIR R4 resources:
MedicationRequest (a ward prescription) and MedicationAdministration (a dose recorded on the
round). Their ids are ``ward-<n>``: they share the resource types with the chemotherapy's
order lines and bedside administrations, whose ids are bare numbers.

Status mapping (decided):

| Corsia | FHIR |
|---|---|
| prescription active, its days not over | MedicationRequest `active` |
| prescription active, its last day past (a single dose past) | `completed` |
| prescription suspended (the physician stops it, with the reason) | `stopped`, `statusReason` |
| prescription replaced (a new one `priorPrescription` → it) | `stopped`, `statusReason` |
| dose given | MedicationAdministration `completed` |
| dose not given (with its reason) | `not-done`, `statusReason` |
| a record superseded by its correction | `entered-in-error` (the correction, when it amends, is its own resource; an entry in error adds none) |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from corsia.fhir.domain.datatypes import SNOMED, UCUM, _coding, _instant, _number, _ref
from corsia.fhir.domain.medication import ROUTES as CHEMO_ROUTES
from corsia.fhir.domain.medication import _medication
from corsia.fhir.domain.outcome import Resource

WARD = "ward-"
# the ward's route codes (``therapy.models.Route``) in SNOMED CT: the chemotherapy's where
# they are the same route
ROUTES = {
    "os": CHEMO_ROUTES["po"],
    "ev": CHEMO_ROUTES["iv"],
    "sc": CHEMO_ROUTES["sc"],
    "im": CHEMO_ROUTES["im"],
    "sl": ("37839007", "Sublingual route"),
    "rettale": ("37161004", "Rectal route"),
    "transdermica": ("45890007", "Transdermal route"),
    "topica": ("6064005", "Topical route"),
}
UCUM_UNITS = {"mg": "mg", "g": "g", "mcg": "ug", "mL": "mL", "IU": "[iU]", "mmol": "mmol"}


def ward_id(pk: int) -> str:
    return f"{WARD}{pk}"


def ward_pk(raw: str) -> int | None:
    """The record's number of a ``ward-<n>`` id (``None``: not one)."""
    rest = raw[len(WARD) :] if raw.startswith(WARD) else ""
    return int(rest) if rest.isdigit() and len(rest) <= 18 else None


def _quantity(value: Decimal, unit: str) -> Resource:
    found: Resource = {"value": _number(value), "unit": unit}
    if unit in UCUM_UNITS:
        found |= {"system": UCUM, "code": UCUM_UNITS[unit]}
    return found


def _route(code: str, label: str) -> Resource:
    if code in ROUTES:
        snomed, display = ROUTES[code]
        return {"coding": [_coding(SNOMED, snomed, display)], "text": label}
    return {"text": label or code}


@dataclass(frozen=True)
class WardPrescriptionFacts:
    id: int
    patient_id: int
    ingredient_code: str
    ingredient_name: str
    dose: Decimal
    dose_unit: str
    route: str
    route_label: str
    frequency: str  # scheduled, single, prn
    times: tuple[str, ...]
    start_date: date
    days: int | None
    single_at: datetime | None
    prn_indication: str
    prn_min_interval_hours: Decimal | None
    prn_max_per_day: int | None
    status: str  # active, suspended, replaced
    status_reason: str
    replaces_id: int | None
    prescriber_name: str
    signed_at: datetime
    today: date


def ward_request_status(facts: WardPrescriptionFacts) -> str:
    if facts.status != "active":
        return "stopped"
    if facts.frequency == "single" and facts.single_at is not None:
        return "completed" if facts.single_at.date() < facts.today else "active"
    if facts.days is not None:
        last = facts.start_date.toordinal() + facts.days - 1
        return "completed" if last < facts.today.toordinal() else "active"
    return "active"


def _timing(facts: WardPrescriptionFacts) -> Resource:
    if facts.frequency == "single" and facts.single_at is not None:
        return {"event": [_instant(facts.single_at)]}
    bounds: Resource = {"start": facts.start_date.isoformat()}
    if facts.days is not None:
        bounds["end"] = date.fromordinal(facts.start_date.toordinal() + facts.days - 1).isoformat()
    repeat: Resource = {"boundsPeriod": bounds}
    if facts.frequency == "scheduled":
        repeat |= {
            "frequency": len(facts.times),
            "period": 1,
            "periodUnit": "d",
            "timeOfDay": [f"{t}:00" for t in facts.times],
        }
    elif facts.prn_min_interval_hours is not None:  # as needed: at most once every N hours
        repeat |= {
            "frequency": 1,
            "period": _number(facts.prn_min_interval_hours),
            "periodUnit": "h",
        }
    return {"repeat": repeat}


def _dosage_text(facts: WardPrescriptionFacts) -> str:
    dose = f"{_number(facts.dose)} {facts.dose_unit} {facts.route_label}"
    if facts.frequency == "scheduled":
        return f"{dose} alle {', '.join(facts.times)}"
    if facts.frequency == "single" and facts.single_at is not None:
        return f"{dose} dose singola"
    return (
        f"{dose} al bisogno se {facts.prn_indication}; almeno "
        f"{_number(facts.prn_min_interval_hours or 0)} ore tra due dosi, al massimo "
        f"{facts.prn_max_per_day} in 24 ore"
    )


def ward_medication_request(facts: WardPrescriptionFacts) -> Resource:
    dosage: Resource = {
        "text": _dosage_text(facts),
        "timing": _timing(facts),
        "route": _route(facts.route, facts.route_label),
        "doseAndRate": [{"doseQuantity": _quantity(facts.dose, facts.dose_unit)}],
    }
    if facts.frequency == "prn":
        dosage["asNeededCodeableConcept"] = {"text": facts.prn_indication}
        if facts.prn_max_per_day:
            dosage["maxDosePerPeriod"] = {
                "numerator": _quantity(facts.dose * facts.prn_max_per_day, facts.dose_unit),
                "denominator": {"value": 24, "unit": "h", "system": UCUM, "code": "h"},
            }
    found: Resource = {
        "resourceType": "MedicationRequest",
        "id": ward_id(facts.id),
        "status": ward_request_status(facts),
        "intent": "order",
        "category": [{"text": "terapia di reparto"}],
        "medicationCodeableConcept": _medication(facts.ingredient_code, facts.ingredient_name),
        "subject": _ref("Patient", facts.patient_id),
        "authoredOn": _instant(facts.signed_at),
        "requester": {"display": facts.prescriber_name},
        "dosageInstruction": [dosage],
    }
    if facts.status_reason and facts.status != "active":
        found["statusReason"] = {"text": facts.status_reason}
    if facts.replaces_id is not None:
        found["priorPrescription"] = {
            "reference": f"MedicationRequest/{ward_id(facts.replaces_id)}"
        }
    return found


@dataclass(frozen=True)
class WardDoseFacts:
    id: int
    patient_id: int
    prescription_id: int
    ingredient_code: str
    ingredient_name: str
    outcome: str  # given, not_given
    reason_label: str
    superseded: bool
    correction_reason: str
    at: datetime
    amount: Decimal
    dose_unit: str
    route: str
    route_label: str
    nurse_name: str
    lot: str


def ward_administration_status(facts: WardDoseFacts) -> str:
    if facts.superseded:
        return "entered-in-error"
    return "completed" if facts.outcome == "given" else "not-done"


def ward_medication_administration(facts: WardDoseFacts) -> Resource:
    found: Resource = {
        "resourceType": "MedicationAdministration",
        "id": ward_id(facts.id),
        "status": ward_administration_status(facts),
        "medicationCodeableConcept": _medication(facts.ingredient_code, facts.ingredient_name),
        "subject": _ref("Patient", facts.patient_id),
        "effectiveDateTime": _instant(facts.at),
        "performer": [{"actor": {"display": facts.nurse_name}}],
        "request": {"reference": f"MedicationRequest/{ward_id(facts.prescription_id)}"},
        "dosage": {
            "route": _route(facts.route, facts.route_label),
            "dose": _quantity(facts.amount, facts.dose_unit),
        },
    }
    if facts.outcome != "given" and facts.reason_label:
        found["statusReason"] = [{"text": facts.reason_label}]
    notes = []
    if facts.lot:
        notes.append({"text": f"lotto {facts.lot}"})
    if facts.correction_reason:
        notes.append({"text": f"correzione: {facts.correction_reason}"})
    if notes:
        found["note"] = notes
    return found
