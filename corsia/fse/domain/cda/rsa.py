"""The outpatient report as the gateway's RSA (Referto di Specialistica Ambulatoriale,
``schematron_RSA_v8.3.sch``, template 2.16.840.1.113883.2.9.10.1.9.1 v1.1), from the
signed letter's frozen content (pure).

| RSA section (LOINC) | from the letter |
|---|---|
| Quesito diagnostico 29299-5 | the question (free text) |
| Storia clinica 11329-0 | anamnesis; sub-sections Allergie 48765-2 and Terapia farmacologica in atto 10160-0 (home therapy, ATC/AIC) |
| Precedenti esami eseguiti 30954-2 | laboratory of the 30 days before (LOINC where mapped), reports |
| Esame obiettivo 29545-1 | examination (free text), vital signs, performance status |
| Prestazioni 62387-6 (required) | the visit (ICD-9-CM procedure, setting), chemotherapy given that day (99.25) |
| Referto 47045-0 (required) | therapies and toxicities of the day from the chart |
| Diagnosi 29548-5 | diagnoses, ICD-9-CM |
| Conclusioni 55110-1 | conclusions (free text) |
| Suggerimenti per il medico prescrittore 62385-0 | recommendations (free text) |
| Accertamenti e controlli consigliati 80615-8 | follow-up (free text) |
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from corsia.fse.domain.cda import entries as e
from corsia.fse.domain.cda.header import header
from corsia.fse.domain.cda.ldo import _empty, _free, _sections, results
from corsia.fse.domain.cda.model import CdaInput
from corsia.fse.domain.cda.xml import ICD9CM, coded, el, entry, paragraphs, section, span, ts

TEMPLATE = ("2.16.840.1.113883.2.9.10.1.9.1", "1.1")
CODE = ("11488-4", "Nota di consulto")


def _subsection(
    parent: etree._Element, code: str, display: str, title: str
) -> tuple[etree._Element, etree._Element]:
    return section(parent, code, display, title)


def build_rsa(data: CdaInput) -> etree._Element:
    content: Mapping[str, Any] = data.content
    chart = _sections(content)
    period = content.get("period") or {}
    stay = e.items(chart.get("encounter"))
    ward = str(stay[0]["values"].get("ward", "")) if stay else ""
    doc = header(
        data=data,
        template=TEMPLATE,
        code=CODE,
        title="Referto di specialistica ambulatoriale",
        encounter=(*span(period["start"], period["end"]), ward),
    )
    body = el(el(doc, "component"), "structuredBody", moodCode="EVN", classCode="DOCBODY")
    ids = e.Ids()
    free = content.get("free_text") or {}

    if str(free.get("question", "")).strip():
        node, text = section(body, "29299-5", "Motivo della visita", "Quesito diagnostico")
        _free(text, content, "question")

    anamnesis, allergies = chart.get("anamnesis"), chart.get("allergies")
    node, text = section(body, "11329-0", "Storia generale", "Storia clinica")
    if not e.chart_table(text, anamnesis):
        _empty(text, str((anamnesis or {}).get("empty", "Nessuna anamnesi firmata in cartella.")))
    sub, sub_text = _subsection(node, "48765-2", "Allergie e/o reazioni avverse", "Allergie")
    refs = [ids.next("allergia") for _ in e.items(allergies)]
    if not e.chart_table(sub_text, allergies, refs):
        _empty(sub_text, str((allergies or {}).get("empty", "Allergie non rilevate.")))
    e.allergy_entries(sub, allergies, refs)
    if data.home_therapy:
        sub, sub_text = _subsection(
            node, "10160-0", "Uso di farmaci", "Terapia farmacologica in atto"
        )
        e.table_of_home_therapy(sub_text, data.home_therapy)
        e.home_therapy_entries(sub, data.home_therapy, "EVN")

    results(
        body,
        chart,
        data,
        "Test diagnostici o dati di laboratorio rilevanti",
        "Precedenti esami eseguiti",
    )

    vitals, performance = chart.get("vitals"), chart.get("performance_status")
    if str(free.get("examination", "")).strip() or e.items(vitals) or e.items(performance):
        node, text = section(body, "29545-1", "Osservazioni fisiche", "Esame obiettivo")
        _free(text, content, "examination")
        e.chart_table(text, vitals)
        e.chart_table(text, performance)

    therapies = chart.get("therapies")
    node, text = section(body, "62387-6", "Interventi", "Prestazioni")
    visit = data.visit
    el(
        text,
        "paragraph",
        f"{visit.label}: {visit.display} (ICD-9-CM {visit.code})" + (f", {ward}" if ward else ""),
    )
    act = el(entry(node), "act", classCode="ACT", moodCode="EVN")
    coded(act, "code", visit.code, ICD9CM, visit.display)
    el(act, "statusCode", code="completed")
    el(act, "effectiveTime", value=ts(period["start"]))
    given = {
        str(i["values"].get("scheduled_on")) for i in e.items(therapies) if i["values"].get("given")
    }
    if given:
        el(text, "paragraph", "Somministrazione di chemioterapia antineoplastica (ICD-9-CM 99.25).")
        procedure = el(
            el(act, "entryRelationship", typeCode="COMP"),
            "procedure",
            classCode="PROC",
            moodCode="EVN",
        )
        coded(procedure, "code", e.CHEMOTHERAPY[0], ICD9CM, e.CHEMOTHERAPY[1])
        el(procedure, "statusCode", code="completed")

    node, text = section(body, "47045-0", "Referto", "Referto")
    wrote = e.chart_table(text, therapies)
    wrote = e.chart_table(text, chart.get("toxicities")) or wrote
    if not wrote:
        _empty(
            text,
            "Nessuna terapia antitumorale né tossicità registrate nella giornata: si vedano le conclusioni.",
        )

    diagnoses = e.items(chart.get("diagnosis"))
    if diagnoses:
        node, text = section(body, "29548-5", "Diagnosi", "Diagnosi")
        e.chart_table(text, chart.get("diagnosis"))
        e.diagnosis_entries(node, diagnoses, "29308-4", "Diagnosi")

    for code_, display_, title, key in (
        ("55110-1", "Conclusioni", "Conclusioni", "conclusions"),
        (
            "62385-0",
            "Raccomandazioni",
            "Suggerimenti per il medico prescrittore",
            "recommendations",
        ),
        ("80615-8", "Follow-up consigliato", "Accertamenti e controlli consigliati", "follow_up"),
    ):
        if str(free.get(key, "")).strip():
            node, text = section(body, code_, display_, title)
            paragraphs(text, str(free[key]))
    return doc
