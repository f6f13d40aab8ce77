"""letter_cda: a letter signed in Corsia becomes the CDA the gateway accepts, read through
the records, patients and drugs modules' public reads; a draft is refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from lxml import etree

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.fse.sources import lab_loinc, letter_cda
from corsia.fse.validation import validate_cda
from corsia.interop.models import LabCodeMapping
from corsia.interop.selectors import analyte_loinc_codes
from corsia.patients import services as patient_services
from corsia.patients.models import Patient, Ward
from corsia.records import services
from corsia.records.models import ClinicalLetter
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import patient_registered

pytestmark = pytest.mark.django_db
NS = {"h": "urn:hl7-org:v3"}
OUTPATIENT = {"question": "Controllo dopo il primo ciclo.", "conclusions": "Stabile: prosegue."}


@pytest.fixture
def physician(make_user: MakeUser) -> User:
    user = make_user(Role.PHYSICIAN)
    user.tax_code = "VRDLRA70A41H501Z"
    user.save(update_fields=["tax_code"])
    return user


@pytest.fixture
def coordinator(make_user: MakeUser) -> User:
    return make_user(Role.COORDINATOR)


def _diagnosed(physician: User, patient: Patient) -> Patient:
    services.diagnosis_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=services.DiagnosisInput(
            primary_site_code="153.3", diagnosed_on=timezone.localdate() - timedelta(days=30),
            histotype="Adenocarcinoma & <G2>", stage="IIIB", staging_system="TNM 8",
        ),
    )  # fmt: skip
    return patient


def _signed(physician: User, letter: ClinicalLetter) -> ClinicalLetter:
    return services.letter_sign(
        actor=physician, workstation=None, letter_id=letter.pk, expected_version=letter.version
    )


def _outpatient(physician: User, patient: Patient) -> ClinicalLetter:
    return services.letter_draft_create(
        actor=physician, workstation=None, patient_id=patient.pk,
        kind="outpatient_report", texts=OUTPATIENT,
    )  # fmt: skip


def test_a_signed_outpatient_report_is_a_valid_rsa(
    physician: User,
    coordinator: User,
    icd9cm_reference: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    patient = _diagnosed(physician, patient_registered(coordinator))
    letter = _signed(physician, _outpatient(physician, patient))
    xml = letter_cda(letter.pk)
    report = validate_cda(xml)
    assert report.document_type == "RSA" and report.errors == (), report.errors
    root = etree.fromstring(xml)
    assert root.find("h:recordTarget/h:patientRole/h:id", NS).get("extension") == "RSSMRA85T10A562S"
    assert (
        root.find("h:legalAuthenticator/h:assignedEntity/h:id", NS).get("extension")
        == "VRDLRA70A41H501Z"
    )
    assert root.find("h:setId", NS).get("extension").endswith(str(letter.chain))
    assert "Adenocarcinoma & <G2>" in "".join(root.itertext())
    # the same document through the command, then the gateway's validation of the file
    written = tmp_path / "rsa.xml"
    call_command("fse_letter_cda", str(letter.pk), "--output", str(written))
    assert written.read_bytes() == xml
    call_command("fse_validate", str(written))
    assert "VALIDO — RSA, 0 errori" in capsys.readouterr().out


def test_a_signed_discharge_letter_and_its_correction(
    physician: User, coordinator: User, icd9cm_reference: None
) -> None:
    patient = _diagnosed(
        physician,
        patient_registered(coordinator, codice_fiscale="", stp_eni_code="STP1200001234567"),
    )
    ward = Ward.objects.create(code="EMA", name="Ematologia", kind="inpatient")
    stay = patient_services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="inpatient",
        ward_id=ward.pk, admitted_at=timezone.now() - timedelta(days=5),
    )  # fmt: skip
    patient_services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=stay.pk, expected_version=stay.version
    )
    draft = services.letter_draft_create(
        actor=physician, workstation=None, patient_id=patient.pk, kind="discharge_letter",
        encounter_id=stay.pk,
        texts={"clinical_course": "Ricovero regolare.", "instructions": "Riposo."},
    )  # fmt: skip
    first = _signed(physician, draft)
    xml = letter_cda(first.pk)
    report = validate_cda(xml)
    assert report.document_type == "LDO" and report.errors == (), report.errors
    root = etree.fromstring(xml)
    # no codice fiscale: the STP code from the registry, under the STP root
    patient_id = root.find("h:recordTarget/h:patientRole/h:id", NS)
    assert (patient_id.get("root"), patient_id.get("extension")) == (
        "2.16.840.1.113883.2.9.4.3.17",
        "STP1200001234567",
    )
    correction = services.letter_correct(
        actor=physician, workstation=None, letter_id=first.pk, reason="Errore nelle indicazioni"
    )
    second = _signed(physician, correction)
    corrected = etree.fromstring(letter_cda(second.pk))
    assert validate_cda(letter_cda(second.pk)).errors == ()
    assert corrected.find("h:versionNumber", NS).get("value") == "2"
    parent = corrected.find("h:relatedDocument/h:parentDocument/h:id", NS)
    assert parent.get("extension") == root.find("h:id", NS).get("extension")
    assert corrected.find("h:setId", NS).get("extension") == root.find("h:setId", NS).get(
        "extension"
    )


def test_a_draft_or_a_signer_without_codice_fiscale_is_refused(
    physician: User, coordinator: User, make_user: MakeUser, icd9cm_reference: None
) -> None:
    patient = _diagnosed(physician, patient_registered(coordinator))
    draft = _outpatient(physician, patient)
    with pytest.raises(ConflictError) as refused:
        letter_cda(draft.pk)
    assert refused.value.code == "fse_letter_not_signed"
    with pytest.raises(CommandError, match="fse_letter_not_signed"):
        call_command("fse_letter_cda", str(draft.pk))
    no_tax_code = make_user(Role.PHYSICIAN)
    signed = _signed(no_tax_code, _outpatient(no_tax_code, patient))
    with pytest.raises(ValidationFailed) as refused_signer:
        letter_cda(signed.pk)
    assert refused_signer.value.code == "fse_signer_tax_code_missing"


def test_lab_loinc_is_the_interfaces_table_less_codes_the_gateway_refuses() -> None:
    # the laboratory interface's code table is the one source (its first rows come from
    # interop's migration 0002; written here too, so that the test does not depend on a
    # flushed database keeping them): loinc.org 718-7 Hemoglobin [Mass/volume] in Blood,
    # 751-8 Neutrophils [#/volume] in Blood by Automated count, 10334-1 Cancer Ag 125
    for code, analyte in (("718-7", "Emoglobina"), ("751-8", "Neutrofili"), ("10334-1", "CA 125")):
        LabCodeMapping.objects.get_or_create(system="LN", code=code, defaults={"analyte": analyte})
    codes = lab_loinc()
    assert (codes["Emoglobina"], codes["Neutrofili"], codes["CA 125"]) == (
        "718-7",
        "751-8",
        "10334-1",
    )
    # a code the hospital adds is read at once; an analyte given a second code keeps the first
    LabCodeMapping.objects.create(system="LN", code="2947-0", analyte="Sodio")
    LabCodeMapping.objects.create(system="LN", code="30313-1", analyte="Emoglobina")
    # a code the gateway's LOINC dictionary lacks would make it refuse the whole letter:
    # the result goes as text instead (2947-0 is not in Corsia's curated LOINC subset)
    assert analyte_loinc_codes()["Sodio"] == "2947-0"
    codes = lab_loinc()
    assert "Sodio" not in codes and codes["Emoglobina"] == "718-7"
    # a laboratory's own code is not a LOINC
    LabCodeMapping.objects.create(system="99LAB", code="HB", analyte="Ferritina")
    assert "Ferritina" not in analyte_loinc_codes()


def _outpatient_visit(
    physician: User, coordinator: User, patient: Patient, ward: Ward, days_ago: int
) -> etree._Element:
    """An outpatient encounter on ``ward`` ``days_ago`` days ago, its report signed, the
    RSA built and validated by the official rules (schema, schematron RSA 8.3, terminology:
    zero errors), its "Prestazioni" entry returned."""
    visit = patient_services.encounter_admit(
        actor=coordinator, workstation=None, patient_id=patient.pk, kind="outpatient",
        ward_id=ward.pk, admitted_at=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip
    patient_services.encounter_discharge(
        actor=coordinator, workstation=None, encounter_id=visit.pk, expected_version=visit.version
    )
    draft = services.letter_draft_create(
        actor=physician, workstation=None, patient_id=patient.pk, kind="outpatient_report",
        encounter_id=visit.pk, texts=OUTPATIENT,
    )  # fmt: skip
    xml = letter_cda(_signed(physician, draft).pk)
    report = validate_cda(xml)
    assert report.document_type == "RSA" and report.errors == (), report.errors
    (section,) = etree.fromstring(xml).xpath(".//h:section[h:code/@code='62387-6']", namespaces=NS)
    return section


def test_the_rsa_visit_is_the_first_visit_then_a_control_visit_on_the_same_clinic(
    physician: User, coordinator: User, icd9cm_reference: None
) -> None:
    patient = _diagnosed(physician, patient_registered(coordinator))
    clinic = Ward.objects.create(code="AMB-EMA", name="Ambulatorio ematologia", kind="outpatient")
    other = Ward.objects.create(code="AMB-CAR", name="Ambulatorio cardiologia", kind="outpatient")

    def visit(section: etree._Element) -> tuple[str | None, str | None, str]:
        code = section.find("h:entry/h:act/h:code", NS)
        return (
            code.get("code"),
            code.get("codeSystem"),
            "".join(section.find("h:text", NS).itertext()),
        )

    # the clinic sees the patient for the first time: 89.7 "Visita generale" (ICD-9-CM 2007)
    code, system, text = visit(_outpatient_visit(physician, coordinator, patient, clinic, 40))
    assert (code, system) == ("89.7", "2.16.840.1.113883.6.103")
    assert "Prima visita: Visita generale (ICD-9-CM 89.7)" in text
    # a visit on another clinic is that clinic's first
    assert visit(_outpatient_visit(physician, coordinator, patient, other, 30))[0] == "89.7"
    # back to the first clinic: a visit after the first, 89.01 "Anamnesi e valutazione,
    # definite brevi" (the Nomenclatore's "visita successiva alla prima")
    code, system, text = visit(_outpatient_visit(physician, coordinator, patient, clinic, 10))
    assert (code, system) == ("89.01", "2.16.840.1.113883.6.103")
    assert "Visita di controllo: Anamnesi e valutazione, definite brevi (ICD-9-CM 89.01)" in text
