"""What every FHIR R4 resource of Corsia is built from: the code systems' URIs, references,
codings and concepts, numbers and instants as JSON, and ``meta.lastUpdated``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from corsia.fhir.domain.outcome import Resource

CODICE_FISCALE = "http://hl7.it/sid/codiceFiscale"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
ICD9CM = "http://hl7.org/fhir/sid/icd-9-cm"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
INGREDIENT = "urn:corsia:ingredient"
THERAPY_ORDER = "urn:corsia:therapy-order"


def _ref(resource_type: str, resource_id: int, display: str | None = None) -> Resource:
    found: Resource = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        found["display"] = display
    return found


def _number(value: Decimal | int) -> int | float:
    """A FHIR decimal in JSON: an integer when it is one (120, not 120.0000)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def _coding(system: str, code: str, display: str | None = None) -> Resource:
    found: Resource = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def _concept(system: str, code: str, display: str | None = None) -> Resource:
    concept: Resource = {"coding": [_coding(system, code, display)]}
    if display:
        concept["text"] = display
    return concept


def with_last_updated(resource: Resource, moment: datetime | None) -> Resource:
    """The resource with ``meta.lastUpdated``: when the record it maps last changed (what a
    ``_lastUpdated`` search compares)."""
    if moment is not None:
        resource["meta"] = {"lastUpdated": _instant(moment)}
    return resource


def last_updated(resource: Resource) -> datetime | None:
    value = resource.get("meta", {}).get("lastUpdated")
    return datetime.fromisoformat(value) if value else None
