"""The drawn drug by patient and by disease (capitolato §21): per patient and product the
draws, the new vials opened, the mg and the euro over the period; per diagnosis of the
order's indication (ICD-9-CM or ICD-10, as the physician recorded it) the preparations, mg
and euro. Both read the draws scanned at the hood (``pharmacy_draws``); a preparation counts
under the period when one of its draws was scanned in it."""

from __future__ import annotations

from corsia.compounding.selectors_reports import drawn_per_diagnosis
from corsia.drugs.selectors import ingredient_choices
from corsia.patients.selectors_statistics import mrns_of
from corsia.prescribing.selectors_statistics import diagnoses_by_id
from corsia.reports.definitions.pharmacy import AREA, cents, hundredths, period
from corsia.reports.definitions.pharmacy_draws import (
    EUR_COLUMN,
    MG_COLUMN,
    Tally,
    money_notes,
    totals_of,
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
    totals, catalogue = totals_of(params, "patient")
    names = {i.pk: i.name_it for i in ingredient_choices()}
    lines: dict[tuple[int, int], tuple[str, str, Tally]] = {}
    for total in totals:  # one per patient and product
        name = names.get(catalogue.ingredient_id(total.product_id), "?")
        tally = Tally()
        tally.add(total)
        lines[(total.patient_id, total.product_id)] = (
            name,
            catalogue.name(total.product_id),
            tally.price(catalogue),
        )
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
                t.preparations,
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
    totals, catalogue = totals_of(params, "diagnosis")
    since, until = period(params)
    preparations = drawn_per_diagnosis(
        since=since,
        until=until,
        ingredient_id=params.drug_id,
        ward_id=params.unit_id,
        regimen_id=params.regimen_id,
    )
    diagnoses = diagnoses_by_id(
        diagnosis_ids={d for d, _ in preparations if d is not None},
    )

    def key_of(diagnosis_id: int | None) -> tuple[str, str, str]:
        found = diagnoses.get(diagnosis_id) if diagnosis_id is not None else None
        if found is None:
            return NO_DIAGNOSIS
        return (SYSTEMS.get(found.system, found.system), found.code, found.label)

    lines: dict[tuple[str, str, str], Tally] = {}
    patients: dict[tuple[str, str, str], set[int]] = {}
    for total in totals:  # one per diagnosis and product
        lines.setdefault(key_of(total.diagnosis_id), Tally()).add(total, count_preparations=False)
    for (diagnosis_id, patient_id), count in preparations.items():
        key = key_of(diagnosis_id)
        lines[key].preparations += count  # a preparation drawing two products is one
        patients.setdefault(key, set()).add(patient_id)
    for tally in lines.values():
        tally.price(catalogue)
    ordered = sorted(lines.items(), key=lambda e: (-e[1].preparations, e[0]))
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
                t.preparations,
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
