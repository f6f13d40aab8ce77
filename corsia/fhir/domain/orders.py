"""A therapy order as a whole (RequestGroup: its lines as MedicationRequests) and a signed
document (DocumentReference: its PDF as an attachment read at ``Binary/<id>``). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from corsia.fhir.domain.datatypes import THERAPY_ORDER
from corsia.fhir.domain.outcome import Resource

# the order's state → RequestGroup.status (request-status)
_ORDER_STATUS = {
    "draft": "draft",
    "returned_to_prescriber": "draft",
    "suspended": "on-hold",
    "cancelled": "revoked",
    "administered": "completed",
}


def order_status(order_state: str) -> str:
    """Draft and returned: draft; suspended: on-hold; cancelled: revoked; administered:
    completed; confirmed through delivered: active."""
    return _ORDER_STATUS.get(order_state, "active")


@dataclass(frozen=True)
class OrderFacts:
    id: int
    patient_id: int
    state: str
    regimen_name: str
    cycle_number: int
    start_date: str  # ISO date
    prescriber_name: str
    authored_at: datetime
    line_ids: tuple[int, ...]  # in the order of administration


def request_group_resource(facts: OrderFacts) -> Resource:
    return {
        "resourceType": "RequestGroup",
        "id": str(facts.id),
        "identifier": [{"system": THERAPY_ORDER, "value": str(facts.id)}],
        "groupIdentifier": {"system": THERAPY_ORDER, "value": str(facts.id)},
        "status": order_status(facts.state),
        "intent": "order",
        "subject": {"reference": f"Patient/{facts.patient_id}"},
        "authoredOn": facts.authored_at.isoformat(),
        "author": {"display": facts.prescriber_name},
        "note": [
            {"text": f"{facts.regimen_name} ciclo {facts.cycle_number}, dal {facts.start_date}"}
        ],
        "action": [
            {"resource": {"reference": f"MedicationRequest/{line}"}} for line in facts.line_ids
        ],
    }


@dataclass(frozen=True)
class DocumentFacts:
    id: int
    patient_id: int
    kind: str
    title: str
    mime_type: str
    size: int
    signed_at: datetime
    signer_name: str
    version: int
    supersedes_id: int | None
    superseded: bool


def document_reference_resource(facts: DocumentFacts) -> Resource:
    """A signed document: current until a newer version supersedes it; its PDF at
    ``Binary/<id>`` (made absolute by ``with_base``; the same permission, scope, masking
    and access log as the document's page)."""
    found: Resource = {
        "resourceType": "DocumentReference",
        "id": str(facts.id),
        "status": "superseded" if facts.superseded else "current",
        "docStatus": "final",
        "type": {"text": facts.kind},
        "subject": {"reference": f"Patient/{facts.patient_id}"},
        "date": facts.signed_at.isoformat(),
        "author": [{"display": facts.signer_name}],
        "authenticator": {"display": facts.signer_name},
        "description": f"{facts.title} (versione {facts.version})",
        "content": [
            {
                "attachment": {
                    "contentType": facts.mime_type,
                    "url": f"Binary/{facts.id}",
                    "size": facts.size,
                    "title": facts.title,
                    "creation": facts.signed_at.isoformat(),
                }
            }
        ],
    }
    if facts.supersedes_id is not None:
        found["relatesTo"] = [
            {
                "code": "replaces",
                "target": {"reference": f"DocumentReference/{facts.supersedes_id}"},
            }
        ]
    return found


def with_base(resource: Resource, base: str) -> Resource:
    """The resource with its attachments' server-relative addresses made absolute."""
    for content in resource.get("content", []):
        url = content.get("attachment", {}).get("url", "")
        if url.startswith("Binary/"):
            content["attachment"]["url"] = f"{base}/{url}"
    return resource
