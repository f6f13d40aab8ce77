"""The LDO and RSA builders: realistic letters become CDA documents the gateway's own
rules accept (schema, schematron, terminology) with zero errors, and what cannot become an
FSE document is refused with a clear domain error before anything is built."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from lxml import etree

from corsia.core.domain.errors import ValidationFailed
from corsia.fse.domain.cda import build_cda
from corsia.fse.domain.cda.model import Clinician, DocumentVersion, HomeMedication, visit_of
from corsia.fse.domain.findings import Stage
from corsia.fse.sources import ucum_units
from corsia.fse.validation import validate_cda
from corsia.records.domain import letter_facts as lf
from corsia.testing import fse as t

NS = {"h": "urn:hl7-org:v3", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}


def _valid(xml: bytes, kind: str) -> etree._Element:
    report = validate_cda(xml)
    assert report.document_type == kind
    assert report.errors == (), report.errors
    # only code systems without a dictionary may be warned about (MedDRA, AIC)
    assert {f.stage for f in report.warnings} <= {Stage.TERMINOLOGY}
    return etree.fromstring(xml)


def one(node: etree._Element, path: str) -> Any:
    found = node.xpath(path, namespaces=NS)
    return found[0] if found else None


def many(node: etree._Element, path: str) -> list[Any]:
    return list(node.xpath(path, namespaces=NS))


def _codes(root: etree._Element, system: str) -> set[str]:
    return {e.get("code") for e in root.iterfind(f".//*[@codeSystem='{system}']")}


def _input(letter: dict[str, Any], **fields: Any) -> Any:
    return t.cda_input(letter, ucum_units=ucum_units(), **fields)


def test_a_discharge_after_induction_chemotherapy_with_complications() -> None:
    root = _valid(build_cda(_input(t.discharge_content())), "LDO")
    patient_id = one(root, "h:recordTarget/h:patientRole/h:id")
    assert (patient_id.get("root"), patient_id.get("extension")) == (
        "2.16.840.1.113883.2.9.4.3.2",
        "RSSGPP58C02H501K",
    )
    for who in ("h:author/h:assignedAuthor", "h:legalAuthenticator/h:assignedEntity"):
        assert one(root, f"{who}/h:id").get("extension") == "RSSMRA70A01H501S"
    assert one(root, "h:setId").get("extension") == one(root, "h:id").get("extension")
    assert _codes(root, "2.16.840.1.113883.6.103") >= {"205.00", "99.25"}  # diagnosis, chemo
    # cytarabine 7 days and daunorubicin the 2 days it was given; the 3rd dose not given
    given = many(root, ".//h:section[h:code/@code='10160-0']/h:entry/h:substanceAdministration")
    atc = [one(g, ".//h:manufacturedMaterial/h:code").get("code") for g in given]
    assert atc.count("L01BC01") == 7 and atc.count("L01DB02") == 2
    assert one(given[0], "h:doseQuantity").attrib == {"value": "200", "unit": "mg"}
    assert one(given[0], "h:routeCode").get("code") == "IV"
    # neutropenia and mucositis as MedDRA problems; haemoglobin with its LOINC, as a PQ
    assert _codes(root, "2.16.840.1.113883.6.163") == {"10016288", "10028130"}
    hb = one(root, ".//h:observation[h:code/@code='718-7']/h:value")
    assert (hb.get("value"), hb.get("unit")) == ("7.9", "g/dL")
    # the chart's 10^9/L is written in UCUM (10*9/L, in the gateway's UCUM table)
    neutrophils = one(root, ".//h:observation[h:code/@code='751-8']/h:value")
    assert (neutrophils.get("value"), neutrophils.get("unit")) == ("0.1", "10*9/L")
    assert (
        one(root, ".//h:observation[h:code/@code='751-8']/h:interpretationCode").get("code") == "L"
    )
    # unmapped analyte (procalcitonin): in the table only
    assert "Procalcitonina" in etree.tostring(root, encoding="unicode")
    allergies = many(root, ".//h:section[h:code/@code='48765-2']/h:entry/h:act")
    assert len(allergies) == 2
    criticality = [
        one(a, ".//h:observation[h:code/@code='SEV']/h:value").get("code") for a in allergies
    ]
    assert criticality == ["M", "H"]


def test_an_outpatient_report_with_home_therapy() -> None:
    home = (
        HomeMedication("Aciclovir 400 mg x 2/die", "J05AB01", "ACICLOVIR", date(2026, 10, 29)),
        HomeMedication(
            "Ondansetron 8 mg al bisogno",
            "A04AA01",
            "ONDANSETRONE",
            date(2026, 10, 29),
            aic="036983011",
            aic_name="ONDANSETRONE 8MG",
        ),
    )
    letter = t.outpatient_content()
    root = _valid(build_cda(_input(letter, home_therapy=home, encounter_extension="")), "RSA")
    in_progress = one(
        root, ".//h:section[h:code/@code='11329-0']/h:component/h:section[h:code/@code='10160-0']"
    )
    codes = [c.get("code") for c in many(in_progress, ".//h:manufacturedMaterial/h:code")]
    assert codes == ["J05AB01", "036983011"]
    assert one(in_progress, ".//h:translation").get("code") == "A04AA01"
    visit = one(root, ".//h:section[h:code/@code='62387-6']/h:entry/h:act/h:code")
    assert (visit.get("code"), visit.get("codeSystem")) == ("89.7", "2.16.840.1.113883.6.103")
    assert one(root, "h:componentOf/h:encompassingEncounter/h:id") is None  # no stay
    # a control visit: ICD-9-CM 89.01, valid by the same official rules
    control = _valid(build_cda(_input(letter, visit=visit_of(seen_before=True))), "RSA")
    visit = one(control, ".//h:section[h:code/@code='62387-6']/h:entry/h:act/h:code")
    assert (visit.get("code"), visit.get("displayName")) == (
        "89.01",
        "Anamnesi e valutazione, definite brevi",
    )


def test_a_patient_with_stp_instead_of_codice_fiscale() -> None:
    facts = t.outpatient_facts(codice_fiscale="")
    letter = t.outpatient_content(facts)
    root = _valid(build_cda(_input(letter, stp_eni_code="STP1200001234567")), "RSA")
    patient_id = one(root, "h:recordTarget/h:patientRole/h:id")
    assert patient_id.get("root") == "2.16.840.1.113883.2.9.4.3.17"
    eni = _valid(build_cda(_input(letter, stp_eni_code="ENI1200001234567")), "RSA")
    assert (
        one(eni, "h:recordTarget/h:patientRole/h:id").get("root") == "2.16.840.1.113883.2.9.4.3.18"
    )


@pytest.mark.parametrize("state", ["none_known", "not_asked"])
def test_allergies_none_are_said_in_the_text_with_no_entry(state: str) -> None:
    facts = replace(
        t.induction_discharge_facts(),
        allergies=lf.AllergyFacts(state=state, text="Nessuna allergia nota"),
    )
    root = _valid(build_cda(_input(t.discharge_content(facts))), "LDO")
    section = one(root, ".//h:section[h:code/@code='48765-2']")
    assert one(section, "h:entry") is None
    assert "Nessuna allergia nota" in etree.tostring(section, encoding="unicode")


def test_accented_text_and_xml_special_characters_survive_as_written() -> None:
    epicrisis = "Però: PLT < 20 × 10⁹/L & Hb > 8 g/dL — «febbre» ≥ 38 °C; \"ok\" 'sì'.\nRiga due."
    facts = replace(
        t.induction_discharge_facts(),
        patient=t.patient(surname="D'Angelo-Nicolò", given_names="Maria Loreto"),
        diagnoses=(
            replace(t.induction_discharge_facts().diagnoses[0], histotype="LAM <NPM1> & FLT3"),
        ),
    )
    xml = build_cda(_input(t.discharge_content(facts, clinical_course=epicrisis)))
    root = _valid(xml, "LDO")
    text = "".join(one(root, ".//h:section[h:code/@code='8648-8']/h:text/h:paragraph").itertext())
    assert text == epicrisis.replace("\n", "")
    assert (
        one(root, "h:recordTarget/h:patientRole/h:patient/h:name/h:family").text
        == "D'Angelo-Nicolò"
    )
    assert "LAM <NPM1> & FLT3" in "".join(root.itertext())


def test_a_very_long_epicrisis_is_carried_whole() -> None:
    sentence = "Decorso regolare, parametri stabili, alimentazione per os ben tollerata. "
    epicrisis = "\n\n".join([sentence * 20] * 5)[:8000]
    root = _valid(build_cda(_input(t.discharge_content(clinical_course=epicrisis))), "LDO")
    section = one(root, ".//h:section[h:code/@code='8648-8']/h:text")
    written = " ".join("".join(p.itertext()) for p in many(section, "h:paragraph"))
    assert " ".join(written.split()) == " ".join(epicrisis.split())


def test_a_correction_replaces_the_previous_version() -> None:
    version = DocumentVersion("120901.LDO.4f1c2a", 2, "120901.LDO.4f1c2a")
    root = _valid(build_cda(_input(t.discharge_content(), version=version)), "LDO")
    assert one(root, "h:id").get("extension") == "120901.LDO.4f1c2a.2"
    assert one(root, "h:versionNumber").get("value") == "2"
    parent = one(root, "h:relatedDocument[@typeCode='RPLC']/h:parentDocument")
    assert one(parent, "h:id").get("extension") == "120901.LDO.4f1c2a"


@pytest.mark.parametrize(
    ("cf", "change", "code"),
    [
        ("", {"stp_eni_code": ""}, "fse_patient_identifier_missing"),
        ("", {"stp_eni_code": "XYZ1200001234567"}, "fse_patient_identifier_invalid"),
        ("RSSGPP58C02H50", {}, "fse_patient_identifier_invalid"),
        (
            "RSSGPP58C02H501K",
            {"signer": Clinician("", "Bianchi", "Laura")},
            "fse_signer_tax_code_missing",
        ),
        ("RSSGPP58C02H501K", {"version": DocumentVersion("x", 2)}, "fse_replaced_version_missing"),
        ("RSSGPP58C02H501K", {"confidentiality": "X"}, "fse_confidentiality_invalid"),
    ],
)
def test_what_cannot_go_to_the_fse_is_refused_before_building(
    cf: str, change: dict[str, Any], code: str
) -> None:
    facts = t.outpatient_facts(codice_fiscale=cf)
    with pytest.raises(ValidationFailed) as refused:
        build_cda(_input(t.outpatient_content(facts), **change))
    assert refused.value.code == code


def test_a_diary_report_or_a_control_character_is_refused() -> None:
    diary = dict(t.outpatient_content(), kind="diary_report")
    with pytest.raises(ValidationFailed) as refused:
        build_cda(_input(diary))
    assert refused.value.code == "fse_letter_kind_unsupported"
    with pytest.raises(ValidationFailed) as refused:
        build_cda(_input(t.discharge_content(clinical_course="febbre\x07")))
    assert refused.value.code == "fse_text_invalid"
    facts = t.induction_discharge_facts()
    assert facts.encounter is not None
    stay_open = t.discharge_content(
        replace(facts, encounter=replace(facts.encounter, discharged_at=None))
    )
    with pytest.raises(ValidationFailed) as refused:
        build_cda(_input(stay_open))
    assert refused.value.code == "fse_discharge_missing"
