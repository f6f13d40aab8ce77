"""Test helpers of the FHIR server: every resource the tests meet is validated against the
FHIR R4 model, fhir.resources' R4B package (its default package is R5; the R4B resources
used here are R4's); a GET whose answer is FHIR JSON validated so, the OperationOutcome's
issue code, and the access log of the fhir channel."""

from __future__ import annotations

import importlib
import json
from typing import Any

from django.test import Client

from corsia.audit.models import AccessLogEntry

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


FHIR_JSON = "application/fhir+json"


def fhir_get(client: Client, url: str, **headers: str) -> tuple[int, dict[str, Any]]:
    response = client.get(url, headers=headers or None)
    assert response["Content-Type"].startswith(FHIR_JSON), (
        url,
        response.status_code,
        response.content[:200],
    )
    body = json.loads(response.content)
    r4(body)
    return response.status_code, body


def issue(body: dict[str, Any]) -> str:
    assert body["resourceType"] == "OperationOutcome"
    return str(body["issue"][0]["code"])


def fhir_reads(patient_id: int) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(patient_id=patient_id, channel="fhir")
        .order_by("pk")
        .values_list("what", flat=True)
    )


def ids(bundle: dict[str, Any]) -> list[str]:
    return [str(e["resource"]["id"]) for e in bundle.get("entry", [])]
