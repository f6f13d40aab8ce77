"""A stay in a real browser, admission to discharge letter: the physician follows an
admitted patient on FOLFOX-4 through the chart's pages (ward round with vital signs, a lab
result, the TNM staging), then, once the patient is discharged, prepares the letter from
the chart (every datum shown with its source), writes the clinical course and the
instructions, and signs; the signed letter shows the chart's data, is read-only, and its
PDF is archived signed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from corsia.accounts.models import User
from corsia.documents.models import Document
from corsia.documents.signing import verify_pdf
from corsia.patients import services as patient_services
from corsia.patients.models import Ward
from corsia.prescribing import services as prescribing_services
from corsia.records import services
from corsia.records.models import ClinicalLetter, DiagnosisStaging, LabResult, TumourBoard
from corsia.regimens.models import RegimenVersion
from corsia.testing.browser import SCREENSHOTS, assert_accessible_basics, log_in, step
from corsia.testing.prescribing import demo_colon_patient_for_folfox


def _document(record: ClinicalLetter | TumourBoard) -> Document:
    assert record.document is not None, "signed: it has its document"
    return record.document


pytestmark = pytest.mark.browser


def test_physician_follows_a_stay_and_signs_the_discharge_letter(
    page: Page, demo_users: str
) -> None:
    # given a patient with a sigmoid adenocarcinoma (no stage written by hand), admitted to
    # Oncologia medica three days ago, on FOLFOX-4 since two days ago
    physician = User.objects.get(username="medico")
    coordinator = User.objects.get(username="coordinatore")
    services.icd9cm_reference_load(
        content="code,kind,description_it\n153.3,D,Tumori maligni del sigma\n"
    )
    patient = demo_colon_patient_for_folfox()
    ward = Ward.objects.create(code="ONC", name="Oncologia medica", kind="inpatient")
    now = timezone.now()
    today = timezone.localdate()
    encounter = patient_services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=ward.pk, admitted_at=now - timedelta(days=3),
    )  # fmt: skip
    services.diagnosis_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.DiagnosisInput(
            primary_site_code="153.3", diagnosed_on=today - timedelta(days=40),
            histotype="Adenocarcinoma",
        ),
    )  # fmt: skip
    order = prescribing_services.order_create(
        actor=physician, workstation=None, patient_id=patient.pk,
        regimen_version_id=RegimenVersion.objects.get(regimen__code="FOLFOX-4").pk, start_date=today - timedelta(days=2),
    )  # fmt: skip
    prescribing_services.order_transition(
        actor=physician, workstation=None, order_id=order.pk, event="confirm"
    )
    # when the physician opens the chart and signs the ward round with the vital signs
    log_in(page, "medico", demo_users)
    page.goto(f"/records/patients/{patient.pk}/")
    form = page.get_by_test_id("ward-round-form")
    form.get_by_label("Annotazione del giro visita").fill(
        "Apiretico, alimentazione ripresa. Buona tolleranza al primo ciclo."
    )
    form.get_by_label("PA sistolica (mmHg)").fill("128")
    form.get_by_label("PA diastolica (mmHg)").fill("76")
    form.get_by_label("Frequenza cardiaca (bpm)").fill("72")
    form.get_by_role("button", name="Firma il giro visita").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("timeline")).to_contain_text("Apiretico, alimentazione ripresa.")
    step(page, "giro-visita")
    # and records this morning's haemoglobin on the laboratory page
    page.get_by_role("link", name="Esami di laboratorio").first.click()
    lab = page.get_by_test_id("lab-form")
    lab.get_by_label("Esame").fill("Emoglobina")
    lab.get_by_label("Valore").fill("9,8")
    lab.get_by_label("Unità di misura").fill("g/dL")
    lab.get_by_label("Riferimento: minimo").fill("13")
    lab.get_by_label("Riferimento: massimo").fill("17")
    collected = timezone.localtime(now - timedelta(hours=2))
    lab.get_by_label("Prelievo il").fill(collected.strftime("%Y-%m-%dT%H:%M"))
    lab.get_by_role("button", name="Registra l'esame").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("lab-trends")).to_contain_text("9,8 L")
    step(page, "esami")
    # and stages the tumour: TNM 8 of the colon and rectum, cT3 N1b M0
    page.get_by_role("link", name="Torna alla cartella clinica").click()
    page.get_by_role("link", name="Stadiazione").first.click()
    page.get_by_label("Sistema di stadiazione").select_option("tnm8_colorectum")
    page.get_by_role("button", name="Scegli").click()
    staging = page.get_by_test_id("staging-form")
    staging.get_by_label("Categoria T").select_option("T3")
    staging.get_by_label("Categoria N").select_option("N1b")
    staging.get_by_label("Categoria M").select_option("M0")
    staging.get_by_role("button", name="Calcola e firma lo stadio").click()
    expect(page.get_by_test_id("current-stage")).to_have_text("Stadio IIIB")
    step(page, "stadiazione")
    # and, once the ward has recorded the discharge, prepares the discharge letter
    encounter.refresh_from_db()
    patient_services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=encounter.pk,
        expected_version=encounter.version,
    )  # fmt: skip
    page.get_by_role("link", name="Torna alla cartella clinica").click()
    page.get_by_role("link", name="Lettere di dimissione, referti e diario giornaliero").click()
    form = page.get_by_test_id("letter-new-form")
    form.get_by_label("Documento").select_option("discharge_letter")
    form.get_by_label("Ricovero o accesso").select_option(str(encounter.pk))
    form.get_by_role("button", name="Prepara la bozza").click()
    page.wait_for_load_state("load")
    assert_accessible_basics(page)
    # then the draft shows the chart's data, each with its source
    diagnosis = page.locator("section[data-section=diagnosis]")
    expect(diagnosis).to_contain_text("153.3 Tumori maligni del sigma")
    expect(diagnosis).to_contain_text("records.diagnosis:")
    expect(page.locator("section[data-section=diary]")).to_contain_text(
        "Apiretico, alimentazione ripresa."
    )
    expect(page.locator("section[data-section=vitals]")).to_contain_text("128")
    step(page, "bozza")
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
    # then the signed letter shows what the chart holds: the diagnosis, the stage computed
    # on the staging page, the lab value typed on the lab page, the regimen given
    expect(page.get_by_test_id("letter-status")).to_contain_text("Firmata")
    expect(diagnosis).to_contain_text("153.3 Tumori maligni del sigma")
    expect(diagnosis).to_contain_text("stadio IIIB")
    expect(diagnosis).to_contain_text("cT3 N1b M0 · TNM 8ª ed. – Colon e retto")
    labs = page.locator("section[data-section=labs]")
    expect(labs).to_contain_text("Emoglobina")
    expect(labs).to_contain_text("9,8")
    expect(page.locator("section[data-section=therapies]")).to_contain_text("FOLFOX-4")
    # and it is read-only: no free-text form, no signature, no refresh from the chart
    expect(page.get_by_test_id("letter-texts-form")).to_have_count(0)
    expect(page.get_by_test_id("letter-sign-form")).to_have_count(0)
    assert_accessible_basics(page)
    page.screenshot(path=str(SCREENSHOTS / "discharge_letter_signed.png"), full_page=True)
    # and the archived PDF is the signed one, printed from the same data
    letter = ClinicalLetter.objects.get(patient=patient)
    assert (letter.status, letter.signed_by) == ("signed", physician)
    answer = page.request.get(page.get_by_test_id("letter-pdf").get_attribute("href") or "")
    assert answer.ok and answer.body().startswith(b"%PDF-")
    document = _document(letter)
    assert answer.body() == bytes(document.content)
    assert verify_pdf(answer.body()).valid
    printed = str(document.context)
    for datum in ("Ricovero per il primo ciclo di chemioterapia", "IIIB", "FOLFOX-4"):
        assert datum in printed, datum
    # and each datum came from the chart's records, by the physician through the pages
    assert DiagnosisStaging.objects.get(patient=patient).author == physician
    assert LabResult.objects.get(patient=patient).recorded_by == physician
