"""The therapy as FHIR R4 resources: MedicationRequest (one line of a therapy order, its
dose and the basis it was computed on) and MedicationAdministration (what was given at the
bedside); routes in SNOMED CT, Corsia's ingredient codes under ``urn:corsia:`` URIs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from corsia.fhir.domain.datatypes import (
    INGREDIENT,
    SNOMED,
    THERAPY_ORDER,
    UCUM,
    _coding,
    _concept,
    _instant,
    _number,
    _ref,
)
from corsia.fhir.domain.outcome import Resource

# --- medication ---------------------------------------------------------------------------------

# SNOMED CT route concepts (Route of administration value set).
ROUTES = {
    "iv": ("47625008", "Intravenous route"),
    "it": ("72607000", "Intrathecal route"),
    "po": ("26643006", "Oral route"),
    "sc": ("34206005", "Subcutaneous route"),
    "im": ("78421000", "Intramuscular route"),
}
_MASS_UNITS = {"mg": "mg", "g": "g", "mcg": "ug", "µg": "ug", "ml": "mL", "mL": "mL"}


def _route(code: str) -> Resource:
    if code in ROUTES:
        return _concept(SNOMED, *ROUTES[code])
    return {"text": code or "non indicata"}


def _amount(value: Decimal, unit: str) -> Resource:
    found: Resource = {"value": _number(value), "unit": unit}
    if unit in _MASS_UNITS:
        found |= {"system": UCUM, "code": _MASS_UNITS[unit]}
    return found


def _medication(code: str, name: str) -> Resource:
    return {"coding": [_coding(INGREDIENT, code, name)], "text": name}


@dataclass(frozen=True)
class OrderLineFacts:
    id: int  # the order line
    patient_id: int
    order_id: int
    order_state: str
    line_status: str  # active, suspended, skipped
    cycle_number: int
    regimen_name: str
    ingredient_code: str
    ingredient_name: str
    route: str
    sequence: int
    day_of_cycle: int
    scheduled_date: date
    dose: Decimal  # as prescribed, in dose_unit (85 mg/m2)
    dose_unit: str
    final_dose: Decimal  # to give, in amount_unit (170 mg)
    amount_unit: str
    duration_minutes: int | None
    bsa_m2: Decimal
    bsa_formula: str
    dosing_weight_kg: Decimal
    prescriber_name: str
    authored_at: datetime


_ORDER_STATUS = {
    "draft": "draft",
    "returned_to_prescriber": "draft",
    "suspended": "on-hold",
    "cancelled": "cancelled",
    "administered": "completed",
}


def order_line_status(order_state: str, line_status: str) -> str:
    """The MedicationRequest status of an order line: the line's own suspension or skipped
    day first, then its order's state (confirmed through delivered: active)."""
    if line_status == "suspended":
        return "on-hold"
    if line_status == "skipped":
        return "cancelled"
    return _ORDER_STATUS.get(order_state, "active")


def dose_basis(facts: OrderLineFacts) -> str:
    """How the dose was reached, as the pharmacist checks it: 85 mg/m2 × 2.00 m² = 170 mg."""
    unit = facts.dose_unit
    dose = f"{_number(facts.dose)} {unit}"
    final = f"{_number(facts.final_dose)} {facts.amount_unit}"
    if unit.endswith("/m2"):
        return f"{dose} × BSA {facts.bsa_m2.quantize(Decimal('0.01'))} m² ({facts.bsa_formula}) = {final}"
    if unit.endswith("/kg"):
        return f"{dose} × {_number(facts.dosing_weight_kg)} kg = {final}"
    return f"{dose} (dose fissa) = {final}"


def medication_request_resource(facts: OrderLineFacts) -> Resource:
    timing: Resource = {"event": [facts.scheduled_date.isoformat()]}
    if facts.duration_minutes:
        timing["repeat"] = {"duration": facts.duration_minutes, "durationUnit": "min"}
    basis = dose_basis(facts)
    return {
        "resourceType": "MedicationRequest",
        "id": str(facts.id),
        "status": order_line_status(facts.order_state, facts.line_status),
        "intent": "order",
        "groupIdentifier": {"system": THERAPY_ORDER, "value": str(facts.order_id)},
        "medicationCodeableConcept": _medication(facts.ingredient_code, facts.ingredient_name),
        "subject": _ref("Patient", facts.patient_id),
        "authoredOn": _instant(facts.authored_at),
        "requester": {"display": facts.prescriber_name},
        "note": [
            {
                "text": f"{facts.regimen_name} ciclo {facts.cycle_number}, giorno "
                f"{facts.day_of_cycle}: {basis}"
            }
        ],
        "dosageInstruction": [
            {
                "sequence": facts.sequence,
                "text": basis,
                "timing": timing,
                "route": _route(facts.route),
                "doseAndRate": [{"doseQuantity": _amount(facts.final_dose, facts.amount_unit)}],
            }
        ],
    }


@dataclass(frozen=True)
class AdministrationFacts:
    id: int
    patient_id: int
    order_item_id: int
    ingredient_code: str
    ingredient_name: str
    amount_given: Decimal
    dose_unit: str
    route: str
    state: str  # started, completed, partial, interrupted
    started_at: datetime
    ended_at: datetime | None
    nurse_name: str
    reason: str


ADMINISTRATION_STATUS = {
    "started": "in-progress",
    "completed": "completed",
    "partial": "stopped",
    "interrupted": "stopped",
}


def medication_administration_resource(facts: AdministrationFacts) -> Resource:
    """What was given at the bedside: the amount actually given (a partial bag: its share of
    the dose), when, by which nurse, and how it ended."""
    found: Resource = {
        "resourceType": "MedicationAdministration",
        "id": str(facts.id),
        "status": ADMINISTRATION_STATUS.get(facts.state, "unknown"),
        "medicationCodeableConcept": _medication(facts.ingredient_code, facts.ingredient_name),
        "subject": _ref("Patient", facts.patient_id),
        "effectivePeriod": {"start": _instant(facts.started_at)}
        | ({"end": _instant(facts.ended_at)} if facts.ended_at is not None else {}),
        "performer": [{"actor": {"display": facts.nurse_name}}],
        "request": _ref("MedicationRequest", facts.order_item_id),
        "dosage": {
            "route": _route(facts.route),
            "dose": _amount(facts.amount_given, facts.dose_unit),
        },
    }
    if facts.reason:
        found["statusReason"] = [{"text": facts.reason}]
    return found
