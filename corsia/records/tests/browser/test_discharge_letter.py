"""The discharge letter in a real browser: the physician opens the chart of a patient just
discharged, prepares the letter from the chart (every datum shown with its source), writes
the clinical course and the instructions, and signs; the signed PDF is archived."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.documents.models import Document
from corsia.documents.signing import verify_pdf
from corsia.patients import services as patient_services
from corsia.patients.models import Ward
from corsia.records import services
from corsia.records.models import ClinicalLetter, TumourBoard
from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in


def _document(record: ClinicalLetter | TumourBoard) -> Document:
    assert record.document is not None, "signed: it has its document"
    return record.document


pytestmark = pytest.mark.browser


def test_physician_drafts_and_signs_a_discharge_letter(page: Page, demo_users: str) -> None:
    # given a patient discharged after three days, with a diagnosis, a diary entry and
    # vital signs recorded in the chart during the stay
    physician = User.objects.get(username="medico")
    coordinator = User.objects.get(username="coordinatore")
    services.icd9cm_reference_load(
        content="code,kind,description_it\n153.6,D,TUMORI MALIGNI DEL COLON ASCENDENTE\n"
    )
    patient = patient_services.patient_create(
        actor=coordinator, workstation=None,
        data=patient_services.PatientInput(
            surname="Bianchi", given_names="Anna", sex="F",
            date_of_birth=date(1970, 4, 2), codice_fiscale="BNCNNA70D42H501A",
        ),
    )  # fmt: skip
    ward = Ward.objects.create(code="ONC", name="Oncologia", kind="inpatient")
    now = timezone.now()
    encounter = patient_services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=ward.pk, admitted_at=now - timedelta(days=3),
    )  # fmt: skip
    services.diagnosis_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.DiagnosisInput(
            primary_site_code="153.6", diagnosed_on=timezone.localdate() - timedelta(days=40),
            histotype="Adenocarcinoma", stage="IIIB",
        ),
    )  # fmt: skip
    services.diary_entry_sign(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.DiaryInput(
            kind="ward_round", text="Apiretica, alimentazione ripresa.",
            written_at=now - timedelta(days=1),
        ),
    )  # fmt: skip
    services.vital_signs_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.VitalsInput(
            systolic_bp="128", diastolic_bp="76", heart_rate="72",
            measured_at=now - timedelta(days=1),
        ),
    )  # fmt: skip
    patient_services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=encounter.pk,
        expected_version=encounter.version, discharged_at=now - timedelta(hours=1),
    )  # fmt: skip
    # when the physician opens the chart and prepares the discharge letter
    log_in(page, "medico", demo_users)
    page.goto(f"/records/patients/{patient.pk}/")
    page.get_by_role("link", name="Lettere di dimissione, referti e diario giornaliero").click()
    form = page.get_by_test_id("letter-new-form")
    form.get_by_label("Documento").select_option("discharge_letter")
    form.get_by_label("Ricovero o accesso").select_option(str(encounter.pk))
    form.get_by_role("button", name="Prepara la bozza").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # then the draft shows the chart's data, each with its source
    diagnosis = page.locator("section[data-section=diagnosis]")
    expect(diagnosis).to_contain_text("153.6 TUMORI MALIGNI DEL COLON ASCENDENTE")
    expect(diagnosis).to_contain_text("records.diagnosis:")
    expect(page.locator("section[data-section=diary]")).to_contain_text(
        "Apiretica, alimentazione ripresa."
    )
    expect(page.locator("section[data-section=vitals]")).to_contain_text("128")
    # and the physician writes the free text and signs
    texts = page.get_by_test_id("letter-texts-form")
    texts.get_by_role("textbox", name="Decorso clinico ed epicrisi").fill(
        "Ricovero per il primo ciclo di chemioterapia, ben tollerato."
    )
    texts.get_by_role("textbox", name="Indicazioni alla dimissione").fill(
        "Contattare il reparto in caso di febbre oltre 38 °C."
    )
    texts.get_by_role("button", name="Salva la bozza").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("status").first).to_be_visible()
    page.get_by_test_id("letter-sign-form").get_by_role("button", name="Firma e archivia").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("letter-status")).to_contain_text("Firmata")
    expect(page.get_by_test_id("letter-texts-form")).to_have_count(0)
    assert_accessible_basics(page)
    page.screenshot(path=str(SCREENSHOTS / "discharge_letter_signed.png"), full_page=True)
    # and the archived PDF is the signed one
    letter = ClinicalLetter.objects.get(patient=patient)
    assert (letter.status, letter.signed_by) == ("signed", physician)
    answer = page.request.get(page.get_by_test_id("letter-pdf").get_attribute("href") or "")
    assert answer.ok and answer.body().startswith(b"%PDF-")
    document = _document(letter)
    assert answer.body() == bytes(document.content)
    assert verify_pdf(answer.body()).valid
    assert "Ricovero per il primo ciclo di chemioterapia" in str(document.context)
