"""What a letter's CDA is built from, gathered through the other modules' public reads.

``televisit_report_cda(...)`` builds the Referto di Televisita from the texts telemedicine
hands over at the signature (``services.fse_televisit_submit``).

``letter_cda(letter_id)`` is the one door the publication flow uses: the signed letter's
frozen content (records), the patient's STP/ENI code when there is no codice fiscale
(patients), the ATC of each antineoplastic given (drugs), the hospital's identity
(settings), the laboratory codes the hospital maps to LOINC (interop's code table) and the
UCUM units (``data/``). Like every read offered to another module's service it checks no permission
and writes no access log: the caller (the publication service) does both.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from corsia.core.domain.errors import ConflictError
from corsia.drugs.selectors import ingredient_atc_codes
from corsia.fse.domain.cda import build_cda
from corsia.fse.domain.cda.model import (
    CdaInput,
    Clinician,
    DocumentVersion,
    Hospital,
    visit_of,
)
from corsia.fse.domain.cda.televisit import (
    TelevisitPatient,
    TelevisitReportData,
    televisit_cda,
)
from corsia.fse.terminology import LOINC, gateway_dictionaries
from corsia.interop.selectors import analyte_loinc_codes
from corsia.patients.selectors import patient_record, seen_before_on_ward
from corsia.records.selectors_letters import letter_for_publication

UCUM = "2.16.840.1.113883.1.11.12839"

# The demo hospital. A real one sets CORSIA_FSE_HOSPITAL in its settings (the HSP.11 code of
# the structure, its ASL, the OIDs its region assigned for documents and encounters).
DEMO_HOSPITAL = {
    "name": "Ospedale Corsia (demo)",
    "code": "120999",
    "asl_code": "120",
    "region_name": "Regione Lazio",
    "document_root": "2.16.840.1.113883.2.9.2.120.4.4",
    "encounter_root": "2.16.840.1.113883.2.9.2.120.4.6",
    "telecom": "tel:+39060000000",
}


def hospital() -> Hospital:
    configured = dict(DEMO_HOSPITAL)
    configured.update(getattr(settings, "CORSIA_FSE_HOSPITAL", {}) or {})
    return Hospital(**configured)


def lab_loinc() -> dict[str, str]:
    """The chart's analytes the hospital maps to LOINC: the laboratory interface's code
    table (``interop.selectors.analyte_loinc_codes``, the one source), less the codes the
    LOINC dictionary does not hold — the gateway would refuse the whole letter for one of
    them (``TERM-CODE``); such a result goes in the document as text, uncoded, like an
    analyte with no code at all."""
    known = gateway_dictionaries().by_system.get(LOINC)
    accepted = (known.codes("") or frozenset()) if known else frozenset()
    return {analyte: code for analyte, code in analyte_loinc_codes().items() if code in accepted}


def ucum_units() -> frozenset[str]:
    found = gateway_dictionaries().by_system.get(UCUM)
    return (found.codes("") or frozenset()) if found else frozenset()


def letter_cda(letter_id: int, *, confidentiality: str = "N") -> bytes:
    """The CDA2 (LDO or RSA) of a signed letter, built from its frozen content. A draft is
    refused (``fse_letter_not_signed``); a letter that cannot become an FSE document
    (diary report, patient without CF or STP/ENI, signer without codice fiscale) raises a
    ``ValidationFailed`` naming why."""
    letter = letter_for_publication(letter_id=letter_id)
    if letter.status != "signed" or letter.signed_at is None:
        raise ConflictError(
            "La lettera non è firmata: al Fascicolo Sanitario Elettronico va solo un documento "
            "firmato.",
            code="fse_letter_not_signed",
        )
    stp_eni = ""
    if not str((letter.content.get("patient") or {}).get("codice_fiscale", "")).strip():
        stp_eni = patient_record(patient_id=letter.patient_id).stp_eni_code
    place = hospital()
    set_extension = f"{place.code}.{letter.chain}"
    replaces = ""
    if letter.number > 1:
        replaces = DocumentVersion(set_extension, letter.number - 1).extension
    codes = [
        str(item["values"].get("ingredient_code", ""))
        for section in letter.content.get("sections", [])
        if section.get("code") == "therapies"
        for item in section.get("items", [])
    ]
    return build_cda(
        CdaInput(
            content=letter.content,
            version=DocumentVersion(set_extension, letter.number, replaces),
            signed_at=letter.signed_at,
            signer=Clinician(letter.signer_tax_code, letter.signer_family, letter.signer_given),
            hospital=place,
            stp_eni_code=stp_eni,
            encounter_extension=str(letter.encounter_id or ""),
            confidentiality=confidentiality,
            ingredient_atc={k: v for k, v in ingredient_atc_codes(codes).items() if v},
            lab_loinc=lab_loinc(),
            ucum_units=ucum_units(),
            visit=visit_of(
                seen_before=letter.encounter_id is not None
                and seen_before_on_ward(encounter_id=letter.encounter_id)
            ),
        )
    )


def televisit_report_cda(
    *,
    televisit_id: int,
    booking_id: int | None,
    patient_id: int,
    signer: Clinician,
    signed_at: datetime,
    started_at: datetime,
    ended_at: datetime,
    history: str,
    findings: str,
    conclusions: str,
    consent_text: str,
) -> bytes:
    """The Referto di Televisita (LOINC 75496-0) of a signed televisit report, from the
    texts frozen at its signature; the patient as registered (``patient_record``).
    Identity: ``setId`` = ``id`` = ``<HSP.11>.TV<televisit id>`` (one report per
    televisit, signed once)."""
    patient = patient_record(patient_id=patient_id)
    place = hospital()
    data = TelevisitReportData(
        televisit_id=televisit_id,
        booking_id=booking_id,
        patient=TelevisitPatient(
            codice_fiscale=patient.codice_fiscale,
            stp_eni_code=patient.stp_eni_code,
            surname=patient.surname,
            given_names=patient.given_names,
            sex=patient.sex,
            date_of_birth=patient.date_of_birth.isoformat(),
            place_of_birth=patient.place_of_birth,
        ),
        signer=signer,
        signed_at=signed_at,
        started_at=started_at,
        ended_at=ended_at,
        history=history,
        findings=findings,
        conclusions=conclusions,
        consent_text=consent_text,
        branch=str(getattr(settings, "CORSIA_FSE_TELEVISIT_BRANCH", "") or "Oncologia"),
        discipline=str(
            getattr(settings, "CORSIA_FSE_TELEVISIT_DISCIPLINE", "") or "Oncologia medica"
        ),
    )
    return televisit_cda(
        data, hospital=place, version=DocumentVersion(f"{place.code}.TV{televisit_id}", 1)
    )
