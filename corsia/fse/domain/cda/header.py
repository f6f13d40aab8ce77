"""The CDA header common to the LDO and the RSA (pure)."""

from __future__ import annotations

from lxml import etree

from corsia.fse.domain.cda.model import (
    ROOT_ASL,
    ROOT_CF,
    ROOT_FACILITY,
    ROOT_ORGANISATION,
    CdaInput,
    Clinician,
    Hospital,
    patient_identifier,
    refuse,
    signer_checked,
)
from corsia.fse.domain.cda.xml import LOINC, coded, day, el, interval, ts

GENDER = "2.16.840.1.113883.5.1"
CONFIDENTIALITY = "2.16.840.1.113883.5.25"


def _person_name(parent: etree._Element, family: str, given: str) -> None:
    name = el(parent, "name")
    el(name, "family", family)
    el(name, "given", given)


def _clinician_entity(parent: etree._Element, tag: str, who: Clinician, telecom: str) -> None:
    node = el(parent, tag)
    el(node, "id", root=ROOT_CF, extension=who.tax_code, assigningAuthorityName="MEF")
    if telecom:
        el(node, "telecom", use="WP", value=telecom)
    _person_name(el(node, "assignedPerson"), who.family, who.given)


def _patient(doc: etree._Element, data: CdaInput) -> None:
    patient = data.content.get("patient") or {}
    root, extension = patient_identifier(str(patient.get("codice_fiscale", "")), data.stp_eni_code)
    family = str(patient.get("surname", "")).strip()
    given = str(patient.get("given_names", "")).strip()
    if not family or not given:
        raise refuse(
            "Nome e cognome del paziente sono obbligatori per il documento FSE.",
            "fse_patient_name_missing",
            "patient",
        )
    role = el(el(doc, "recordTarget"), "patientRole")
    authority = "MEF" if root == ROOT_CF else data.hospital.region_name
    el(role, "id", root=root, extension=extension, assigningAuthorityName=authority)
    person = el(role, "patient")
    _person_name(person, family, given)
    sex = str(patient.get("sex", "")).upper()
    if sex in ("M", "F"):
        coded(
            person, "administrativeGenderCode", sex, GENDER, "Maschio" if sex == "M" else "Femmina"
        )
    else:
        coded(person, "administrativeGenderCode", "UN", GENDER, "Non definito")
    born = str(patient.get("date_of_birth", ""))
    if born:
        el(person, "birthTime", value=day(born))
    else:
        el(person, "birthTime", nullFlavor="UNK")


def _document_id(parent: etree._Element, tag: str, hospital: Hospital, extension: str) -> None:
    el(
        parent,
        tag,
        root=hospital.document_root,
        extension=extension,
        assigningAuthorityName=hospital.region_name,
    )


def _organisation_id(parent: etree._Element, root: str, extension: str) -> None:
    el(
        parent,
        "id",
        root=root,
        extension=extension,
        assigningAuthorityName="Ministero della Salute",
    )


def header(
    *,
    data: CdaInput,
    template: tuple[str, str],
    code: tuple[str, str],
    title: str,
    encounter: tuple[str, str, str],  # (low, high, ward name); high "" when none
) -> etree._Element:
    """The ``ClinicalDocument`` with its header, ready for its body."""
    signer = signer_checked(data.signer)
    hospital = data.hospital
    signed = ts(data.signed_at)
    doc = el(None, "ClinicalDocument")
    el(doc, "realmCode", code="IT")
    el(doc, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_MT000040UV02")
    el(doc, "templateId", root=template[0], extension=template[1])
    version = data.version
    _document_id(doc, "id", hospital, version.extension)
    coded(doc, "code", code[0], LOINC, code[1])
    el(doc, "title", title)
    el(doc, "effectiveTime", value=signed)
    if data.confidentiality not in ("N", "R", "V"):
        raise refuse("Riservatezza non valida (N, R o V).", "fse_confidentiality_invalid")
    coded(doc, "confidentialityCode", data.confidentiality, CONFIDENTIALITY)
    el(doc, "languageCode", code="it-IT")
    _document_id(doc, "setId", hospital, version.set_extension)
    el(doc, "versionNumber", value=str(version.version))
    _patient(doc, data)

    author = el(doc, "author")
    el(author, "time", value=signed)
    _clinician_entity(author, "assignedAuthor", signer, hospital.telecom)

    custodian = el(
        el(el(doc, "custodian"), "assignedCustodian"), "representedCustodianOrganization"
    )
    _organisation_id(custodian, ROOT_ORGANISATION, hospital.code)
    el(custodian, "name", hospital.name)

    legal = el(doc, "legalAuthenticator")
    el(legal, "time", value=signed)
    el(legal, "signatureCode", code="S")
    _clinician_entity(legal, "assignedEntity", signer, "")

    if version.version > 1:
        if not version.replaces_extension:
            raise refuse(
                "Una nuova versione del documento deve indicare quella che sostituisce.",
                "fse_replaced_version_missing",
            )
        parent = el(el(doc, "relatedDocument", typeCode="RPLC"), "parentDocument")
        _document_id(parent, "id", hospital, version.replaces_extension)
        _document_id(parent, "setId", hospital, version.set_extension)
        el(parent, "versionNumber", value=str(version.version - 1))

    low, high, ward = encounter
    meeting = el(el(doc, "componentOf"), "encompassingEncounter")
    if data.encounter_extension:
        el(
            meeting,
            "id",
            root=hospital.encounter_root,
            extension=data.encounter_extension,
            assigningAuthorityName=hospital.name,
        )
    interval(meeting, low, high)
    facility = el(el(meeting, "location"), "healthCareFacility")
    _organisation_id(facility, ROOT_FACILITY, hospital.code)
    if ward:
        el(el(facility, "location"), "name", ward)
    provider = el(facility, "serviceProviderOrganization")
    _organisation_id(provider, ROOT_ORGANISATION, hospital.code)
    el(provider, "name", hospital.name)
    el(provider, "telecom", use="WP", value=hospital.telecom)
    _organisation_id(el(provider, "asOrganizationPartOf"), ROOT_ASL, hospital.asl_code)
    return doc
