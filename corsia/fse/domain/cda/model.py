"""What a CDA2 builder needs (pure, frozen): the signed letter's frozen content and the
few facts around it the letter does not carry (identifiers, the signer, the hospital)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from corsia.core.domain.errors import ValidationFailed

# National identifier roots (ERRORE-10a of the LDO and RSA rules).
ROOT_CF = "2.16.840.1.113883.2.9.4.3.2"
ROOT_STP = "2.16.840.1.113883.2.9.4.3.17"
ROOT_ENI = "2.16.840.1.113883.2.9.4.3.18"
ROOT_FACILITY = "2.16.840.1.113883.2.9.4.1.6"  # healthCareFacility (HSP.11 + ward)
ROOT_ORGANISATION = "2.16.840.1.113883.2.9.4.1.2"  # custodian / provider (HSP.11)
ROOT_ASL = "2.16.840.1.113883.2.9.4.1.1"  # the ASL / region the hospital belongs to

_CF = re.compile(r"^[A-Z0-9]{16}$")
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Hospital:
    """The hospital's identity in the FSE (settings ``CORSIA_FSE_HOSPITAL``)."""

    name: str  # custodian and provider organisation
    code: str  # HSP.11 code of the structure, e.g. "120103"
    asl_code: str  # the ASL (or regional) code it belongs to, e.g. "120"
    region_name: str  # assigning authority of the document ids, e.g. "Regione Lazio"
    document_root: str  # OID under which the hospital numbers its documents
    encounter_root: str  # OID of the hospital's encounter (ADT) numbers
    telecom: str  # "tel:+390612345678": the ward or switchboard (author/organisation)


@dataclass(frozen=True)
class Clinician:
    tax_code: str
    family: str
    given: str


@dataclass(frozen=True)
class HomeMedication:
    """A home therapy coded for the FSE (ATC, optionally the pack's AIC)."""

    text: str
    atc: str
    atc_name: str
    started_on: date
    aic: str = ""
    aic_name: str = ""


@dataclass(frozen=True)
class DocumentVersion:
    """The document's identity: ``setId`` is the letter's chain, ``id`` the version."""

    set_extension: str
    version: int
    replaces_extension: str = ""  # the id of the version this one replaces (version > 1)

    @property
    def extension(self) -> str:
        return self.set_extension if self.version == 1 else f"{self.set_extension}.{self.version}"


@dataclass(frozen=True)
class Visit:
    """The RSA's visit, the mandatory entry of its "Prestazioni": an ICD-9-CM 2007
    procedure as the outpatient Nomenclatore uses it (DM 22/07/1996 and its regional
    catalogues), the gateway's ICD-9-CM dictionary holding both codes."""

    code: str
    display: str  # the ICD-9-CM description (the dictionary's)
    label: str  # what the narrative calls it


# The first visit of a patient by the clinic, and a visit after the first ("visita
# successiva alla prima", the Nomenclatore's 89.01 "anamnesi e valutazione, definite brevi").
FIRST_VISIT = Visit("89.7", "Visita generale", "Prima visita")
CONTROL_VISIT = Visit("89.01", "Anamnesi e valutazione, definite brevi", "Visita di controllo")


def visit_of(*, seen_before: bool) -> Visit:
    """The control visit when the clinic has seen the patient before, else the first."""
    return CONTROL_VISIT if seen_before else FIRST_VISIT


@dataclass(frozen=True)
class CdaInput:
    content: Mapping[str, Any]  # ClinicalLetter.content, frozen when the letter was signed
    version: DocumentVersion
    signed_at: datetime  # aware
    signer: Clinician
    hospital: Hospital
    stp_eni_code: str = ""  # when the patient has no codice fiscale
    encounter_extension: str = ""
    confidentiality: str = "N"  # N normal, R restricted, V very restricted
    ingredient_atc: Mapping[str, str] = field(default_factory=dict)  # drug archive code -> ATC
    lab_loinc: Mapping[str, str] = field(default_factory=dict)  # chart analyte -> LOINC
    ucum_units: frozenset[str] = frozenset()  # units a PQ may carry
    home_therapy: tuple[HomeMedication, ...] = ()
    visit: Visit = FIRST_VISIT  # the RSA's "Prestazioni" (``visit_of``)


def refuse(message: str, code: str, field_name: str = "") -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field_name or None)


def patient_identifier(cf: str, stp_eni: str) -> tuple[str, str]:
    """(root, extension): the codice fiscale, else the STP or ENI code."""
    cf = (cf or "").strip().upper()
    if cf:
        if not _CF.match(cf):
            raise refuse(
                f"Il codice fiscale del paziente «{cf}» non è valido: 16 caratteri A-Z, 0-9.",
                "fse_patient_identifier_invalid",
                "codice_fiscale",
            )
        return ROOT_CF, cf
    code = (stp_eni or "").strip().upper()
    if code:
        if not _CF.match(code) or not code.startswith(("STP", "ENI")):
            raise refuse(
                f"Il codice STP/ENI del paziente «{code}» non è valido: 16 caratteri che "
                "iniziano con STP o ENI.",
                "fse_patient_identifier_invalid",
                "stp_eni_code",
            )
        return (ROOT_ENI if code.startswith("ENI") else ROOT_STP), code
    raise refuse(
        "Il paziente non ha codice fiscale né codice STP/ENI: il documento non può andare "
        "al Fascicolo Sanitario Elettronico.",
        "fse_patient_identifier_missing",
        "codice_fiscale",
    )


def signer_checked(signer: Clinician) -> Clinician:
    tax = (signer.tax_code or "").strip().upper()
    if not _CF.match(tax):
        raise refuse(
            "Il medico firmatario non ha un codice fiscale valido nel suo profilo: il gateway "
            "FSE lo richiede per autore e firmatario.",
            "fse_signer_tax_code_missing",
            "tax_code",
        )
    if not signer.family.strip() or not signer.given.strip():
        raise refuse(
            "Nome e cognome del medico firmatario sono obbligatori per il documento FSE.",
            "fse_signer_name_missing",
            "signer",
        )
    return Clinician(tax, signer.family.strip(), signer.given.strip())


def xml_text(value: object) -> str:
    """A text as the document carries it; characters XML 1.0 cannot hold are refused."""
    text = "" if value is None else str(value)
    if _XML_UNSAFE.search(text):
        raise refuse(
            "Il testo della lettera contiene caratteri di controllo che un documento CDA non "
            "può contenere.",
            "fse_text_invalid",
        )
    return text
