"""IT staff's pages and API for the outgoing messages and the subscribers: the same
services and permissions; bad input answered on the field and in problem+json, nothing
saved; a denial writes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.interop.models import OutboundMessage, Subscriber
from corsia.interop.services import SubscriberInput, subscriber_save
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Motore di integrazione",
    "receiving_application": "ENSEMBLE",
    "receiving_facility": "OSP_SAN_MATTEO",
    "host": "10.0.3.7",
    "port": 6661,
    "message_types": ["RAS^O17"],
    "active": True,
}


def _dead_letter(it_staff: User, patient_id: int | None = None) -> OutboundMessage:
    subscriber = subscriber_save(
        actor=it_staff,
        workstation=None,
        data=SubscriberInput(**GOOD),  # type: ignore[arg-type]
    )
    return OutboundMessage.objects.create(
        subscriber=subscriber,
        event_key="administration:1:completed",
        message_type="RAS^O17",
        control_id="CORSIAO1",
        raw="MSH|^~\\&|CORSIA|X|ENSEMBLE|OSP|20261201||RAS^O17^RAS_O17|CORSIAO1|P|2.5\rPID|1",
        state="failed",
        attempts=2,
        ack="MSH|...\rMSA|AE|CORSIAO1",
        ack_code="AE",
        error_text="AE: Paziente sconosciuto",
        patient_id=patient_id,
        next_attempt_at=timezone.now(),
    )


def test_subscribers_through_the_api_and_the_page(it_staff: User, physician: User) -> None:
    api = api_client(it_staff)
    status, body = post_json(api, "/api/v1/interop/subscribers", {**GOOD, "port": 0})
    assert (status, body["code"]) == (422, "port_invalid")
    status, body = post_json(api, "/api/v1/interop/subscribers", {**GOOD, "host": "a\x00b"})
    assert status in (400, 422)
    status, body = post_json(
        api, "/api/v1/interop/subscribers", {**GOOD, "message_types": ["ADT^A01"]}
    )
    assert (status, body["code"]) == (422, "message_types_invalid")
    assert Subscriber.objects.count() == 0
    status, body = post_json(api, "/api/v1/interop/subscribers", GOOD)
    assert status == 201
    assert (body["name"], body["port"], body["version"]) == ("Motore di integrazione", 6661, 1)
    changed = api.put(
        f"/api/v1/interop/subscribers/{body['id']}",
        {**GOOD, "active": False, "expected_version": 1},
        content_type="application/json",
    )
    assert (changed.status_code, changed.json()["active"]) == (200, False)
    stale = api.put(
        f"/api/v1/interop/subscribers/{body['id']}",
        {**GOOD, "expected_version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    # the page: the list, a refused port on its field, then a second subscriber added
    page = logged_in(it_staff)
    listed = page.get("/interop/subscribers/")
    assert listed.status_code == 200
    assert "Motore di integrazione" in listed.content.decode()
    refused = page.post(
        "/interop/subscribers/",
        {**GOOD, "name": "Farmacia", "port": "99999", "message_types": ["RDS^O13"]},
    )
    assert refused.status_code == 422
    assert "Porta non valida" in refused.content.decode()
    added = page.post(
        "/interop/subscribers/",
        {**GOOD, "name": "Farmacia", "port": "6662", "message_types": ["RDS^O13"], "active": "on"},
    )
    assert added.status_code == 302
    assert Subscriber.objects.get(name="Farmacia").message_types == ["RDS^O13"]
    edit = page.get(f"/interop/subscribers/{body['id']}/")
    assert edit.status_code == 200
    # a physician may not configure them, and the refusal writes nothing (the token is
    # issued, and audited, before counting)
    physician_api, physician_page = api_client(physician), logged_in(physician)
    events, subscribers = AuditEvent.objects.count(), Subscriber.objects.count()
    assert physician_page.get("/interop/subscribers/").status_code == 403
    status, _ = post_json(physician_api, "/api/v1/interop/subscribers", GOOD)
    assert status == 403
    assert (AuditEvent.objects.count(), Subscriber.objects.count()) == (events, subscribers)


def test_dead_letters_listed_opened_and_resent(
    it_staff: User, physician: User, make_user: MakeUser
) -> None:
    patient = patient_registered(make_user(Role.COORDINATOR))
    row = _dead_letter(it_staff, patient_id=patient.pk)
    page = logged_in(it_staff)
    # the messages page, direction «Inviati», filtered on the dead letters
    listed = page.get("/interop/messages/?direction=out&state=failed")
    text = listed.content.decode()
    assert listed.status_code == 200
    assert "CORSIAO1" in text and "AE: Paziente sconosciuto" in text
    assert (
        "CORSIAO1" not in page.get("/interop/messages/?direction=out&state=sent").content.decode()
    )
    bad = page.get("/interop/messages/?direction=out&state=nope")
    assert bad.status_code == 200 and "Stato non valido" in bad.content.decode()
    # the received messages are still the default
    assert "Messaggi HL7 ricevuti" in page.get("/interop/messages/").content.decode()
    # opening it logs the read of the patient it names
    detail = page.get(f"/interop/outbound/{row.pk}/")
    assert detail.status_code == 200
    assert 'data-testid="resend-form"' in detail.content.decode()
    assert AccessLogEntry.objects.filter(user=it_staff, patient_id=patient.pk).exists()
    # the API: list, and a resend without reason refused
    api = api_client(it_staff)
    listed_api = api.get("/api/v1/interop/outbound?state=failed").json()
    assert [m["control_id"] for m in listed_api["items"]] == ["CORSIAO1"]
    status, body = post_json(api, f"/api/v1/interop/outbound/{row.pk}/resend", {"reason": ""})
    assert status == 422
    # a physician may not resend
    status, _ = post_json(
        api_client(physician), f"/api/v1/interop/outbound/{row.pk}/resend", {"reason": "x"}
    )
    assert status == 403
    # the page's resend: pending again, audited with the reason
    resent = page.post(f"/interop/outbound/{row.pk}/resend/", {"reason": "destinatario riavviato"})
    assert resent.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 0)
    assert AuditEvent.objects.get(event_type="interop.message_resent").reason == (
        "destinatario riavviato"
    )
    # once pending, a second resend is a conflict
    status, body = post_json(api, f"/api/v1/interop/outbound/{row.pk}/resend", {"reason": "ancora"})
    assert (status, body["code"]) == (409, "message_not_resendable")
