"""A signed letter that did not go to the FSE is shown on IT staff's page with why and what
to do (``fse.letter_not_sent``), and sent again from there once its cause is mended; the
page and the API call the same service with the same permission."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import PermissionRefused, ValidationFailed
from corsia.fse.models import FseDocument
from corsia.fse.selectors import letters_not_sent
from corsia.fse.services import fse_letter_resend
from corsia.patients.models import Patient
from corsia.patients.services import consent_record
from corsia.records import services
from corsia.records.models import ClinicalLetter
from corsia.testing.accounts import api_client, logged_in, post_json
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db
CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], None]]]]


@pytest.fixture
def signer(physician: User) -> User:
    physician.tax_code = "VRDLRA70A41H501Z"
    physician.save(update_fields=["tax_code"])
    return physician


def _report_signed_without_consent(
    signer: User, coordinator: User, capture: CaptureCallbacks
) -> tuple[Patient, ClinicalLetter]:
    patient = patient_registered(coordinator)
    services.diagnosis_record(
        actor=signer, workstation=None, patient_id=patient.pk,
        data=services.DiagnosisInput(
            primary_site_code="153.3", diagnosed_on=timezone.localdate() - timedelta(days=30),
            histotype="Adenocarcinoma", stage="IIIB", staging_system="TNM 8",
        ),
    )  # fmt: skip
    draft = services.letter_draft_create(
        actor=signer, workstation=None, patient_id=patient.pk, kind="outpatient_report",
        texts={"question": "Controllo dopo il primo ciclo.", "conclusions": "Stabile."},
    )  # fmt: skip
    with capture(execute=True):
        letter = services.letter_sign(
            actor=signer, workstation=None, letter_id=draft.pk, expected_version=draft.version
        )
    return patient, letter


def test_a_letter_not_sent_is_shown_with_why_and_sent_again_once_mended(
    signer: User,
    coordinator: User,
    it_staff: User,
    icd9cm_reference: None,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    # given a report signed for a patient who gave no consent to feed the FSE
    patient, letter = _report_signed_without_consent(
        signer, coordinator, django_capture_on_commit_callbacks
    )
    assert not FseDocument.objects.filter(letter_id=letter.pk).exists()

    # then IT staff's page lists it: the patient's MRN, who signed, the code, what to do
    page = logged_in(it_staff)
    listing = page.get("/fse/").content.decode()
    assert f'data-testid="letter-not-sent-{letter.pk}"' in listing
    assert patient.mrn in listing and "fse_consent_missing" in listing
    assert "registralo nei consensi del paziente" in listing
    assert f'data-testid="resend-{letter.pk}"' in listing
    # naming the patient is a read of their data: logged
    assert AccessLogEntry.objects.filter(user=it_staff, patient_id=patient.pk).exists()
    (row,) = api_client(it_staff).get("/api/v1/fse/letters-not-sent").json()
    assert (row["letter_id"], row["mrn"], row["code"]) == (
        letter.pk,
        patient.mrn,
        "fse_consent_missing",
    )
    assert row["signed_by"] == signer.username

    # when it is sent again without a reason, or while the cause stands: refused, and the
    # new refusal is what the list shows
    assert page.post(f"/fse/letters/{letter.pk}/send/", {"reason": " "}).status_code == 302
    with pytest.raises(ValidationFailed) as refused:
        fse_letter_resend(
            actor=it_staff, workstation=None, letter_id=letter.pk, reason="Secondo tentativo"
        )
    assert refused.value.code == "fse_consent_missing"
    assert not FseDocument.objects.filter(letter_id=letter.pk).exists()
    assert [r.letter_id for r in letters_not_sent(user=it_staff)] == [letter.pk]
    # a physician may not send it for IT staff, nor read the list
    with pytest.raises(PermissionRefused):
        fse_letter_resend(actor=signer, workstation=None, letter_id=letter.pk, reason="x")
    assert api_client(signer).get("/api/v1/fse/letters-not-sent").status_code == 403

    # when the consent is recorded and IT staff send it again
    consent_record(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="fse", granted=True
    )
    page.post(f"/fse/letters/{letter.pk}/send/", {"reason": "Consenso raccolto oggi"})

    # then it is queued, under the physician's signature, and leaves the list
    document = FseDocument.objects.get(letter_id=letter.pk)
    assert (document.state, document.patient_id, document.document_type) == (
        "queued",
        patient.pk,
        "RSA",
    )
    resent = AuditEvent.objects.get(event_type="fse.letter_resent")
    assert (resent.actor_id, resent.reason) == (it_staff.pk, "Consenso raccolto oggi")
    assert letters_not_sent(user=it_staff) == []
    assert "letters-not-sent" not in page.get("/fse/").content.decode()
    # and a second send is refused: one live document per letter
    status, problem = post_json(
        api_client(it_staff), f"/api/v1/fse/letters/{letter.pk}/send", {"reason": "Ancora"}
    )
    assert (status, problem["code"]) == (422, "fse_already_submitted")
