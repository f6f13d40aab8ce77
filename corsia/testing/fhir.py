"""Test helper of the FHIR server: every resource the tests meet is validated against the
FHIR R4 model, fhir.resources' R4B package (its default package is R5; the R4B resources
used here are R4's)."""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = {
    "AllergyIntolerance": "allergyintolerance",
    "AuditEvent": "auditevent",
    "Medication": "medication",
    "PlanDefinition": "plandefinition",
    "Practitioner": "practitioner",
    "Bundle": "bundle",
    "CapabilityStatement": "capabilitystatement",
    "Condition": "condition",
    "DocumentReference": "documentreference",
    "RequestGroup": "requestgroup",
    "Encounter": "encounter",
    "MedicationAdministration": "medicationadministration",
    "MedicationRequest": "medicationrequest",
    "Observation": "observation",
    "OperationOutcome": "operationoutcome",
    "Patient": "patient",
}


def r4(resource: dict[str, Any]) -> Any:
    """The resource parsed by the R4 model (raises if it is not valid R4), and each entry of
    a Bundle parsed by its own type's model."""
    kind = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{_MODULES[kind]}")
    model = getattr(module, kind).model_validate(resource)
    for entry in resource.get("entry", []):
        r4(entry["resource"])
    return model
