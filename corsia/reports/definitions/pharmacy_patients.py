"""The drawn drug by patient and by disease (capitolato §21): per patient and product the
draws, the new vials opened, the mg and the euro over the period; per diagnosis of the
order's indication (ICD-9-CM or ICD-10, as the physician recorded it) the preparations, mg
and euro. Both read the draws scanned at the hood (``pharmacy_draws``); a preparation counts
under the period when one of its draws was scanned in it."""

from __future__ import annotations

from corsia.patients.selectors_statistics import mrns_of
from corsia.prescribing.selectors_statistics import order_diagnoses
from corsia.reports.definitions.pharmacy import AREA, cents, hundredths
from corsia.reports.definitions.pharmacy_draws import (
    EUR_COLUMN,
    MG_COLUMN,
    Tally,
    money_notes,
    priced_draws,
)
from corsia.reports.domain.definition import (
    ChartSpec,
    Column,
    ColumnType,
    Filter,
    Params,
    Progress,
    ReportDefinition,
    ReportResult,
)
from corsia.reports.domain.registry import register
from corsia.reports.permissions import PHARMACY

NO_DIAGNOSIS = ("", "", "Senza diagnosi sull'ordine")
SYSTEMS = {"icd9cm": "ICD-9-CM", "icd10": "ICD-10", "icd10cm": "ICD-10-CM"}


def _per_patient(params: Params, progress: Progress) -> ReportResult:
    lines: dict[tuple[int, int], tuple[str, str, Tally]] = {}
    for priced in priced_draws(params):
        draw = priced.draw
        name = priced.ingredient.name_it if priced.ingredient else "?"
        key = (draw.patient_id, draw.product_id)
        lines.setdefault(key, (name, draw.product_name, Tally()))[2].add(priced)
    mrns = mrns_of(patient_ids={patient for patient, _ in lines})
    ordered = sorted(lines.items(), key=lambda e: (mrns.get(e[0][0], ""), e[1][0], e[1][1]))
    patient_ids = frozenset(patient for patient, _ in lines)
    return ReportResult(
        columns=(
            Column("patient", "Paziente (MRN)", ColumnType.PATIENT, source="patients.Patient.mrn"),
            Column("ingredient", "Principio attivo"),
            Column("product", "Prodotto", source="compounding.PreparationVial.product"),
            Column(
                "preparations",
                "Preparazioni",
                ColumnType.INTEGER,
                source="compounding.Preparation con prelievi nel periodo",
            ),
            Column(
                "vials",
                "Flaconi nuovi",
                ColumnType.INTEGER,
                source="PreparationVial con origine «flacone nuovo»",
            ),
            MG_COLUMN,
            EUR_COLUMN,
        ),
        rows=tuple(
            (
                mrns.get(patient, ""),
                ingredient,
                product,
                len(t.preparations),
                t.vials,
                hundredths(t.mg),
                cents(t.eur),
            )
            for (patient, _), (ingredient, product, t) in ordered
        ),
        notes=(
            *money_notes([t for _, (_, _, t) in ordered]),
            f"Pazienti: {len(patient_ids)}.",
            "Flaconi nuovi: i flaconi aperti per il paziente; il resto viene da residui.",
        ),
        patient_ids=patient_ids,
    )


def _by_disease(params: Params, progress: Progress) -> ReportResult:
    draws = list(priced_draws(params))
    diagnoses = order_diagnoses(order_ids={p.draw.order_id for p in draws})
    lines: dict[tuple[str, str, str], Tally] = {}
    patients: dict[tuple[str, str, str], set[int]] = {}
    for priced in draws:
        found = diagnoses.get(priced.draw.order_id)
        key = (
            (SYSTEMS.get(found.system, found.system), found.code, found.label)
            if found
            else NO_DIAGNOSIS
        )
        lines.setdefault(key, Tally()).add(priced)
        patients.setdefault(key, set()).add(priced.draw.patient_id)
    ordered = sorted(lines.items(), key=lambda e: (-len(e[1].preparations), e[0]))
    return ReportResult(
        columns=(
            Column("system", "Codifica", source="prescribing.PatientDiagnosis.system"),
            Column(
                "code", "Codice", source="prescribing.PatientDiagnosis.code (diagnosi dell'ordine)"
            ),
            Column("diagnosis", "Diagnosi", source="prescribing.PatientDiagnosis.label"),
            Column("patients", "Pazienti", ColumnType.INTEGER),
            Column(
                "preparations",
                "Preparazioni",
                ColumnType.INTEGER,
                source="compounding.Preparation con prelievi nel periodo",
            ),
            MG_COLUMN,
            EUR_COLUMN,
        ),
        rows=tuple(
            (
                system,
                code,
                label,
                len(patients[(system, code, label)]),
                len(t.preparations),
                hundredths(t.mg),
                cents(t.eur),
            )
            for (system, code, label), t in ordered
        ),
        chart=ChartSpec("bar", "diagnosis", ("preparations",), "Preparazioni per diagnosi"),
        notes=money_notes([t for _, t in ordered]),
    )


register(
    ReportDefinition(
        code="pharmacy_consumption_patient",
        title="Consumo di farmaci per paziente",
        description=(
            "Per paziente e prodotto: preparazioni, flaconi nuovi aperti, mg ed euro di "
            "quanto è andato nelle sue preparazioni nel periodo."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD, Filter.UNIT, Filter.REGIMEN, Filter.DRUG}),
        run=_per_patient,
        holds_patient_data=True,
    )
)
register(
    ReportDefinition(
        code="pharmacy_preparations_disease",
        title="Preparazioni per patologia",
        description=(
            "Per diagnosi dell'indicazione dell'ordine (ICD-9-CM o ICD-10): pazienti, "
            "preparazioni, mg ed euro delle preparazioni allestite nel periodo."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD, Filter.UNIT, Filter.REGIMEN, Filter.DRUG}),
        run=_by_disease,
    )
)
