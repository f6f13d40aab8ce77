"""The discharge letter as the gateway's LDO (Lettera di Dimissione Ospedaliera,
``schematronFSE_LDO_v5.5.sch``, template 2.16.840.1.113883.2.9.10.1.5 v1.2), from the
signed letter's frozen content (pure).

| LDO section (LOINC) | from the letter |
|---|---|
| Motivo del ricovero 46241-6 (required) | the stay (ward, admission) and the oncological diagnoses it treats |
| Inquadramento clinico iniziale 47039-3 | anamnesis and raccordi, performance status |
| Decorso ospedaliero 8648-8 (required) | clinical course and epicrisis (free text), the diary |
| Complicanze 55109-3 | CTCAE toxicities, each a MedDRA-coded problem |
| Riscontri ed accertamenti significativi 11493-4 | vital signs |
| Esami eseguiti durante il ricovero 30954-2 | laboratory (LOINC where mapped) and reports (their LOINC type) |
| Procedure eseguite durante il ricovero 47519-4 | chemotherapy given (ICD-9-CM 99.25, per order) |
| Allergie 48765-2 | allergies listed, or the NKDA statement in the text |
| Terapia farmacologica effettuata durante il ricovero 10160-0 | antineoplastic lines given, by ATC |
| Condizioni del paziente e diagnosi alla dimissione 11535-2 (required) | diagnoses, ICD-9-CM |
| Terapia farmacologica alla dimissione 10183-2 | therapy at discharge (free text), home therapy by ATC/AIC |
| Istruzioni di follow-up 18776-5 | instructions and follow-up (free text) |
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from corsia.fse.domain.cda import entries as e
from corsia.fse.domain.cda.header import header
from corsia.fse.domain.cda.model import CdaInput, refuse
from corsia.fse.domain.cda.xml import el, paragraphs, section, span

TEMPLATE = ("2.16.840.1.113883.2.9.10.1.5", "1.2")
CODE = ("34105-7", "Lettera di dimissione ospedaliera")


def _sections(content: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {s["code"]: s for s in content.get("sections", [])}


def _free(text: etree._Element, content: Mapping[str, Any], *codes: str) -> bool:
    found = False
    for code in codes:
        value = str((content.get("free_text") or {}).get(code, "")).strip()
        if value:
            paragraphs(text, value)
            found = True
    return found


def _empty(text: etree._Element, message: str) -> None:
    el(text, "paragraph", message)


def tables(
    body: etree._Element,
    code: tuple[str, str],
    title: str,
    *parts: Mapping[str, Any] | None,
) -> etree._Element | None:
    """A section printing the chart sections ``parts`` as tables; none when all are empty."""
    if not any(e.items(part) for part in parts):
        return None
    node, text = section(body, code[0], code[1], title)
    for part in parts:
        e.chart_table(text, part)
    return node


def results(
    body: etree._Element,
    chart: Mapping[str, Mapping[str, Any]],
    data: CdaInput,
    display: str,
    title: str,
) -> None:
    """Laboratory results and reports (LOINC 30954-2), each coded where it can be."""
    labs, reports = chart.get("labs"), chart.get("reports")
    node = tables(body, ("30954-2", display), title, labs, reports)
    if node is not None:
        e.lab_entries(node, labs, data.lab_loinc, data.ucum_units)
        e.report_entries(node, reports)


def build_ldo(data: CdaInput) -> etree._Element:
    content = data.content
    chart = _sections(content)
    stay = e.items(chart.get("encounter"))
    if not stay or not stay[0]["values"].get("discharged_at"):
        raise refuse(
            "La lettera di dimissione non riporta la dimissione: il documento FSE (LDO) "
            "richiede inizio e fine del ricovero.",
            "fse_discharge_missing",
        )
    values = stay[0]["values"]
    doc = header(
        data=data,
        template=TEMPLATE,
        code=CODE,
        title="Lettera di dimissione ospedaliera",
        encounter=(
            *span(values["admitted_at"], values["discharged_at"]),
            str(values.get("ward", "")),
        ),
    )
    body = el(el(doc, "component"), "structuredBody", moodCode="EVN", classCode="DOCBODY")
    ids = e.Ids()

    node, text = section(body, "46241-6", "Diagnosi di accettazione", "Motivo del ricovero")
    e.chart_table(text, chart.get("encounter"))
    if e.items(chart.get("diagnosis")):
        el(text, "paragraph", "Ricovero per la patologia oncologica in cartella:")
        e.chart_table(text, chart.get("diagnosis"))

    tables(
        body,
        ("47039-3", "Ricovero ospedaliero, anamnesi ed esame obiettivo"),
        "Inquadramento clinico iniziale",
        chart.get("anamnesis"),
        chart.get("performance_status"),
    )

    node, text = section(body, "8648-8", "Decorso ospedaliero", "Decorso ospedaliero")
    wrote = _free(text, content, "clinical_course")
    wrote = e.chart_table(text, chart.get("diary")) or wrote
    if not wrote:
        _empty(text, "Decorso non descritto.")

    toxicities = chart.get("toxicities")
    found = tables(body, ("55109-3", "Complicazioni"), "Complicanze", toxicities)
    if found is not None:
        e.complication_entries(found, toxicities)
    tables(
        body,
        ("11493-4", "Hospital discharge studies summary"),
        "Riscontri ed accertamenti significativi",
        chart.get("vitals"),
    )
    results(
        body,
        chart,
        data,
        "Esami diagnostici e/o di laboratorio significativi",
        "Esami eseguiti durante il ricovero",
    )

    therapies = chart.get("therapies")
    if any(i["values"].get("given") for i in e.items(therapies)):
        node, text = section(
            body,
            "47519-4",
            "History of Procedures Document",
            "Procedure eseguite durante il ricovero",
        )
        el(
            text,
            "paragraph",
            "Somministrazione di chemioterapia antineoplastica (ICD-9-CM 99.25), per schema e ciclo:",
        )
        e.chart_table(text, therapies)
        e.chemotherapy_procedures(node, therapies)

    allergies = chart.get("allergies")
    node, text = section(
        body, "48765-2", "Allergie e/o reazioni avverse", "Allergie e/o reazioni avverse"
    )
    refs = [ids.next("allergia") for _ in e.items(allergies)]
    if not e.chart_table(text, allergies, refs):
        _empty(text, str((allergies or {}).get("empty", "Allergie non rilevate.")))
    e.allergy_entries(node, allergies, refs)

    if e.items(therapies):
        node, text = section(
            body,
            "10160-0",
            "Terapia farmacologica",
            "Terapia farmacologica effettuata durante il ricovero",
        )
        e.chart_table(text, therapies)
        e.given_therapy_entries(node, therapies, data.ingredient_atc, data.ucum_units)

    node, text = section(
        body,
        "11535-2",
        "Diagnosi di dimissione",
        "Condizioni del paziente e diagnosi alla dimissione",
    )
    if not e.chart_table(text, chart.get("diagnosis")):
        _empty(
            text, str((chart.get("diagnosis") or {}).get("empty", "Nessuna diagnosi registrata."))
        )
    e.diagnosis_entries(node, e.items(chart.get("diagnosis")), "8651-2", "Diagnosi di dimissione")

    free = content.get("free_text") or {}
    if str(free.get("discharge_therapy", "")).strip() or data.home_therapy:
        node, text = section(
            body,
            "10183-2",
            "Terapia farmacologica alla dimissione",
            "Terapia farmacologica alla dimissione",
        )
        _free(text, content, "discharge_therapy")
        if data.home_therapy:
            e.table_of_home_therapy(text, data.home_therapy)
        e.home_therapy_entries(node, data.home_therapy, "INT")

    if str(free.get("instructions", "")).strip() or str(free.get("follow_up", "")).strip():
        node, text = section(body, "18776-5", "Piano di cura", "Istruzioni di follow-up")
        _free(text, content, "instructions", "follow_up")
    return doc
