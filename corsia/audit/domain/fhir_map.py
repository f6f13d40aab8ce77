"""Access-log entries as FHIR R4 AuditEvent resources (plain dicts; validated at the edge)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"


@dataclass(frozen=True)
class AccessRecord:
    id: int
    accessed_at: datetime
    username: str
    patient_id: int
    what: str
    workstation: str
    channel: str
    hash: str


def audit_event(record: AccessRecord, *, observer: str) -> dict[str, object]:
    """One read of a patient's data: type rest/read, action R, outcome 0 (success)."""
    agent: dict[str, object] = {
        "type": {
            "coding": [
                {"system": PARTICIPATION_TYPE, "code": "IRCP", "display": "information recipient"}
            ]
        },
        "who": {"identifier": {"system": "urn:corsia:user", "value": record.username}},
        "requestor": True,
    }
    if record.workstation:
        agent["network"] = {"address": record.workstation.split(" ")[-1].strip("()"), "type": "2"}
    return {
        "resourceType": "AuditEvent",
        "id": f"access-{record.id}",
        "type": {"system": AUDIT_EVENT_TYPE, "code": "rest", "display": "RESTful Operation"},
        "subtype": [{"system": RESTFUL_INTERACTION, "code": "read", "display": "read"}],
        "action": "R",
        "recorded": record.accessed_at.isoformat(),
        "outcome": "0",
        "agent": [agent],
        "source": {"observer": {"display": observer}, "site": record.channel},
        "entity": [
            {
                "what": {"reference": f"Patient/{record.patient_id}"},
                "role": {"system": OBJECT_ROLE, "code": "1", "display": "Patient"},
                "description": record.what,
                "detail": [{"type": "chain-hash", "valueString": record.hash}],
            }
        ],
    }


def bundle(
    records: Iterable[AccessRecord],
    *,
    observer: str,
    total: int | None = None,
    links: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """The entries as a Bundle: a ``collection`` of them all; with ``total`` (every entry
    matching, of which these are one page) a ``searchset`` with the pages' ``link``
    (``self``, ``next``, ``previous``)."""
    entries = [{"resource": audit_event(r, observer=observer)} for r in records]
    if total is None:
        return {
            "resourceType": "Bundle", "type": "collection", "total": len(entries),
            "entry": entries,
        }  # fmt: skip
    document: dict[str, object] = {"resourceType": "Bundle", "type": "searchset", "total": total}
    if links:
        document["link"] = [{"relation": name, "url": url} for name, url in links.items()]
    document["entry"] = [{**e, "search": {"mode": "match"}} for e in entries]
    return document
