"""Prescriptions under AIFA monitoring (capitolato §21): every active requirement «registro
AIFA» of the orders whose cycle starts in the period, as the prescribing module records it
(``prescribing.selectors_regulatory.registry_prescriptions``).

How the registry check stores it: when an order line's drug is flagged in the drug archive
(``drugs.ActiveIngredient.aifa_registry``) and its registry applies to the order's diagnosis,
the order gets an ``OrderRegulatoryRequirement`` of kind ``aifa_registry`` with the registry's
name and the indication (diagnosis code and label). The physician records the «scheda di
richiesta farmaco» (number, date) or why it is not there yet (waiting for the eligibility,
acknowledged); the pharmacist may validate without it (reason) and records that the «scheda
di dispensazione» was entered in the AIFA registry. Corsia does not talk to the AIFA web
platform: what the report shows is what was recorded in Corsia."""

from __future__ import annotations

from corsia.patients.selectors_statistics import mrns_of
from corsia.prescribing.selectors_regulatory import RegistryStat, registry_prescriptions
from corsia.reports.definitions.pharmacy import AREA, period
from corsia.reports.domain.definition import (
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

SOURCE = "prescribing.OrderRegulatoryRequirement"


def request_status(row: RegistryStat) -> str:
    """The «scheda di richiesta» as recorded: present, pending (why), or missing."""
    if row.request_number:
        return "Registrata"
    if row.pending_reason:
        return f"In attesa: {row.pending_reason}"
    if row.override_reason:
        return f"Mancante, validata dal farmacista: {row.override_reason}"
    return "Mancante"


def _run(params: Params, progress: Progress) -> ReportResult:
    since, until = period(params)
    found = registry_prescriptions(
        first=since,
        last=until,
        ingredient_id=params.drug_id,
        ward_id=params.unit_id,
        regimen_id=params.regimen_id,
    )
    mrns = mrns_of(patient_ids={r.patient_id for r in found})
    complete = sum(1 for r in found if not r.missing)
    return ReportResult(
        columns=(
            Column("patient", "Paziente (MRN)", ColumnType.PATIENT, source="patients.Patient.mrn"),
            Column("start", "Inizio ciclo", ColumnType.DATE, source="TherapyOrder.start_date"),
            Column("regimen", "Schema", source="TherapyOrder.regimen_version"),
            Column("drug", "Farmaco", source=f"{SOURCE}.ingredient"),
            Column("registry", "Registro AIFA", source=f"{SOURCE}.registry_name"),
            Column("indication_code", "Codice indicazione", source=f"{SOURCE}.indication_code"),
            Column("indication", "Indicazione", source=f"{SOURCE}.indication_label"),
            Column("request_status", "Scheda di richiesta", source=f"{SOURCE}.request_*"),
            Column("request_number", "Numero scheda", source=f"{SOURCE}.request_number"),
            Column("request_date", "Data scheda", ColumnType.DATE, source=f"{SOURCE}.request_date"),
            Column(
                "dispensed",
                "Dispensazione registrata",
                ColumnType.DATE,
                source=f"{SOURCE}.dispensing_recorded_at",
            ),
            Column("missing", "Da completare", source="prescribing: requisiti mancanti"),
        ),
        rows=tuple(
            (
                mrns.get(r.patient_id, ""),
                r.start_date,
                r.regimen,
                r.drug,
                r.registry,
                r.indication_code,
                r.indication_label,
                request_status(r),
                r.request_number,
                r.request_date,
                r.dispensing_recorded_on,
                " ".join(r.missing),
            )
            for r in found
        ),
        notes=(
            f"Prescrizioni sotto registro: {len(found)}; documentazione completa: {complete}.",
            "Quanto registrato in Corsia: la piattaforma AIFA dei registri non è interrogata.",
        ),
        patient_ids=frozenset(r.patient_id for r in found),
    )


register(
    ReportDefinition(
        code="pharmacy_aifa_registry",
        title="Prescrizioni sotto registro di monitoraggio AIFA",
        description=(
            "Per paziente: farmaco, registro, indicazione, scheda di richiesta e "
            "dispensazione come registrate, per gli ordini con inizio ciclo nel periodo."
        ),
        permission=PHARMACY,
        area=AREA,
        filters=frozenset({Filter.PERIOD, Filter.UNIT, Filter.REGIMEN, Filter.DRUG}),
        run=_run,
        holds_patient_data=True,
    )
)
