"""The chart's sections of a clinical letter (pure): each a code, its LOINC section code,
where in the chart it comes from, the printed columns and the items, each item with its
source (``records.diagnosis:12``), its typed values (codes, ISO dates, decimals as text)
and the printed cells."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from corsia.records.domain.letter_facts import ChartFacts, TextFacts
from corsia.records.domain.vitals import SPECS, Vital

TABLE_LIMIT = 200  # rows of one section (the newest kept); the letter says so

_SECTION_META: dict[str, tuple[str, str, str]] = {
    # code: (title, LOINC, where in the chart it comes from)
    "encounter": ("Ricovero o accesso", "46241-6", "Ricoveri e accessi (ADT)"),
    "diagnosis": ("Diagnosi", "11535-2", "Diagnosi oncologica (ICD-9-CM)"),
    "allergies": ("Allergie e intolleranze", "48765-2", "Allergie del paziente"),
    "anamnesis": ("Anamnesi", "47039-3", "Anamnesi e raccordi anamnestici"),
    "performance_status": ("Performance status", "", "Performance status"),
    "diary": ("Diario clinico", "8648-8", "Diario clinico"),
    "therapies": (
        "Terapie antitumorali prescritte e somministrate",
        "10160-0",
        "Prescrizioni e somministrazioni",
    ),
    "toxicities": ("Tossicità (CTCAE)", "55109-3", "Tossicità registrate (CTCAE v5)"),
    "labs": ("Esami di laboratorio", "30954-2", "Esami di laboratorio"),
    # LDO "Esami eseguiti durante il ricovero" / RSA "Precedenti esami eseguiti" (30954-2):
    # the reports' conclusions, each item with its own LOINC document type
    "reports": (
        "Referti: anatomia patologica, diagnostica per immagini, consulenze",
        "30954-2",
        "Referti in cartella",
    ),
    "vitals": ("Parametri vitali", "8716-3", "Parametri vitali"),
}


def _d(value: Decimal | None) -> str:
    """A decimal as the chart shows it: no trailing zeros, Italian comma."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def stamp(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y %H:%M")


def day_text(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")


def iso(value: date | datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _item(source: str, values: dict[str, str], cells: Sequence[str]) -> dict[str, Any]:
    return {"source": source, "values": values, "cells": list(cells)}


def _section(
    code: str, columns: Sequence[str], items: list[dict[str, Any]], empty: str
) -> dict[str, Any]:
    title, loinc, origin = _SECTION_META[code]
    return {
        "code": code,
        "title": title,
        "loinc": loinc,
        "origin": origin,
        "columns": list(columns),
        "items": items[-TABLE_LIMIT:],
        "truncated": max(0, len(items) - TABLE_LIMIT),
        "empty": empty,
    }


def _encounter(f: ChartFacts) -> dict[str, Any]:
    e = f.encounter
    items = []
    if e is not None:
        items.append(
            _item(
                f"patients.encounter:{e.id}",
                {
                    "kind": e.kind,
                    "ward": e.ward,
                    "admitted_at": iso(e.admitted_at),
                    "discharged_at": iso(e.discharged_at),
                },
                [e.kind_label, e.ward, stamp(e.admitted_at), stamp(e.discharged_at) or "in corso"],
            )
        )
    return _section(
        "encounter",
        ["Tipo", "Reparto", "Ingresso", "Dimissione"],
        items,
        f"Nessun ricovero: dati dal {stamp(f.period_start)} al {stamp(f.period_end)}.",
    )


def _diagnosis(f: ChartFacts) -> dict[str, Any]:
    items = []
    for d in f.diagnoses:
        detail = "; ".join(
            x
            for x in (
                d.histotype,
                d.morphology_icdo3 and f"ICD-O-3 {d.morphology_icdo3}",
                d.grade and f"grado {d.grade}",
                d.stage
                and f"stadio {d.stage}" + (f" ({d.staging_system})" if d.staging_system else ""),
                d.biomarkers and f"marcatori: {d.biomarkers}",
                d.metastases and f"metastasi: {d.metastases}",
            )
            if x
        )
        items.append(
            _item(
                f"records.diagnosis:{d.id}",
                {
                    "icd9cm": d.icd9,
                    "icd9cm_label": d.label,
                    "histotype": d.histotype,
                    "morphology_icdo3": d.morphology_icdo3,
                    "grade": d.grade,
                    "stage": d.stage,
                    "staging_system": d.staging_system,
                    "biomarkers": d.biomarkers,
                    "metastases": d.metastases,
                    "diagnosed_on": iso(d.diagnosed_on),
                },
                [f"{d.icd9} {d.label}", detail or "—", day_text(d.diagnosed_on)],
            )
        )
    return _section(
        "diagnosis",
        ["ICD-9-CM", "Istotipo, grado, stadio, marcatori", "Data della diagnosi"],
        items,
        "Nessuna diagnosi registrata in cartella.",
    )


def _allergies(f: ChartFacts) -> dict[str, Any]:
    a = f.allergies
    items = []
    if a is not None and a.items:
        for allergy_id, substance, reaction, severity in a.items:
            items.append(
                _item(
                    f"patients.allergy:{allergy_id}",
                    {"substance": substance, "reaction": reaction, "severity": severity},
                    [substance, reaction, severity],
                )
            )
    elif a is not None:
        items.append(_item("patients.allergies", {"state": a.state}, [a.text, "", ""]))
    return _section(
        "allergies", ["Sostanza", "Reazione", "Gravità"], items, "Allergie non rilevate."
    )


def _texts(code: str, rows: Sequence[TextFacts], empty: str) -> dict[str, Any]:
    items = [
        _item(
            t.source,
            {"label": t.label, "text": t.text, "at": iso(t.at), "author": t.author},
            [t.label + (f" — {stamp(t.at)}" if t.at else ""), t.text, t.author],
        )
        for t in rows
    ]
    return _section(code, ["Voce", "Testo", "Firmata da"], items, empty)


def _performance(f: ChartFacts) -> dict[str, Any]:
    names = {"ecog": "ECOG", "karnofsky": "Karnofsky", "lansky": "Lansky"}
    items = [
        _item(
            f"records.performance_status:{p.id}",
            {"scale": p.scale, "value": str(p.value), "assessed_on": iso(p.assessed_on)},
            [names.get(p.scale, p.scale), str(p.value), day_text(p.assessed_on)],
        )
        for p in f.performance
    ]
    return _section(
        "performance_status",
        ["Scala", "Valore", "Valutato il"],
        items,
        "Nessun performance status registrato.",
    )


def _therapies(f: ChartFacts) -> dict[str, Any]:
    items = []
    for t in f.therapies or ():
        for line in t.lines:
            given = "non registrata"
            if line.given is not None:
                given = f"{_d(line.given)} {line.unit}" + (
                    "" if line.given_finished else " (in corso)"
                )
            items.append(
                _item(
                    f"prescribing.order_item:{line.item_id}",
                    {
                        "order_id": str(t.order_id),
                        "regimen": t.regimen,
                        "cycle": str(t.cycle),
                        "ingredient_code": line.ingredient_code,
                        "ingredient": line.ingredient,
                        "dose": str(line.dose),
                        "unit": line.unit,
                        "route": line.route,
                        "scheduled_on": iso(line.scheduled_on),
                        "given": "" if line.given is None else str(line.given),
                        "order_state": t.state_label,
                    },
                    [
                        f"{t.regimen}, ciclo {t.cycle}",
                        day_text(line.scheduled_on),
                        line.ingredient,
                        f"{_d(line.dose)} {line.unit} {line.route}".strip(),
                        given,
                    ],
                )
            )
    empty = "Nessuna terapia antitumorale nel periodo."
    if f.therapies is None:
        empty = "Terapie non visibili con il ruolo di chi ha preparato la bozza."
    return _section(
        "therapies",
        ["Schema e ciclo", "Data", "Principio attivo", "Dose prescritta", "Somministrata"],
        items,
        empty,
    )


def _toxicities(f: ChartFacts) -> dict[str, Any]:
    items = [
        _item(
            f"toxicity.record:{t.id}",
            {
                "term": t.term,
                "meddra_code": t.meddra_code,
                "grade": str(t.grade),
                "onset": iso(t.onset),
                "resolution": iso(t.resolution),
                "attribution": t.attribution,
                "serious": "true" if t.serious else "false",
            },
            [
                f"{t.term} (MedDRA {t.meddra_code})",
                f"G{t.grade}" + (" — grave" if t.serious else ""),
                day_text(t.onset),
                day_text(t.resolution) or "non risolta",
                t.attribution,
            ],
        )
        for t in f.toxicities or ()
    ]
    empty = "Nessuna tossicità registrata nel periodo."
    if f.toxicities is None:
        empty = "Tossicità non visibili con il ruolo di chi ha preparato la bozza."
    return _section(
        "toxicities", ["Evento", "Grado", "Insorgenza", "Risoluzione", "Correlazione"], items, empty
    )


def _labs(f: ChartFacts) -> dict[str, Any]:
    items = []
    for r in f.labs:
        reference = ""
        if r.reference_low is not None or r.reference_high is not None:
            reference = f"{_d(r.reference_low) or '…'}–{_d(r.reference_high) or '…'}"
        items.append(
            _item(
                f"records.lab_result:{r.id}",
                {
                    "analyte": r.analyte,
                    "value": str(r.value.normalize()),
                    "unit": r.unit,
                    "reference_low": "" if r.reference_low is None else str(r.reference_low),
                    "reference_high": "" if r.reference_high is None else str(r.reference_high),
                    "flag": r.flag,
                    "collected_at": iso(r.at),
                },
                [stamp(r.at), r.analyte, f"{_d(r.value)} {r.unit}".strip(), reference, r.flag],
            )
        )
    return _section(
        "labs",
        ["Prelievo", "Esame", "Valore", "Riferimento", "H/L"],
        items,
        "Nessun esame di laboratorio nel periodo.",
    )


def _reports(f: ChartFacts) -> dict[str, Any]:
    items = []
    for r in f.reports:
        issued = r.issuer + (f", {r.reporting_clinician}" if r.reporting_clinician else "")
        if r.accession:
            issued += f" (n. {r.accession})"
        conclusion = r.conclusion
        if r.morphology_icdo3:
            conclusion += f" [ICD-O-3 {r.morphology_icdo3}]"
        if r.corrected:
            conclusion += " (referto corretto)"
        items.append(
            _item(
                f"records.clinical_report:{r.id}",
                {
                    "kind": r.kind,
                    "loinc": r.loinc,
                    "performed_on": iso(r.performed_on),
                    "title": r.title,
                    "issuer": r.issuer,
                    "reporting_clinician": r.reporting_clinician,
                    "accession": r.accession,
                    "morphology_icdo3": r.morphology_icdo3,
                    "conclusion": r.conclusion,
                },
                [day_text(r.performed_on), r.title, issued, conclusion],
            )
        )
    return _section(
        "reports",
        ["Data", "Esame", "Refertato da", "Conclusioni"],
        items,
        "Nessun referto nel periodo.",
    )


_SHORT = {
    Vital.SYSTOLIC: "PAS",
    Vital.DIASTOLIC: "PAD",
    Vital.HEART_RATE: "FC",
    Vital.TEMPERATURE: "T",
    Vital.RESPIRATORY_RATE: "FR",
    Vital.SPO2: "SpO₂",
    Vital.PAIN: "Dolore NRS",
}


def _vitals(f: ChartFacts) -> dict[str, Any]:
    order = list(Vital)
    items = []
    for v in f.vitals:
        values = {vital.value: _d(v.values.get(vital)) for vital in order}
        values["measured_at"] = iso(v.at)
        items.append(
            _item(
                f"records.vital_signs:{v.id}",
                values,
                [stamp(v.at), *(_d(v.values.get(vital)) or "—" for vital in order)],
            )
        )
    columns = ["Rilevati il", *(f"{_SHORT[v]} ({SPECS[v].unit})" for v in order)]
    return _section("vitals", columns, items, "Nessun parametro vitale nel periodo.")


def assemble(codes: Sequence[str], facts: ChartFacts) -> list[dict[str, Any]]:
    """The chart's sections named in ``codes``, in that order (other codes skipped)."""
    builders = {
        "encounter": lambda: _encounter(facts),
        "diagnosis": lambda: _diagnosis(facts),
        "allergies": lambda: _allergies(facts),
        "anamnesis": lambda: _texts(
            "anamnesis", facts.anamnesis, "Nessuna anamnesi firmata in cartella."
        ),
        "performance_status": lambda: _performance(facts),
        "diary": lambda: _texts("diary", facts.diary, "Nessuna annotazione nel periodo."),
        "therapies": lambda: _therapies(facts),
        "toxicities": lambda: _toxicities(facts),
        "labs": lambda: _labs(facts),
        "reports": lambda: _reports(facts),
        "vitals": lambda: _vitals(facts),
    }
    return [builders[code]() for code in codes if code in builders]
