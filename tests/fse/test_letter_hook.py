"""A letter signed in the chart goes to the FSE by itself (records' letter hook): queued
when the patient consents, audited with the reason when it cannot go, and the signature
stands either way."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
import requests
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.fse.models import FseDocument
from corsia.fse.services import fse_document_send
from corsia.fse.simulator import GatewayServer
from corsia.fse.validation import validate_cda
from corsia.patients.models import Patient, Ward
from corsia.patients.services import consent_record, encounter_admit, encounter_discharge
from corsia.records import services
from corsia.records.models import ClinicalLetter
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db
CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], None]]]]


@pytest.fixture
def physician(make_user: MakeUser) -> User:
    user = make_user(Role.PHYSICIAN, username="dr_firma_fse")
    user.tax_code = "VRDLRA70A41H501Z"
    user.save(update_fields=["tax_code"])
    return user


@pytest.fixture
def coordinator(make_user: MakeUser) -> User:
    return make_user(Role.COORDINATOR, username="coord_hook")


def _patient(coordinator: User, physician: User, *, consent: bool | None) -> Patient:
    patient = patient_registered(coordinator)
    if consent is not None:
        consent_record(
            actor=coordinator, workstation=None, patient_id=patient.pk, kind="fse", granted=consent
        )
    services.diagnosis_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.DiagnosisInput(
            primary_site_code="153.3", diagnosed_on=timezone.localdate() - timedelta(days=30),
            histotype="Adenocarcinoma", stage="IIIB", staging_system="TNM 8",
        ),
    )  # fmt: skip
    return patient


def _signed_report(
    physician: User, patient: Patient, kind: str = "outpatient_report"
) -> ClinicalLetter:
    texts = (
        {"question": "Controllo dopo il primo ciclo.", "conclusions": "Stabile: prosegue."}
        if kind == "outpatient_report"
        else {"diary": "Giornata senza eventi."}
    )
    draft = services.letter_draft_create(
        actor=physician, workstation=None, patient_id=patient.pk, kind=kind, texts=texts
    )
    return services.letter_sign(
        actor=physician, workstation=None, letter_id=draft.pk, expected_version=draft.version
    )


def _signed_discharge(physician: User, coordinator: User, patient: Patient) -> ClinicalLetter:
    ward = Ward.objects.create(code="EMA", name="Ematologia", kind="inpatient")
    stay = encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=ward.pk, admitted_at=timezone.now() - timedelta(days=5),
    )  # fmt: skip
    encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=stay.pk, expected_version=stay.version
    )
    draft = services.letter_draft_create(
        actor=physician, workstation=None, patient_id=patient.pk, kind="discharge_letter",
        encounter_id=stay.pk,
        texts={"clinical_course": "Ricovero per il primo ciclo, regolare.", "instructions": "Riposo."},
    )  # fmt: skip
    return services.letter_sign(
        actor=physician, workstation=None, letter_id=draft.pk, expected_version=draft.version
    )


def _not_sent(patient: Patient) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(event_type="fse.letter_not_sent", patient_id=patient.pk)
    return [event.after or {} for event in events]


def test_a_signed_discharge_letter_goes_to_the_fse_survives_an_outage_and_is_published(
    gateway: GatewayServer,
    physician: User,
    coordinator: User,
    icd9cm_reference: None,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    patient = _patient(coordinator, physician, consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        letter = _signed_discharge(physician, coordinator, patient)
    document = FseDocument.objects.get(letter_id=letter.pk)
    assert (document.patient_id, document.document_type) == (patient.pk, "LDO")
    assert document.state == "queued"
    # what is queued is the CDA that passes the gateway's rules, kept with its hash
    assert validate_cda(bytes(document.cda)).errors == ()
    assert _not_sent(patient) == []

    # the gateway is down for the first try (503): retried, then validated, signed, published
    port = gateway.server_address[1]
    requests.post(
        f"http://127.0.0.1:{port}/__control", json={"fail": [503]}, timeout=5
    ).raise_for_status()
    first = fse_document_send(document_id=document.pk)
    assert first is not None and (first.state, first.http_status) == ("queued", 503)
    document.refresh_from_db()
    done = fse_document_send(
        document_id=document.pk, now=document.next_attempt_at + timedelta(seconds=1)
    )
    assert done is not None and done.state == "published", done and done.error_text
    # what the gateway holds is the CDA validated when the letter was signed
    assert done.cda_sha256 == hashlib.sha256(bytes(document.cda)).hexdigest()


def test_no_consent_leaves_the_letter_signed_and_says_why(
    physician: User,
    coordinator: User,
    icd9cm_reference: None,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    patient = _patient(coordinator, physician, consent=None)
    with django_capture_on_commit_callbacks(execute=True):
        letter = _signed_report(physician, patient)
    letter.refresh_from_db()
    assert letter.status == "signed"
    assert not FseDocument.objects.filter(letter_id=letter.pk).exists()
    [event] = _not_sent(patient)
    assert event["code"] == "fse_consent_missing"
    assert event["letter_id"] == letter.pk


def test_a_signer_without_codice_fiscale_is_audited_not_sent(
    physician: User,
    coordinator: User,
    icd9cm_reference: None,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    physician.tax_code = ""
    physician.save(update_fields=["tax_code"])
    patient = _patient(coordinator, physician, consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        letter = _signed_report(physician, patient)
    assert not FseDocument.objects.filter(letter_id=letter.pk).exists()
    [event] = _not_sent(patient)
    assert event["code"] == "fse_signer_tax_code_missing"
