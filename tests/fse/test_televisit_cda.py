"""The Referto di Televisita (LOINC 75496-0) as CDA2: built from the signed report's texts,
it passes the CDA schema, the gateway's televisit schematron (SaxonC) and the terminology
check, and carries the patient, the author, the date and the report's text; a signed
report is queued for the FSE like the LDO, or its refusal audited."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from corsia.audit.models import AuditEvent
from corsia.core.domain.errors import ValidationFailed
from corsia.fse.domain.cda.model import Clinician, DocumentVersion
from corsia.fse.domain.cda.televisit import (
    TelevisitPatient,
    TelevisitReportData,
    televisit_cda,
)
from corsia.fse.models import FseDocument
from corsia.fse.sources import hospital
from corsia.fse.validation import validate_cda
from corsia.patients.models import Patient
from corsia.patients.services import consent_record
from corsia.telemedicine import services
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import mario_rossi
from corsia.testing.telemedicine import (
    WORKSTATION,
    TelevisitCase,
    televisit_case,
    televisit_open,
)

CF = mario_rossi().codice_fiscale
ROME = ZoneInfo("Europe/Rome")
NS = {"h": "urn:hl7-org:v3"}
REPORT = TelevisitReportData(
    televisit_id=7,
    booking_id=42,
    patient=TelevisitPatient("RSSMRA70A01H501S", "", "Rossi", "Mario", "M", "1970-01-01", "Roma"),
    signer=Clinician("VRDLGU70A01H501X", "Verdi", "Luigi"),
    signed_at=datetime(2026, 12, 3, 11, 5, tzinfo=ROME),
    started_at=datetime(2026, 12, 3, 10, 0, tzinfo=ROME),
    ended_at=datetime(2026, 12, 3, 10, 20, tzinfo=ROME),
    history="Linfoma di Hodgkin, ABVD: controllo dopo il 3° ciclo.",
    findings="Nessuna febbre; nausea di grado 1 & appetito < al solito.\n\nParestesie assenti.",
    conclusions="Prosegue ABVD; emocromo prima del 4° ciclo.",
    consent_text="Acconsento a svolgere la visita in videochiamata.",
)


def _build(data: TelevisitReportData = REPORT) -> bytes:
    return televisit_cda(data, hospital=hospital(), version=DocumentVersion("120999.TV7", 1))


def _section_text(doc: etree._Element, code: str) -> str:
    (text,) = doc.xpath(f"//h:section[h:code/@code='{code}']/h:text", namespaces=NS)
    return " ".join(text.itertext())


def test_the_televisit_report_passes_schema_schematron_and_terminology() -> None:
    report = validate_cda(_build())
    assert [f for f in report.findings if f.severity == "error"] == []
    assert report.findings == ()  # not even a warning: every code is in a dictionary


def test_it_carries_the_patient_the_author_the_date_and_the_report_text() -> None:
    doc = etree.fromstring(_build())

    def one(path: str) -> list[str]:
        return [str(v) for v in doc.xpath(path, namespaces=NS)]

    assert one("/h:ClinicalDocument/h:code/@code") == ["75496-0"]
    assert one("/h:ClinicalDocument/h:templateId/@root") == ["2.16.840.1.113883.2.9.10.1.16.1.1"]
    # the patient by codice fiscale, name, birth and birthplace
    role = "/h:ClinicalDocument/h:recordTarget/h:patientRole"
    assert one(f"{role}/h:id/@extension") == ["RSSMRA70A01H501S"]
    assert one(f"{role}/h:id/@root") == ["2.16.840.1.113883.2.9.4.3.2"]
    assert one(f"{role}/h:patient/h:name/h:family/text()") == ["Rossi"]
    assert one(f"{role}/h:patient/h:birthTime/@value") == ["19700101"]
    assert one(f"{role}/h:patient/h:birthplace/h:place/h:addr/h:city/text()") == ["Roma"]
    # the author and legal authenticator: the signing physician, at the signature (Rome)
    assert one("//h:author/h:assignedAuthor/h:id/@extension") == ["VRDLGU70A01H501X"]
    assert one("//h:legalAuthenticator/h:assignedEntity/h:id/@extension") == ["VRDLGU70A01H501X"]
    assert one("/h:ClinicalDocument/h:effectiveTime/@value") == ["20261203110500+0100"]
    assert one("//h:author/h:time/@value") == ["20261203110500+0100"]
    # the call's time: the encounter, and the televisit act in "Prestazioni"
    assert one("//h:encompassingEncounter/h:effectiveTime/h:low/@value") == ["20261203100000+0100"]
    assert one("//h:section[h:code/@code='62387-6']/h:entry/h:act/h:effectiveTime/@value") == [
        "20261203100000+0100"
    ]
    # the booking as the order fulfilled
    assert one("//h:inFulfillmentOf/h:order/h:id/@extension") == ["120999.PREN.42"]
    # the report's texts, escaped, in their sections
    assert "controllo dopo il 3° ciclo" in _section_text(doc, "11329-0")
    findings = _section_text(doc, "47045-0")
    assert "nausea di grado 1 & appetito < al solito." in findings
    assert "Parestesie assenti." in findings
    assert "emocromo prima del 4° ciclo" in _section_text(doc, "55110-1")
    # the consent wording as the required media, base64
    (media,) = one("//h:observationMedia/h:value/text()")
    assert base64.b64decode(media).decode() == REPORT.consent_text


def test_an_stp_patient_passes_and_a_missing_text_or_signer_code_is_refused() -> None:
    stp = replace(
        REPORT,
        patient=replace(REPORT.patient, codice_fiscale="", stp_eni_code="STP1400000000777"),
    )
    xml = _build(stp)
    assert [f for f in validate_cda(xml).findings if f.severity == "error"] == []
    assert b'root="2.16.840.1.113883.2.9.4.3.17" extension="STP1400000000777"' in xml
    with pytest.raises(ValidationFailed) as empty:
        _build(replace(REPORT, findings="  "))
    assert empty.value.code == "fse_televisit_text_missing"
    with pytest.raises(ValidationFailed) as signer:
        _build(replace(REPORT, signer=Clinician("", "Verdi", "Luigi")))
    assert signer.value.code == "fse_signer_tax_code_missing"


def _sign(case: TelevisitCase) -> None:
    televisit_open(case)
    services.televisit_close(
        actor=case.clinician, workstation=WORKSTATION, televisit_id=case.visit.pk
    )
    services.televisit_report_sign(
        actor=case.clinician,
        workstation=WORKSTATION,
        televisit_id=case.visit.pk,
        history="Controllo dopo il 3° ciclo di FOLFOX.",
        findings="Parestesie di grado 1; nessuna febbre.",
        conclusions="Prosegue la terapia.",
    )


@pytest.mark.django_db
def test_a_signed_report_is_queued_for_the_fse_like_the_ldo(make_user: MakeUser) -> None:
    case = televisit_case(make_user)
    # the gateway's submission names the patient by codice fiscale (the case's has STP only)
    Patient.objects.filter(pk=case.patient_id).update(codice_fiscale=CF)
    case.clinician.tax_code = "VRDLGU70A01H501X"
    case.clinician.save(update_fields=["tax_code"])
    consent_record(
        actor=case.clinician,
        workstation=None,
        patient_id=case.patient_id,
        kind="fse",
        granted=True,
    )
    _sign(case)
    document = FseDocument.objects.get(patient_id=case.patient_id)
    assert (document.state, document.document_type) == ("queued", "TELEVISITA")
    xml = bytes(document.cda)
    assert b"75496-0" in xml and b"Parestesie di grado 1; nessuna febbre." in xml
    assert f'extension="{CF}"'.encode() in xml
    assert not AuditEvent.objects.filter(event_type="fse.televisit_not_sent").exists()


@pytest.mark.django_db
def test_without_consent_the_report_stays_signed_and_the_refusal_is_audited(
    make_user: MakeUser,
) -> None:
    case = televisit_case(make_user)
    case.clinician.tax_code = "VRDLGU70A01H501X"
    case.clinician.save(update_fields=["tax_code"])
    _sign(case)
    assert not FseDocument.objects.filter(patient_id=case.patient_id).exists()
    event = AuditEvent.objects.get(event_type="fse.televisit_not_sent")
    assert (event.patient_id, (event.after or {})["code"]) == (
        case.patient_id,
        "fse_consent_missing",
    )
    assert (event.after or {})["televisit_id"] == case.visit.pk
