"""The access log: auditors search it (page and API) and export it as FHIR R4 AuditEvent."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.audit.domain.fhir_map import AccessRecord, audit_event
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.audit.services import access_log_record


def test_fhir_mapping_of_one_read_matches_the_hand_written_resource() -> None:
    record = AccessRecord(
        id=42,
        accessed_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        username="medico",
        patient_id=7,
        what="riepilogo paziente",
        workstation="DH-letto-3 (10.0.0.5)",
        channel="web",
        hash="ab" * 32,
    )
    assert audit_event(record, observer="Corsia") == {
        "resourceType": "AuditEvent",
        "id": "access-42",
        "type": {
            "system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
            "code": "rest",
            "display": "RESTful Operation",
        },
        "subtype": [
            {"system": "http://hl7.org/fhir/restful-interaction", "code": "read", "display": "read"}
        ],
        "action": "R",
        "recorded": "2026-11-23T09:30:00+00:00",
        "outcome": "0",
        "agent": [
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                            "code": "IRCP",
                            "display": "information recipient",
                        }
                    ]
                },
                "who": {"identifier": {"system": "urn:corsia:user", "value": "medico"}},
                "requestor": True,
                "network": {"address": "10.0.0.5", "type": "2"},
            }
        ],
        "source": {"observer": {"display": "Corsia"}, "site": "web"},
        "entity": [
            {
                "what": {"reference": "Patient/7"},
                "role": {
                    "system": "http://terminology.hl7.org/CodeSystem/object-role",
                    "code": "1",
                    "display": "Patient",
                },
                "description": "riepilogo paziente",
                "detail": [{"type": "chain-hash", "valueString": "ab" * 32}],
            }
        ],
    }


def _reads(make_user) -> None:  # type: ignore[no-untyped-def]
    medico = make_user(Role.PHYSICIAN, username="dr.rossi")
    nurse = make_user(Role.NURSE, username="inf.bianchi")
    access_log_record(user=medico, patient_id=11, what="riepilogo paziente", workstation=None)
    access_log_record(
        user=nurse, patient_id=12, what="riepilogo paziente", workstation=None, channel="api"
    )
    access_log_record(user=medico, patient_id=12, what="braccialetto", workstation=None)


def test_auditor_searches_the_access_log_page_by_patient(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    _reads(make_user)
    response = client_for(Role.AUDITOR).get("/audit/accesses/", {"patient_id": 12})
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [(r.username, r.what) for r in rows] == [
        ("dr.rossi", "braccialetto"),
        ("inf.bianchi", "riepilogo paziente"),
    ]
    # and the auditor's own consultation is itself audited
    assert AuditEvent.objects.filter(event_type="audit.access_log_viewed").count() == 1


def test_inverted_dates_are_refused_with_an_italian_message(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(Role.AUDITOR).get(
        "/audit/accesses/", {"date_from": "2026-11-23", "date_to": "2026-11-01"}
    )
    assert response.status_code == 200
    assert "La data iniziale è successiva alla data finale." in response.content.decode()
    assert response.context["page"] is None


def test_api_filters_by_user_and_exports_a_valid_fhir_bundle(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    _reads(make_user)
    client = client_for(Role.AUDITOR)
    listed = client.get("/api/v1/audit/accesses", {"username": "dr.rossi"})
    assert listed.status_code == 200
    assert [row["patient_id"] for row in listed.json()["items"]] == [12, 11]
    assert (listed.json()["count"], listed.json()["offset"]) == (2, 0)
    exported = client.get("/api/v1/audit/accesses/fhir", {"channel": "api"})
    assert exported.status_code == 200
    bundle = exported.json()
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "searchset")
    assert bundle["total"] == 1
    assert [link["relation"] for link in bundle["link"]] == ["self"]
    resource = bundle["entry"][0]["resource"]
    assert resource["resourceType"] == "AuditEvent"
    assert resource["entity"][0]["what"]["reference"] == "Patient/12"
    assert resource["agent"][0]["who"]["identifier"]["value"] == "inf.bianchi"


def test_page_export_downloads_fhir_json(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    _reads(make_user)
    response = client_for(Role.AUDITOR).get(
        "/audit/accesses/export.fhir.json", {"username": "inf.bianchi"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "attachment" in response["Content-Disposition"]
    assert b'"Patient/12"' in response.content


def test_a_nurse_cannot_read_the_access_log_and_nothing_is_written(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    _reads(make_user)
    nurse = client_for(Role.NURSE)  # signing in is audited: count after it
    before = (AccessLogEntry.objects.count(), AuditEvent.objects.count())
    assert nurse.get("/audit/accesses/").status_code == 403
    assert nurse.get("/api/v1/audit/accesses").status_code == 403
    assert (AccessLogEntry.objects.count(), AuditEvent.objects.count()) == before
    assert Client().get("/api/v1/audit/accesses").status_code == 401
