"""A document's way to the FSE against the gateway simulator: the official LDO validated,
signed PAdES with the CDA inside as cda.xml, published with its XDS metadata; an outage
survived; a tampered CDA refused; a 4xx kept with the gateway's error; no consent, no
sending; one publication however many workers try."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ValidationFailed
from corsia.documents.rendering import html_to_pdf
from corsia.documents.signing import verify_pdf
from corsia.fse.attachment import embed_cda, extract_cda, sha256
from corsia.fse.domain.metadata import DocumentFacts, publication_body
from corsia.fse.gateway import gateway_client
from corsia.fse.models import FseDocument
from corsia.fse.services import (
    fse_document_delete,
    fse_document_obscure,
    fse_document_retry,
    fse_document_send,
    fse_document_submit,
    fse_status_poll,
)
from corsia.fse.simulator import GatewayServer
from corsia.patients.models import Patient
from corsia.patients.services import consent_record

LdoPatient = Callable[..., Patient]


LDO = (Path(__file__).parent / "examples" / "LDO.xml").read_bytes()
TAMPERED = LDO.replace(b"Silviani", b"Silvani")

pytestmark = pytest.mark.django_db


def _control(gateway: GatewayServer, order: dict[str, Any]) -> None:
    port = gateway.server_address[1]
    requests.post(f"http://127.0.0.1:{port}/__control", json=order, timeout=5).raise_for_status()


def _calls(gateway: GatewayServer) -> list[tuple[str, str, object]]:
    return [(c["method"], c["path"], c.get("status", c["failure"])) for c in gateway.state.calls]


def _later(row: FseDocument) -> datetime:
    row.refresh_from_db()
    return row.next_attempt_at + timedelta(seconds=1)


def test_the_official_ldo_is_validated_signed_and_published(
    gateway: GatewayServer, physician: User, coordinator: User, ldo_patient: LdoPatient
) -> None:
    patient = ldo_patient()
    queued = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    assert (queued.state, queued.document_type, queued.cda_sha256) == (
        "queued", "LDO", sha256(LDO),
    )  # fmt: skip

    row = fse_document_send(document_id=queued.pk)

    assert row is not None and row.state == "published"
    assert _calls(gateway) == [
        ("POST", "/v1/documents/validation", 201),
        ("POST", "/v1/documents", 201),
    ]
    pdf = bytes(row.pdf)
    assert extract_cda(pdf) == LDO  # the very bytes validated, as cda.xml
    signature = verify_pdf(pdf)
    assert signature.intact and signature.covers_whole_file
    assert row.pdf_sha256 == sha256(pdf)
    held = gateway.state.documents[row.identificativo_doc]["metadata"]
    assert held["identificativoDoc"] == f"2.16.840.1.113883.2.9.2.30.4.4^{row.pk}"
    assert held["workflowInstanceId"] == row.workflow_instance_id
    assert (held["tipoDocumentoLivAlto"], held["tipologiaStruttura"]) == ("LDO", "Ospedale")
    assert held["attiCliniciRegoleAccesso"] == []  # not obscured
    assert held["dataInizioPrestazione"] == "20220317000000"
    assert list(row.steps.values_list("event", flat=True)) == [
        "queued", "validate", "sign", "claim", "accepted",
    ]  # fmt: skip
    assert AuditEvent.objects.filter(event_type="fse.document_published").count() == 1

    polled = fse_status_poll(document_id=row.pk)
    assert polled.gateway_status == "SEND_TO_INI SUCCESS"


def test_an_outage_is_survived_by_retrying(
    gateway: GatewayServer, physician: User, coordinator: User, ldo_patient: LdoPatient
) -> None:
    patient = ldo_patient()
    row = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    _control(gateway, {"fail": [503], "delay": [0, 8.0]})  # 503, then no answer within 4 s

    first = fse_document_send(document_id=row.pk)
    assert first is not None and (first.state, first.http_status) == ("queued", 503)
    assert fse_document_send(document_id=row.pk) is None  # not due yet: nothing sent
    second = fse_document_send(document_id=row.pk, now=_later(row))
    assert second is not None and second.state == "queued"
    assert second.error_code == "gateway_unavailable" and second.http_status is None
    done = fse_document_send(document_id=row.pk, now=_later(row))

    assert done is not None and done.state == "published" and done.attempts == 3
    assert done.error_text == "" and done.http_status == 201
    events = list(done.steps.values_list("event", flat=True))
    assert events.count("retry_scheduled") == 2 and events[-1] == "accepted"


def test_a_publication_whose_answer_was_lost_is_confirmed_not_failed(
    gateway: GatewayServer, physician: User, coordinator: User, ldo_patient: LdoPatient
) -> None:
    """The gateway published but its answer never arrived: the retry meets 409 (the
    identificativoDoc is held) and the gateway's own trail says PUBLICATION SUCCESS."""
    patient = ldo_patient()
    row = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    _control(gateway, {"delay": [0, 8.0]})  # the publication answered after the client gave up

    first = fse_document_send(document_id=row.pk)
    assert first is not None and first.state == "signed" and first.http_status is None
    deadline = time.monotonic() + 20
    while not gateway.state.documents and time.monotonic() < deadline:
        time.sleep(0.05)  # the simulator finishes the publication it was sent
    assert list(gateway.state.documents) == [first.identificativo_doc]

    done = fse_document_send(document_id=row.pk, now=_later(row))

    assert done is not None and done.state == "published" and done.attempts == 2
    assert [call[:2] for call in _calls(gateway)[-2:]] == [
        ("POST", "/v1/documents"),  # answered 409: the simulator logs no status for problems
        ("GET", f"/v1/status/{quote(done.workflow_instance_id, safe='')}"),
    ]
    assert done.http_status == 409
    accepted = done.steps.get(event="accepted")
    assert accepted.detail["confirmed_by_status"] == "PUBLICATION SUCCESS"


def test_a_conflict_the_gateways_trail_does_not_explain_stays_a_refusal(
    gateway: GatewayServer, physician: User, coordinator: User, ldo_patient: LdoPatient
) -> None:
    patient = ldo_patient()
    row = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    _control(gateway, {"fail": [None, 503, 409]})  # publication: 503, then a 409 of its own

    fse_document_send(document_id=row.pk)
    failed = fse_document_send(document_id=row.pk, now=_later(row))

    assert failed is not None and (failed.state, failed.http_status) == ("failed", 409)
    assert not gateway.state.documents


def test_the_backoff_grows_and_stops_at_the_cap(
    gateway: GatewayServer, physician: User, coordinator: User, ldo_patient: LdoPatient
) -> None:
    patient = ldo_patient()
    row = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    _control(gateway, {"fail": [500, 502, 503, 504, 500]})
    waits = []
    with override_settings(CORSIA_FSE_MAX_ATTEMPTS=5):
        moment = timezone.now()
        for _ in range(5):
            sent = fse_document_send(document_id=row.pk, now=moment)
            assert sent is not None
            row.refresh_from_db()
            waits.append(round((row.next_attempt_at - timezone.now()).total_seconds() / 60))
            moment = row.next_attempt_at + timedelta(seconds=1)
    # 1, 2, 4, 8 minutes (base 60 s, capped at 600 s); the fifth failure: out of attempts
    assert waits[:4] == [1, 2, 4, 8]
    assert (row.state, row.error_code) == ("failed", "fse_attempts_exhausted")


def _other_pdf(cda: bytes) -> bytes:
    return embed_cda(html_to_pdf("<p>Lettera</p>"), cda, at=timezone.now())


def test_a_tampered_cda_is_never_published(
    gateway: GatewayServer, physician: User, coordinator: User, ldo_patient: LdoPatient
) -> None:
    patient = ldo_patient()
    row = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    _control(gateway, {"fail": [None, 503]})  # validated and signed; publication: outage
    first = fse_document_send(document_id=row.pk)
    assert first is not None and first.state == "signed"
    # the signed PDF swapped for one carrying another CDA (one name changed)
    FseDocument.objects.filter(pk=row.pk).update(pdf=_other_pdf(TAMPERED))

    refused = fse_document_send(document_id=row.pk, now=_later(row))

    assert refused is not None and refused.state == "failed"
    assert refused.error_code == "cda_hash_mismatch"
    publications = [c for c in _calls(gateway) if c[:2] == ("POST", "/v1/documents")]
    assert publications == [("POST", "/v1/documents", 503)]  # nothing sent after the swap


def test_the_gateway_refuses_a_cda_other_than_the_one_validated_or_too_old(
    gateway: GatewayServer,
) -> None:
    client = gateway_client()
    facts = DocumentFacts(
        document_code="34105-7", document_number="77", submission_number="77.1",
        patient_cf="GTWGWY82B42G920M", author_cf="PROVAX00X00X000Y", author_role="AAS",
        practice_setting="AD_PSC018",
    )  # fmt: skip
    validated = client.validate(_other_pdf(LDO), facts)
    assert validated.status == 201
    body = publication_body(
        client.organisation, facts, workflow_instance_id=validated.workflow_instance_id
    )
    swapped = client.publish(_other_pdf(TAMPERED), facts, body)
    assert (swapped.status, swapped.body["type"]) == (400, "/msg/cda-match")
    assert swapped.body["detail"] == "Il CDA non corrisponde a quello validato"
    _control(gateway, {"age_days": 5})
    late = client.publish(_other_pdf(LDO), facts, body)
    assert (late.status, late.body["detail"]) == (400, "Validazione scaduta (oltre 5 giorni)")


def test_past_the_5_day_window_corsia_validates_again(
    gateway: GatewayServer, physician: User, coordinator: User, ldo_patient: LdoPatient
) -> None:
    patient = ldo_patient()
    row = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    _control(gateway, {"fail": [None, 503]})
    fse_document_send(document_id=row.pk)
    six_days_ago = timezone.now() - timedelta(days=6)
    FseDocument.objects.filter(pk=row.pk).update(validated_at=six_days_ago)
    _control(gateway, {"age_days": 6})

    done = fse_document_send(document_id=row.pk, now=_later(row))

    assert done is not None and done.state == "published"
    assert [c[1] for c in _calls(gateway)] == [
        "/v1/documents/validation", "/v1/documents", "/v1/documents/validation", "/v1/documents",
    ]  # fmt: skip
    assert "revalidate" in list(done.steps.values_list("event", flat=True))


def test_a_4xx_is_kept_with_the_gateways_error_and_not_retried(
    gateway: GatewayServer,
    physician: User,
    coordinator: User,
    ldo_patient: LdoPatient,
    it_staff: User,
) -> None:
    patient = ldo_patient()
    row = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    with override_settings(CORSIA_FSE_ISSUER=""):  # the tokens miss "iss"
        failed = fse_document_send(document_id=row.pk)

    assert failed is not None and failed.state == "failed" and failed.attempts == 1
    assert (failed.http_status, failed.error_code) == (403, "/msg/jwt-validation")
    assert failed.error_body["detail"] == "Claim mancanti: iss"
    assert failed.error_body["title"] == "Campo token JWT non valido."
    assert fse_document_send(document_id=row.pk, now=timezone.now() + timedelta(days=1)) is None

    retried = fse_document_retry(
        actor=it_staff, workstation=None, document_id=row.pk, reason="Emittente configurato"
    )
    assert retried.state == "queued"
    published = fse_document_send(document_id=row.pk)
    assert published is not None and published.state == "published"


def test_no_consent_to_feed_the_fse_no_sending(
    physician: User, coordinator: User, ldo_patient: LdoPatient
) -> None:
    patient = ldo_patient(consent=None)  # never asked
    with pytest.raises(ValidationFailed) as never_asked:
        fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    consent_record(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="fse", granted=False
    )
    with pytest.raises(ValidationFailed) as refused:
        fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    assert never_asked.value.code == refused.value.code == "fse_consent_missing"
    assert FseDocument.objects.count() == 0


def test_a_cda_of_another_patient_or_broken_is_refused(
    physician: User, coordinator: User, ldo_patient: LdoPatient
) -> None:
    patient = ldo_patient()
    with pytest.raises(ValidationFailed) as other:
        fse_document_submit(
            actor=physician, workstation=None, patient_id=patient.pk,
            cda=LDO.replace(b"GTWGWY82B42G920M", b"RSSMRA85T10A562S"),
        )  # fmt: skip
    with pytest.raises(ValidationFailed) as broken:
        fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO[:-40])
    assert (other.value.code, broken.value.code) == ("cda_patient_mismatch", "cda_invalid")
    assert FseDocument.objects.count() == 0


def test_obscured_after_publication_updates_the_metadata_then_deleted(
    gateway: GatewayServer,
    physician: User,
    coordinator: User,
    ldo_patient: LdoPatient,
    it_staff: User,
) -> None:
    patient = ldo_patient()
    row = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    fse_document_send(document_id=row.pk)
    fse_document_obscure(
        actor=coordinator, workstation=None, document_id=row.pk, obscured=True,
        reason="Richiesta della paziente",
    )  # fmt: skip
    updated = fse_document_send(document_id=row.pk)
    assert updated is not None and updated.pending_action == ""
    held = gateway.state.documents[row.identificativo_doc]
    assert held["metadata"]["attiCliniciRegoleAccesso"] == ["P99"]

    fse_document_delete(actor=it_staff, workstation=None, document_id=row.pk, reason="Errore")
    deleted = fse_document_send(document_id=row.pk)
    assert deleted is not None and deleted.state == "deleted" and held["deleted"] is True


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_publish_once(
    gateway: GatewayServer, physician: User, coordinator: User, ldo_patient: LdoPatient
) -> None:
    patient = ldo_patient()
    row = fse_document_submit(actor=physician, workstation=None, patient_id=patient.pk, cda=LDO)
    _control(gateway, {"delay": [0.5]})  # the first validation takes a while
    start = threading.Barrier(3)

    def send() -> None:
        start.wait()
        try:
            fse_document_send(document_id=row.pk)
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    row.refresh_from_db()
    assert row.state == "published" and row.attempts == 1
    assert [c[1] for c in _calls(gateway)] == ["/v1/documents/validation", "/v1/documents"]
    assert list(row.steps.values_list("event", flat=True)).count("accepted") == 1
