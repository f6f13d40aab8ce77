"""The televisit report as the gateway's Referto di Televisita (``schematron_Referto_
Televisita_v1.0.sch``, template 2.16.840.1.113883.2.9.10.1.16.1.1 v1.0, LOINC 75496-0),
from the signed report's frozen texts (pure).

| Televisit section (LOINC) | from the signed report |
|---|---|
| Quesito diagnostico 29299-5 | the booking's reason, when the agenda has one |
| Storia clinica 11329-0 | "Anamnesi e motivo della televisita" |
| Prestazioni 62387-6 (required) | the televisit: an act (ICD-9-CM 89.01, "visita successiva alla prima": a televisit is for a patient already in care), its time, the specialty's branch (template .703) and discipline (.704) as text; and the consent text recorded before the call as an ``observationMedia`` (text/plain, B64), the schematron's required media |
| Referto 47045-0 (required) | "Esito della televisita" |
| Conclusioni 55110-1 | "Conclusioni e indicazioni" |

The header is the LDO's and RSA's (``header.py``: patient, author and legal authenticator
the signing physician, custodian) plus what this rule set adds: the patient's birthplace
(ERRORE-22) and ``inFulfillmentOf`` (ERRORE-40: the agenda booking the televisit was
scheduled on, as the order)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from corsia.fse.domain.cda.header import header
from corsia.fse.domain.cda.model import CdaInput, Clinician, DocumentVersion, Hospital, refuse
from corsia.fse.domain.cda.xml import ICD9CM, coded, el, entry, paragraphs, section, span, ts

TEMPLATE = ("2.16.840.1.113883.2.9.10.1.16.1.1", "1.0")
CODE = ("75496-0", "Telehealth note")  # the display the rules recommend (W001)
VISIT = ("89.01", "Anamnesi e valutazione, definite brevi")
BRANCH_TEMPLATE = "2.16.840.1.113883.3.1937.777.63.10.703"
DISCIPLINE_TEMPLATE = "2.16.840.1.113883.3.1937.777.63.10.704"
SECTION_TEMPLATES = {
    "62387-6": "2.16.840.1.113883.3.1937.777.63.10.657",
    "47045-0": "2.16.840.1.113883.3.1937.777.63.10.695",
    "55110-1": "2.16.840.1.113883.3.1937.777.63.10.698",
}


@dataclass(frozen=True)
class TelevisitPatient:
    codice_fiscale: str
    stp_eni_code: str
    surname: str
    given_names: str
    sex: str  # M, F, or anything else (not defined)
    date_of_birth: str  # ISO date
    place_of_birth: str


@dataclass(frozen=True)
class TelevisitReportData:
    """A signed televisit report, as telemedicine hands it to the FSE (frozen texts)."""

    televisit_id: int
    booking_id: int | None
    patient: TelevisitPatient
    signer: Clinician
    signed_at: datetime  # aware
    started_at: datetime  # the call (opened) ...
    ended_at: datetime  # ... and its end (closed)
    history: str
    findings: str
    conclusions: str
    consent_text: str
    question: str = ""
    branch: str = "Oncologia"  # the specialty's branch (branca specialistica)
    discipline: str = "Oncologia medica"  # the ward's discipline


def _insert_after(doc: etree._Element, tag: str, new: etree._Element) -> None:
    found = doc.find(f"{{urn:hl7-org:v3}}{tag}")
    if found is None:  # pragma: no cover - the header always writes it
        doc.append(new)
    else:
        found.addnext(new)


def _birthplace(doc: etree._Element, place: str) -> None:
    person = doc.find(
        "{urn:hl7-org:v3}recordTarget/{urn:hl7-org:v3}patientRole/{urn:hl7-org:v3}patient"
    )
    assert person is not None
    holder = el(person, "birthplace")
    addr = el(el(holder, "place"), "addr")
    if place.strip():
        el(addr, "city", place.strip())
    else:
        addr.set("nullFlavor", "UNK")


def _template(node: etree._Element, code: str) -> None:
    root = SECTION_TEMPLATES.get(code)
    if root:
        code_node = node.find("{urn:hl7-org:v3}code")
        assert code_node is not None
        template = etree.Element("{urn:hl7-org:v3}templateId", root=root)
        code_node.addprevious(template)


def _text_section(
    body: etree._Element, code: str, display: str, title: str, text: str
) -> etree._Element:
    node, narrative = section(body, code, display, title)
    _template(node, code)
    paragraphs(narrative, text)
    return node


def _specialty(act: etree._Element, template: str, label: str, value: str) -> None:
    obs = el(el(act, "entryRelationship", typeCode="COMP"), "observation")
    obs.set("classCode", "OBS")
    obs.set("moodCode", "EVN")
    el(obs, "templateId", root=template)
    code = el(obs, "code", nullFlavor="NA")
    el(code, "originalText", label)
    el(obs, "value", value, xsi_type="ST")


def build_televisit(
    data: TelevisitReportData, *, hospital: Hospital, version: DocumentVersion
) -> etree._Element:
    for name in ("history", "findings", "conclusions"):
        if not str(getattr(data, name)).strip():
            raise refuse(
                "Il referto di televisita è incompleto: anamnesi, esito e conclusioni sono "
                "obbligatori.",
                "fse_televisit_text_missing",
                name,
            )
    patient = data.patient
    cda = CdaInput(
        content={
            "patient": {
                "codice_fiscale": patient.codice_fiscale,
                "surname": patient.surname,
                "given_names": patient.given_names,
                "sex": patient.sex,
                "date_of_birth": patient.date_of_birth,
            }
        },
        version=version,
        signed_at=data.signed_at,
        signer=data.signer,
        hospital=hospital,
        stp_eni_code=patient.stp_eni_code,
        encounter_extension=f"TV{data.televisit_id}",
    )
    low, high = span(data.started_at, data.ended_at)
    doc = header(
        data=cda,
        template=TEMPLATE,
        code=CODE,
        title="Referto di Televisita",
        encounter=(low, high, ""),
    )
    _birthplace(doc, patient.place_of_birth)
    provider = doc.find(
        "{urn:hl7-org:v3}componentOf/{urn:hl7-org:v3}encompassingEncounter/"
        "{urn:hl7-org:v3}location/{urn:hl7-org:v3}healthCareFacility/"
        "{urn:hl7-org:v3}serviceProviderOrganization"
    )
    assert provider is not None
    provider.set("classCode", "ORG")  # ERRORE-38
    fulfilment = etree.Element("{urn:hl7-org:v3}inFulfillmentOf")
    order = el(fulfilment, "order", classCode="ACT", moodCode="RQO")
    el(
        order,
        "id",
        root=hospital.document_root,
        extension=f"{hospital.code}.PREN.{data.booking_id or data.televisit_id}",
        assigningAuthorityName=hospital.name,
    )
    _insert_after(doc, "legalAuthenticator", fulfilment)

    body = el(el(doc, "component"), "structuredBody", moodCode="EVN", classCode="DOCBODY")
    if data.question.strip():
        _text_section(body, "29299-5", "Motivo della visita", "Quesito diagnostico", data.question)
    _text_section(body, "11329-0", "Anamnesi Generale", "Storia clinica", data.history)

    node, narrative = section(body, "62387-6", "Interventi", "Prestazioni")
    _template(node, "62387-6")
    start, end = ts(data.started_at), ts(data.ended_at)
    el(
        narrative,
        "paragraph",
        f"Televisita (videochiamata) dalle {data.started_at:%H:%M} alle {data.ended_at:%H:%M}: "
        f"{VISIT[1]} (ICD-9-CM {VISIT[0]}). Branca: {data.branch}; disciplina: "
        f"{data.discipline}.",
    )
    el(narrative, "paragraph", "Consenso alla televisita raccolto prima della chiamata.")
    act = el(entry(node), "act", classCode="ACT", moodCode="EVN")
    coded(act, "code", VISIT[0], ICD9CM, VISIT[1])
    el(act, "statusCode", code="completed")
    el(act, "effectiveTime", value=start)
    _specialty(act, BRANCH_TEMPLATE, "Branca specialistica", data.branch)
    _specialty(act, DISCIPLINE_TEMPLATE, "Disciplina", data.discipline)
    media = el(entry(node), "observationMedia", classCode="OBS", moodCode="EVN")
    el(
        media,
        "value",
        base64.b64encode((data.consent_text or "Consenso raccolto.").encode()).decode("ascii"),
        mediaType="text/plain",
        representation="B64",
    )
    del end

    _text_section(body, "47045-0", "Referto", "Referto", data.findings)
    _text_section(body, "55110-1", "Conclusioni", "Conclusioni", data.conclusions)
    return doc


def televisit_cda(
    data: TelevisitReportData, *, hospital: Hospital, version: DocumentVersion
) -> bytes:
    root = build_televisit(data, hospital=hospital, version=version)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml
