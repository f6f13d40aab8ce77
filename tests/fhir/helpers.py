"""What the FHIR tests share: a GET whose answer is FHIR JSON validated against the R4
model, the OperationOutcome's issue code, and the access log of the fhir channel."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from corsia.audit.models import AccessLogEntry
from corsia.testing.fhir import r4

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
