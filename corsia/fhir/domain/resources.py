"""The facts other modules hold, as FHIR R4 resources (JSON dicts).

Each ``*Facts`` class is what the FHIR server's selectors read through the owning module's
public selectors; each ``*_resource`` function is the pure mapping, checked in the tests
against the R4 model (``fhir.resources.R4B``) and hand-written reference values.

Code systems: the codice fiscale as the HL7 Italia base profile names it
(``http://hl7.it/sid/codiceFiscale``); the hospital's MRN under the URI the hospital sets
(``CORSIA_FHIR_MRN_SYSTEM``); vital signs in LOINC with UCUM units (the R4 vital-signs
profile); diagnoses in ICD-9-CM; routes in SNOMED CT; Corsia's own ingredient codes and
therapy-order numbers under ``urn:corsia:`` URIs (no national code yet).

The code systems and the data types are in ``datatypes``, the therapy (MedicationRequest,
MedicationAdministration) in ``medication``; their names are still importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from corsia.fhir.domain.datatypes import (
    ACT_CODE,
    ALLERGY_CLINICAL,
    ALLERGY_VERIFICATION,
    CODICE_FISCALE,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    ICD9CM,
    INGREDIENT,
    INTERPRETATION,
    LOINC,
    OBSERVATION_CATEGORY,
    SNOMED,
    THERAPY_ORDER,
    UCUM,
    _coding,
    _concept,
    _instant,
    _number,
    _ref,
    last_updated,
    with_last_updated,
)
from corsia.fhir.domain.medication import (
    ADMINISTRATION_STATUS,
    ROUTES,
    AdministrationFacts,
    OrderLineFacts,
    dose_basis,
    medication_administration_resource,
    medication_request_resource,
    order_line_status,
)
from corsia.fhir.domain.outcome import Resource

# Moved to the sibling modules by concern; still importable from here.
__all__ = [
    "ACT_CODE",
    "ADMINISTRATION_STATUS",
    "ALLERGY_CLINICAL",
    "ALLERGY_VERIFICATION",
    "CODICE_FISCALE",
    "CONDITION_CATEGORY",
    "CONDITION_CLINICAL",
    "CONDITION_VERIFICATION",
    "ICD9CM",
    "INGREDIENT",
    "INTERPRETATION",
    "LOINC",
    "OBSERVATION_CATEGORY",
    "ROUTES",
    "SNOMED",
    "THERAPY_ORDER",
    "UCUM",
    "AdministrationFacts",
    "OrderLineFacts",
    "dose_basis",
    "last_updated",
    "medication_administration_resource",
    "medication_request_resource",
    "order_line_status",
    "with_last_updated",
]


# --- Patient ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientFacts:
    id: int
    mrn: str
    codice_fiscale: str
    surname: str
    given_names: str
    sex: str  # M, F, X
    birth_date: date
    active: bool


_GENDER = {"M": "male", "F": "female", "X": "unknown"}


def patient_resource(facts: PatientFacts, *, mrn_system: str) -> Resource:
    identifiers = []
    if facts.codice_fiscale:
        identifiers.append(
            {"use": "official", "system": CODICE_FISCALE, "value": facts.codice_fiscale}
        )
    identifiers.append({"use": "usual", "system": mrn_system, "value": facts.mrn})
    return {
        "resourceType": "Patient",
        "id": str(facts.id),
        "identifier": identifiers,
        "active": facts.active,
        "name": [
            {
                "use": "official",
                "family": facts.surname,
                "given": facts.given_names.split(),
                "text": f"{facts.given_names} {facts.surname}",
            }
        ],
        "gender": _GENDER.get(facts.sex, "unknown"),
        "birthDate": facts.birth_date.isoformat(),
    }


# --- Encounter ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncounterFacts:
    id: int
    patient_id: int
    kind: str  # inpatient, day_hospital, outpatient
    state: str  # active, discharged, cancelled
    ward_name: str
    admitted_at: datetime
    discharged_at: datetime | None


ENCOUNTER_STATUS = {"active": "in-progress", "discharged": "finished", "cancelled": "cancelled"}
_ENCOUNTER_CLASS = {
    "inpatient": ("IMP", "inpatient encounter"),
    "day_hospital": ("SS", "short stay"),
    "outpatient": ("AMB", "ambulatory"),
}


def encounter_resource(facts: EncounterFacts) -> Resource:
    code, display = _ENCOUNTER_CLASS.get(facts.kind, ("AMB", "ambulatory"))
    period: Resource = {"start": _instant(facts.admitted_at)}
    if facts.discharged_at is not None:
        period["end"] = _instant(facts.discharged_at)
    return {
        "resourceType": "Encounter",
        "id": str(facts.id),
        "status": ENCOUNTER_STATUS.get(facts.state, "unknown"),
        "class": _coding(ACT_CODE, code, display),
        "subject": _ref("Patient", facts.patient_id),
        "period": period,
        "location": [{"location": {"display": facts.ward_name}}],
    }


# --- AllergyIntolerance -------------------------------------------------------------------------


@dataclass(frozen=True)
class AllergyEntry:
    id: int
    patient_id: int
    substance_kind: str  # ingredient, drug_class, other
    substance: str
    reaction: str
    reaction_text: str
    severity: str  # mild, moderate, severe, life_threatening
    certainty: str  # suspected, confirmed
    status: str  # active, refuted, inactive
    onset_date: date | None
    recorded_at: datetime


@dataclass(frozen=True)
class NoKnownAllergiesFacts:
    id: int
    patient_id: int
    stated_on: date
    ended: bool


# SNOMED CT 716186003 |No known allergy (situation)|: the way FHIR R4 records "asked: no
# known allergies" (AllergyIntolerance.code, clinicalStatus active, verification confirmed).
NO_KNOWN_ALLERGY = ("716186003", "No known allergy")
_REACTION_SNOMED = {
    "anaphylaxis": ("39579001", "Anaphylaxis"),
    "angioedema": ("41291007", "Angioedema"),
    "bronchospasm": ("4386001", "Bronchospasm"),
    "urticaria": ("126485001", "Urticaria"),
    "rash": ("271807003", "Eruption of skin"),
}


def _allergy_status(status: str, certainty: str) -> tuple[str, str]:
    if status == "refuted":
        return "inactive", "refuted"
    clinical = "active" if status == "active" else "inactive"
    return clinical, "confirmed" if certainty == "confirmed" else "unconfirmed"


def allergy_resource(facts: AllergyEntry) -> Resource:
    clinical, verification = _allergy_status(facts.status, facts.certainty)
    manifestation = (
        _concept(SNOMED, *_REACTION_SNOMED[facts.reaction])
        if facts.reaction in _REACTION_SNOMED
        else {"text": facts.reaction_text or facts.reaction}
    )
    if facts.reaction_text:
        manifestation["text"] = facts.reaction_text
    found: Resource = {
        "resourceType": "AllergyIntolerance",
        "id": f"allergy-{facts.id}",
        "clinicalStatus": _concept(ALLERGY_CLINICAL, clinical),
        "verificationStatus": _concept(ALLERGY_VERIFICATION, verification),
        "type": "allergy",
        "category": ["medication"] if facts.substance_kind != "other" else ["environment"],
        "criticality": "high" if facts.severity in ("severe", "life_threatening") else "low",
        "code": {"text": facts.substance},
        "patient": _ref("Patient", facts.patient_id),
        "recordedDate": _instant(facts.recorded_at),
        "reaction": [
            {
                "manifestation": [manifestation],
                "severity": "mild"
                if facts.severity == "mild"
                else "moderate"
                if facts.severity == "moderate"
                else "severe",
            }
        ],
    }
    if facts.onset_date is not None:
        found["onsetDateTime"] = facts.onset_date.isoformat()
    return found


def no_known_allergies_resource(facts: NoKnownAllergiesFacts) -> Resource:
    return {
        "resourceType": "AllergyIntolerance",
        "id": f"nka-{facts.id}",
        "clinicalStatus": _concept(ALLERGY_CLINICAL, "inactive" if facts.ended else "active"),
        "verificationStatus": _concept(ALLERGY_VERIFICATION, "confirmed"),
        "code": _concept(SNOMED, *NO_KNOWN_ALLERGY),
        "patient": _ref("Patient", facts.patient_id),
        "recordedDate": facts.stated_on.isoformat(),
    }


# --- Condition ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionFacts:
    id: int
    patient_id: int
    icd9_code: str
    icd9_display: str
    histotype: str
    stage: str
    staging_system: str
    diagnosed_on: date


def condition_resource(facts: ConditionFacts) -> Resource:
    code = _concept(ICD9CM, facts.icd9_code, facts.icd9_display)
    if facts.histotype:
        code["text"] = f"{facts.icd9_display} — {facts.histotype}"
    found: Resource = {
        "resourceType": "Condition",
        "id": str(facts.id),
        "clinicalStatus": _concept(CONDITION_CLINICAL, "active"),
        "verificationStatus": _concept(CONDITION_VERIFICATION, "confirmed"),
        "category": [_concept(CONDITION_CATEGORY, "problem-list-item")],
        "code": code,
        "subject": _ref("Patient", facts.patient_id),
        "onsetDateTime": facts.diagnosed_on.isoformat(),
        "recordedDate": facts.diagnosed_on.isoformat(),
    }
    if facts.stage:
        stage: Resource = {"summary": {"text": facts.stage}}
        if facts.staging_system:
            stage["type"] = {"text": facts.staging_system}
        found["stage"] = [stage]
    return found


# --- Observation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VitalsFacts:
    id: int
    patient_id: int
    measured_at: datetime
    systolic_bp: int | None
    diastolic_bp: int | None
    heart_rate: int | None
    temperature_c: Decimal | None
    respiratory_rate: int | None
    spo2: int | None
    pain_nrs: int | None


@dataclass(frozen=True)
class VitalCode:
    slug: str  # the id's suffix
    loinc: str
    display: str
    unit: str  # UCUM


# The R4 vital-signs profile's codes (http://hl7.org/fhir/R4/observation-vitalsigns.html)
# and the 0-10 numeric pain scale (LOINC 72514-3, not part of that profile).
BLOOD_PRESSURE = VitalCode("bp", "85354-9", "Blood pressure panel with all children optional", "")
SYSTOLIC = VitalCode("sys", "8480-6", "Systolic blood pressure", "mm[Hg]")
DIASTOLIC = VitalCode("dia", "8462-4", "Diastolic blood pressure", "mm[Hg]")
VITAL_CODES = {
    "heart_rate": VitalCode("hr", "8867-4", "Heart rate", "/min"),
    "temperature_c": VitalCode("temp", "8310-5", "Body temperature", "Cel"),
    "respiratory_rate": VitalCode("rr", "9279-1", "Respiratory rate", "/min"),
    "spo2": VitalCode(
        "spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"
    ),
    "pain_nrs": VitalCode(
        "pain",
        "72514-3",
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        "{score}",
    ),
}
_UNIT_DISPLAY = {"mm[Hg]": "mmHg", "/min": "/min", "Cel": "°C", "%": "%", "{score}": "{score}"}


def _quantity(value: Decimal | int, ucum: str) -> Resource:
    return {
        "value": _number(value),
        "unit": _UNIT_DISPLAY.get(ucum, ucum),
        "system": UCUM,
        "code": ucum,
    }


def _category(code: str, display: str) -> list[Resource]:
    return [_concept(OBSERVATION_CATEGORY, code, display)]


def _vital(facts: VitalsFacts, code: VitalCode) -> Resource:
    return {
        "resourceType": "Observation",
        "id": f"vs-{facts.id}-{code.slug}",
        "status": "final",
        "category": _category("vital-signs", "Vital Signs"),
        "code": _concept(LOINC, code.loinc, code.display),
        "subject": _ref("Patient", facts.patient_id),
        "effectiveDateTime": _instant(facts.measured_at),
    }


def vitals_resources(facts: VitalsFacts) -> list[Resource]:
    """One Observation per sign measured; blood pressure as the panel with its systolic and
    diastolic components (120/80 mmHg: 8480-6 = 120, 8462-4 = 80)."""
    found = []
    if facts.systolic_bp is not None or facts.diastolic_bp is not None:
        panel = _vital(facts, BLOOD_PRESSURE)
        panel["component"] = [
            {
                "code": _concept(LOINC, part.loinc, part.display),
                "valueQuantity": _quantity(value, part.unit),
            }
            for part, value in ((SYSTOLIC, facts.systolic_bp), (DIASTOLIC, facts.diastolic_bp))
            if value is not None
        ]
        found.append(panel)
    for field, code in VITAL_CODES.items():
        value = getattr(facts, field)
        if value is not None:
            found.append(_vital(facts, code) | {"valueQuantity": _quantity(value, code.unit)})
    return found


def vitals_codes(resource: Resource) -> set[str]:
    """The LOINC codes an Observation answers to in a ``code`` search (a panel: its own and
    its components')."""
    codes = {c["code"] for c in resource["code"]["coding"]}
    for component in resource.get("component", []):
        codes |= {c["code"] for c in component["code"]["coding"]}
    return codes


@dataclass(frozen=True)
class LabFacts:
    id: int
    patient_id: int
    analyte: str
    value: Decimal
    unit: str
    reference_low: Decimal | None
    reference_high: Decimal | None
    flag: str  # H, L or ""
    collected_at: datetime


_INTERPRETATION = {"H": "High", "L": "Low"}


def lab_resource(facts: LabFacts) -> Resource:
    """A laboratory result: the analyte as the laboratory names it (no LOINC mapping kept
    yet), its value and unit as recorded, the reference range and the H/L flag."""
    quantity: Resource = {"value": _number(facts.value)}
    if facts.unit:
        quantity["unit"] = facts.unit
    found: Resource = {
        "resourceType": "Observation",
        "id": f"lab-{facts.id}",
        "status": "final",
        "category": _category("laboratory", "Laboratory"),
        "code": {"text": facts.analyte},
        "subject": _ref("Patient", facts.patient_id),
        "effectiveDateTime": _instant(facts.collected_at),
        "valueQuantity": quantity,
    }
    bounds: Resource = {}
    for key, value in (("low", facts.reference_low), ("high", facts.reference_high)):
        if value is not None:
            bounds[key] = {"value": _number(value)} | ({"unit": facts.unit} if facts.unit else {})
    if bounds:
        found["referenceRange"] = [bounds]
    if facts.flag in _INTERPRETATION:
        found["interpretation"] = [
            _concept(INTERPRETATION, facts.flag, _INTERPRETATION[facts.flag])
        ]
    return found
